// SPDX-License-Identifier: MIT
#pragma once

#include "echo/io.hpp"

#include <cstddef>
#include <cstdint>

namespace echo {

class ConnectionTrace;

struct EchoOutcome {
    enum class End { peer_finished, stopped, failed };
    End end = End::peer_finished;
    std::uint64_t bytes = 0; // echoed back to the peer
    IoFailure failure;       // when failed
    bool spliced = false;    // the kernel moved the bytes (splice through a pipe), not our buffer
};

// How the bytes travel from the peer back to it.
enum class EchoPath {
    fastest,  // splice(2) through a pipe where the kernel offers it (Linux), else the portable loop
    portable, // read(2) into one 256 KiB buffer of ours, write(2) all of it, read again
};

// Echoes every byte read from the connected, non-blocking stream socket `peer` back to it until
// the peer's end of stream, then shuts down our write side. Returns early when `stop_fd` becomes
// readable (pass -1 to never stop) or when the peer fails. When the `trace` shows bytes (-v),
// every chunk and both FINs are shown: that needs the bytes in our hands, so it takes the
// portable loop. So does a `read_size` (--read-size): each read then takes at most that many
// bytes (0: the buffer's size), so that one message can be seen to arrive in several reads.
// Both paths behave the same way: only the copying differs.
EchoOutcome echo_until_eof(int peer, int stop_fd, ConnectionTrace& trace,
                           EchoPath path = EchoPath::fastest, std::size_t read_size = 0);

} // namespace echo
