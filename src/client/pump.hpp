// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace echo {

class ConnectionTrace;

// The most bytes sent but not yet echoed that the pump holds to check their echo: input is not
// read while this many are outstanding.
inline constexpr std::size_t pump_window = 4 * 1024 * 1024;

struct PumpOptions {
    // After the end of input: the longest wait with nothing moving. Negative: no limit. While
    // input is open there is none (standard input may be a person typing).
    std::chrono::milliseconds timeout{-1};
    std::size_t window = pump_window;
};

struct PumpResult {
    // Where it stopped: an I/O step (with `error`), or the echo itself: a byte that differs
    // (`mismatch_at`), bytes beyond what was sent (`surplus`), or the timeout: after the input,
    // or with the window full (`window_full`: input still open, but the server echoes nothing).
    enum class Step { none, read_input, send, receive, write_output, mismatch, surplus, timeout };
    std::uint64_t sent = 0;        // bytes read from input and sent on the socket
    std::uint64_t received = 0;    // bytes of echo checked and written to output
    std::uint64_t surplus = 0;     // bytes received beyond those sent
    bool surplus_counted = false;  // the server's FIN ended the count, not the timeout
    std::uint64_t mismatch_at = 0; // the first differing byte, counted from 1
    bool input_finished = false;   // input reached its end and all of it was sent
    bool window_full = false;      // the timeout came while the full window held input back
    Step failed = Step::none;
    int error = 0;
};

// Streams `input` to the connected stream socket `sock` and what comes back to `output`, both
// directions at once, as netcat does, so any amount flows without deadlock. Every byte that comes
// back is compared with the byte sent at its place before it is written to `output`; the bytes
// sent and not yet echoed stay in a ring of options.window bytes, and input is read only while
// the ring has room, so memory stays bounded (the ring plus a 256 KiB output buffer). At input's
// end it shuts down the socket's write side; it returns when the socket reaches its end and
// everything received has been written, or on the first failure, difference or timeout. After
// bytes beyond those sent it stops sending and counts them until the server's FIN or the timeout.
// `sock` must be non-blocking; `input` and `output` may be pipes, files or terminals.
// Every chunk on the socket and both FINs go to `trace` (shown with -v).
PumpResult pump(int input, int output, int sock, ConnectionTrace& trace,
                const PumpOptions& options = {});

} // namespace echo
