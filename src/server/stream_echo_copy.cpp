// SPDX-License-Identifier: MIT
#include "connection_trace.hpp"
#include "echo/io.hpp"
#include "stream_echo_paths.hpp"

#include <algorithm>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

namespace echo::detail {

// Over 60 lines, kept whole on purpose: the echo loop of the tutorial (read, write all of it,
// read again) with its stop check, both waits and the three ends (FIN, failure, stop) in one
// place, so that a reader follows one byte from recv to send without jumping.
EchoOutcome echo_by_copy(int peer, int stop_fd, ConnectionTrace& trace, EchoOutcome so_far,
                         std::span<const std::byte> pending, std::size_t read_size) {
    // Read what is there, write all of it, then read again: one buffer, never more than 256 KiB
    // held for a peer that does not read its echo (256 rather than 64 KiB: a tenth less CPU per
    // byte, measured with bench/). --read-size makes each read smaller, never the buffer larger.
    constexpr std::size_t buffer_size = 256 * 1024;
    const std::size_t read_limit = read_size == 0 ? buffer_size : std::min(read_size, buffer_size);
    std::vector<std::byte> buffer(std::max(buffer_size, pending.size()));
    std::copy(pending.begin(), pending.end(), buffer.begin());
    std::size_t filled = pending.size();
    std::size_t written = 0;
    EchoOutcome outcome = so_far;
    for (unsigned round = 1;; ++round) {
        // A peer that keeps us busy never makes us wait; look for a stop now and then anyway.
        if (round % rounds_between_stop_checks == 0 && stop_pending(stop_fd)) {
            outcome.end = EchoOutcome::End::stopped;
            return outcome;
        }
        IoResult result;
        short waiting_for = 0;
        if (written < filled) {
            result = send_some(peer, std::span(buffer).subspan(written, filled - written));
            if (result.status == IoStatus::ok) {
                trace.sent(std::span(buffer).subspan(written, result.bytes));
                written += result.bytes;
                outcome.bytes += result.bytes;
                continue;
            }
            waiting_for = POLLOUT;
            outcome.failure.step = "send to";
        } else {
            result = receive_some(peer, std::span(buffer).first(read_limit));
            if (result.status == IoStatus::ok) {
                trace.received(std::span(buffer).first(result.bytes));
                filled = result.bytes;
                written = 0;
                continue;
            }
            if (result.status == IoStatus::eof && !stop_pending(stop_fd)) {
                // The peer shut down its write side and everything it sent has been echoed:
                // send our FIN too. A peer that already left makes this fail; nothing is lost.
                trace.peer_closed_write();
                shutdown_write(peer);
                trace.closed_write();
                return outcome;
            }
            waiting_for = POLLIN;
            outcome.failure.step = "recv from";
        }
        if (result.status != IoStatus::would_block && stop_pending(stop_fd)) {
            outcome.end = EchoOutcome::End::stopped; // a stop shut a blocking peer down
            return outcome;
        }
        if (result.status == IoStatus::error) {
            outcome.end = EchoOutcome::End::failed;
            outcome.failure.error = result.error;
            return outcome;
        }
        if (wait_or_stop(peer, waiting_for, stop_fd)) {
            outcome.end = EchoOutcome::End::stopped;
            return outcome;
        }
    }
}

} // namespace echo::detail
