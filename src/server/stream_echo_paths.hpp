// SPDX-License-Identifier: MIT
#pragma once

// The two ways echo_until_eof() moves bytes. It alone picks between them (stream_echo.cpp);
// nothing else should call these.

#include "stream_echo.hpp"

#include "echo/io.hpp"

#include <cerrno>
#include <cstddef>
#include <span>
#include <vector>

namespace echo::detail {

// Waits until `peer` is ready for `events` or a stop is requested; true means stop.
inline bool wait_or_stop(int peer, short events, int stop_fd) {
    return wait_for(peer, events, std::chrono::milliseconds(-1), stop_fd) == Wakeup::stopped;
}

// Whether a stop was requested, without waiting.
inline bool stop_pending(int stop_fd) {
    return wait_for(-1, 0, std::chrono::milliseconds(0), stop_fd) == Wakeup::stopped;
}

// Whether a call on `peer` that ended the stream (`error` 0) or failed with `error` did so because
// a stop was asked for: on a blocking peer, ShutdownOnStop (stop.hpp) wakes the call with an end
// of stream or EPIPE, which is then neither. "Would block" and EINTR are never a stop's doing;
// other ends cost one poll(2).
inline bool stopped_meanwhile(int error, int stop_fd) {
    return error != EAGAIN && error != EWOULDBLOCK && error != EINTR && stop_pending(stop_fd);
}

// The same for an IoResult, whose calls already retried EINTR.
inline bool stopped_meanwhile(const IoResult& result, int stop_fd) {
    return result.status != IoStatus::would_block && stop_pending(stop_fd);
}

// How often a loop that never has to wait looks for a stop anyway.
inline constexpr unsigned rounds_between_stop_checks = 256;

// The portable loop, carrying on from `so_far` with `pending` bytes already read from the peer
// and still owed to it, reading at most `read_size` bytes a call (0: the whole buffer). With a
// `trace`, every chunk and both FINs are shown.
EchoOutcome echo_by_copy(int peer, int stop_fd, ConnectionTrace& trace, EchoOutcome so_far,
                         std::span<const std::byte> pending, std::size_t read_size);

struct SpliceEnd {
    // The kernel cannot splice this socket (EINVAL, ENOSYS: not Linux, an old kernel, gVisor),
    // or not past urgent data: `outcome` so far and `pending` must be carried on by the
    // portable loop.
    bool unsupported = false;
    EchoOutcome outcome;
    std::vector<std::byte> pending;
};

// Linux: socket -> pipe -> socket with splice(2), the bytes never copied through user space.
SpliceEnd echo_by_splice(int peer, int stop_fd);

} // namespace echo::detail
