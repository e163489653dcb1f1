// SPDX-License-Identifier: MIT
#include "echo/echo_stream.hpp"

#include "echo/connection_trace.hpp"
#include "echo/io.hpp"

#include <array>
#include <cerrno>
#include <system_error>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

namespace echo {

namespace {

// Waits until `peer` is ready for `events` or a stop is requested; true means stop.
// No `events` only checks for a stop, without waiting.
bool wait_or_stop(int peer, short events, int stop_fd) {
    std::array<pollfd, 2> fds{{{peer, events, 0}, {stop_fd, POLLIN, 0}}};
    const nfds_t count = stop_fd >= 0 ? 2 : 1;
    while (::poll(fds.data(), count, events == 0 ? 0 : -1) < 0) {
        if (errno != EINTR) {
            throw std::system_error(errno, std::generic_category(), "poll");
        }
    }
    return count == 2 && fds[1].revents != 0;
}

} // namespace

EchoOutcome echo_until_eof(int peer, int stop_fd, ConnectionTrace* trace) {
    // Read what is there, write all of it, then read again: one buffer, never more than 64 KiB
    // held for a peer that does not read its echo.
    std::vector<std::byte> buffer(64 * 1024);
    std::size_t filled = 0;
    std::size_t written = 0;
    EchoOutcome outcome;
    for (unsigned round = 1;; ++round) {
        // A peer that keeps us busy never makes us wait; look for a stop now and then anyway.
        if (round % 256 == 0 && wait_or_stop(peer, 0, stop_fd)) {
            outcome.end = EchoOutcome::End::stopped;
            return outcome;
        }
        IoResult result;
        short waiting_for = 0;
        if (written < filled) {
            result = write_some(peer, std::span(buffer).subspan(written, filled - written));
            if (result.status == IoStatus::ok) {
                if (trace != nullptr) {
                    trace->sent(std::span(buffer).subspan(written, result.bytes));
                }
                written += result.bytes;
                outcome.bytes += result.bytes;
                continue;
            }
            waiting_for = POLLOUT;
            outcome.step = "send to";
        } else {
            result = read_some(peer, buffer);
            if (result.status == IoStatus::ok) {
                if (trace != nullptr) {
                    trace->received(std::span(buffer).first(result.bytes));
                }
                filled = result.bytes;
                written = 0;
                continue;
            }
            if (result.status == IoStatus::eof) {
                // The peer shut down its write side and everything it sent has been echoed:
                // send our FIN too. A peer that already left makes this fail; nothing is lost.
                if (trace != nullptr) {
                    trace->peer_closed_write();
                }
                ::shutdown(peer, SHUT_WR);
                if (trace != nullptr) {
                    trace->closed_write();
                }
                return outcome;
            }
            waiting_for = POLLIN;
            outcome.step = "recv from";
        }
        if (result.status == IoStatus::error) {
            outcome.end = EchoOutcome::End::failed;
            outcome.error = result.error;
            return outcome;
        }
        if (wait_or_stop(peer, waiting_for, stop_fd)) {
            outcome.end = EchoOutcome::End::stopped;
            return outcome;
        }
    }
}

} // namespace echo
