// SPDX-License-Identifier: MIT
#include "connection_trace.hpp"
#include "echo/io.hpp"
#include "stream_echo_paths.hpp"

#include <algorithm>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

namespace echo::detail {

namespace {

// Read what is there, write all of it, then read again: one buffer, never more than 256 KiB held
// for a peer that does not read its echo (256 rather than 64 KiB: a tenth less CPU per byte,
// measured with bench/). --read-size makes each read smaller, never the buffer larger.
constexpr std::size_t buffer_size = 256 * 1024;

// The echo loop of the tutorial: run() holds the loop with its stop check, both waits and the
// three ends (FIN, failure, stop); send_echo() and receive_more() move the bytes.
class CopyEcho {
  public:
    CopyEcho(int peer, int stop_fd, ConnectionTrace& trace, EchoOutcome so_far,
             std::span<const std::byte> pending, std::size_t read_size)
        : peer_(peer), stop_fd_(stop_fd), trace_(trace), outcome_(so_far),
          read_limit_(read_size == 0 ? buffer_size : std::min(read_size, buffer_size)),
          buffer_(std::max(buffer_size, pending.size())), filled_(pending.size()) {
        std::copy(pending.begin(), pending.end(), buffer_.begin());
    }

    EchoOutcome run() {
        for (unsigned round = 1;; ++round) {
            // A peer that keeps us busy never makes us wait; look for a stop now and then anyway.
            if (round % rounds_between_stop_checks == 0 && stop_pending(stop_fd_)) {
                return ended(EchoOutcome::End::stopped);
            }
            const bool sending = written_ < filled_;
            const IoResult result = sending ? send_echo() : receive_more();
            if (result.status == IoStatus::ok) {
                continue;
            }
            if (!sending && result.status == IoStatus::eof && !stop_pending(stop_fd_)) {
                // The peer shut down its write side and everything it sent has been echoed:
                // send our FIN too. A peer that already left makes this fail; nothing is lost.
                trace_.peer_closed_write();
                shutdown_write(peer_);
                trace_.closed_write();
                return outcome_;
            }
            outcome_.failure.step = sending ? "send to" : "recv from";
            if (stopped_meanwhile(result, stop_fd_)) {
                return ended(EchoOutcome::End::stopped);
            }
            if (result.status == IoStatus::error) {
                outcome_.failure.error = result.error;
                return ended(EchoOutcome::End::failed);
            }
            if (wait_or_stop(peer_, sending ? POLLOUT : POLLIN, stop_fd_)) {
                return ended(EchoOutcome::End::stopped);
            }
        }
    }

  private:
    IoResult send_echo() {
        const IoResult result =
            send_some(peer_, std::span(buffer_).subspan(written_, filled_ - written_));
        if (result.status == IoStatus::ok) {
            trace_.sent(std::span(buffer_).subspan(written_, result.bytes));
            written_ += result.bytes;
            outcome_.bytes += result.bytes;
        }
        return result;
    }

    IoResult receive_more() {
        const IoResult result = receive_some(peer_, std::span(buffer_).first(read_limit_));
        if (result.status == IoStatus::ok) {
            trace_.received(std::span(buffer_).first(result.bytes));
            filled_ = result.bytes;
            written_ = 0;
        }
        return result;
    }

    EchoOutcome ended(EchoOutcome::End end) {
        outcome_.end = end;
        return outcome_;
    }

    int peer_;
    int stop_fd_;
    ConnectionTrace& trace_;
    EchoOutcome outcome_;
    std::size_t read_limit_;
    std::vector<std::byte> buffer_;
    std::size_t filled_;
    std::size_t written_ = 0;
};

} // namespace

EchoOutcome echo_by_copy(int peer, int stop_fd, ConnectionTrace& trace, EchoOutcome so_far,
                         std::span<const std::byte> pending, std::size_t read_size) {
    return CopyEcho(peer, stop_fd, trace, so_far, pending, read_size).run();
}

} // namespace echo::detail
