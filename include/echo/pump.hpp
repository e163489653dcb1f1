// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace echo {

class ConnectionTrace;

struct PumpResult {
    enum class Step { none, read_input, send, receive, write_output };
    std::uint64_t sent = 0;      // bytes read from input and sent on the socket
    std::uint64_t received = 0;  // bytes received on the socket and written to output
    bool input_finished = false; // input reached its end and all of it was sent
    Step failed = Step::none;
    int error = 0;
};

// Streams `input` to the connected stream socket `sock` and what comes back to `output`, both
// directions at once, as netcat does: one bounded buffer per direction, so any amount flows
// without deadlock. At input's end it shuts down the socket's write side; it returns when the
// socket reaches its end and everything received has been written, or on the first failure.
// `sock` must be non-blocking; `input` and `output` may be pipes, files or terminals.
// With a `trace`, every chunk on the socket and both FINs are shown (-v).
PumpResult pump(int input, int output, int sock, ConnectionTrace* trace = nullptr);

} // namespace echo
