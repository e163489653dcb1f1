// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace echo {

class ConnectionTrace;

struct EchoOutcome {
    enum class End { peer_finished, stopped, failed };
    End end = End::peer_finished;
    std::uint64_t bytes = 0; // echoed back to the peer
    const char* step = "";   // "recv from" or "send to" when failed
    int error = 0;
};

// Echoes every byte read from the connected, non-blocking stream socket `peer` back to it until
// the peer's end of stream, then shuts down our write side. Returns early when `stop_fd` becomes
// readable (pass -1 to never stop) or when the peer fails. With a `trace`, every chunk and both
// FINs are shown (-v).
EchoOutcome echo_until_eof(int peer, int stop_fd, ConnectionTrace* trace = nullptr);

} // namespace echo
