// SPDX-License-Identifier: MIT
#include "echo/pump.hpp"

#include "echo/connection_trace.hpp"
#include "echo/io.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

namespace echo {

namespace {

// Bytes read but not yet written, in one fixed-size block. 256 KiB per direction: against
// 64 KiB it cut the client's CPU per byte by a fifth and its time for 512 MiB through
// echo-server by about a quarter (bench/README.md).
class Buffer {
  public:
    Buffer() : bytes_(256 * 1024) {}

    [[nodiscard]] bool empty() const noexcept { return begin_ == end_; }
    [[nodiscard]] bool has_room() const noexcept { return end_ < bytes_.size() || begin_ > 0; }

    std::span<std::byte> room() {
        if (end_ == bytes_.size() && begin_ > 0) {
            std::memmove(bytes_.data(), bytes_.data() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        }
        return std::span(bytes_).subspan(end_);
    }
    [[nodiscard]] std::span<const std::byte> pending() const {
        return std::span(bytes_).subspan(begin_, end_ - begin_);
    }
    void filled(std::size_t count) noexcept { end_ += count; }
    void drained(std::size_t count) noexcept {
        begin_ += count;
        if (begin_ == end_) {
            begin_ = end_ = 0;
        }
    }

  private:
    std::vector<std::byte> bytes_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

constexpr short ready_or_hung_up = POLLIN | POLLOUT | POLLHUP | POLLERR | POLLNVAL;

} // namespace

// One loop over four directions with its exit rules at the top, as netcat's readwrite(), and the
// -v trace of each: kept whole on purpose, over even .clang-tidy's raised complexity threshold.
// NOLINTNEXTLINE(readability-function-cognitive-complexity)
PumpResult pump(int input, int output, int sock, ConnectionTrace* trace) {
    Buffer to_socket;
    Buffer to_output;
    bool input_open = true;
    bool socket_readable = true;
    bool write_side_open = true;
    PumpResult result;

    auto fail = [&result](PumpResult::Step step, int error) {
        result.failed = step;
        result.error = error;
        return result;
    };

    for (;;) {
        // Input ended and all of it is sent: tell the server with a FIN (half-close).
        if (!input_open && to_socket.empty() && write_side_open) {
            ::shutdown(sock, SHUT_WR);
            write_side_open = false;
            if (trace != nullptr) {
                trace->closed_write();
            }
            result.input_finished = true;
        }
        // The server closed its side and everything it sent is written: done.
        if (!socket_readable && to_output.empty()) {
            return result;
        }

        // Ask only for what we can act on: back-pressure keeps both buffers bounded.
        enum { in, net, out };
        std::array<pollfd, 3> fds{{{-1, 0, 0}, {sock, 0, 0}, {-1, 0, 0}}};
        if (input_open && to_socket.has_room()) {
            fds[in] = {input, POLLIN, 0};
        }
        if (socket_readable && to_output.has_room()) {
            fds[net].events |= POLLIN;
        }
        if (!to_socket.empty()) {
            fds[net].events |= POLLOUT;
        }
        if (fds[net].events == 0) {
            fds[net].fd = -1; // a hung-up socket would wake poll for nothing
        }
        if (!to_output.empty()) {
            fds[out] = {output, POLLOUT, 0};
        }
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw std::system_error(errno, std::generic_category(), "poll");
        }

        if ((fds[in].revents & ready_or_hung_up) != 0) {
            // Reading is possible after POLLHUP: read until read() itself says end of file.
            const IoResult r = read_some(input, to_socket.room());
            if (r.status == IoStatus::ok) {
                to_socket.filled(r.bytes);
            } else if (r.status == IoStatus::eof) {
                input_open = false;
            } else if (r.status == IoStatus::error) {
                return fail(PumpResult::Step::read_input, r.error);
            }
        }
        if ((fds[net].revents & ready_or_hung_up) != 0 && !to_socket.empty()) {
            const IoResult r = write_some(sock, to_socket.pending());
            if (r.status == IoStatus::ok) {
                if (trace != nullptr) {
                    trace->sent(to_socket.pending().first(r.bytes));
                }
                to_socket.drained(r.bytes);
                result.sent += r.bytes;
            } else if (r.status == IoStatus::error) {
                return fail(PumpResult::Step::send, r.error);
            }
        }
        if ((fds[net].revents & (POLLIN | POLLHUP | POLLERR)) != 0 && socket_readable &&
            to_output.has_room()) {
            const std::span<std::byte> room = to_output.room();
            const IoResult r = read_some(sock, room);
            if (r.status == IoStatus::ok) {
                if (trace != nullptr) {
                    trace->received(room.first(r.bytes));
                }
                to_output.filled(r.bytes);
            } else if (r.status == IoStatus::eof) {
                socket_readable = false;
                if (trace != nullptr) {
                    trace->peer_closed_write();
                }
            } else if (r.status == IoStatus::error) {
                return fail(PumpResult::Step::receive, r.error);
            }
        }
        if ((fds[out].revents & ready_or_hung_up) != 0) {
            const IoResult r = write_some(output, to_output.pending());
            if (r.status == IoStatus::ok) {
                to_output.drained(r.bytes);
                result.received += r.bytes;
            } else if (r.status == IoStatus::error) {
                return fail(PumpResult::Step::write_output, r.error);
            }
        }
    }
}

} // namespace echo
