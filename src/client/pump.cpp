// SPDX-License-Identifier: MIT
#include "pump.hpp"

#include "connection_trace.hpp"
#include "echo/error.hpp"
#include "echo/io.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

namespace echo {

namespace {

using Clock = std::chrono::steady_clock;

// Bytes received but not yet written, in one fixed-size block. 256 KiB: against 64 KiB it cut
// the client's CPU per byte by a fifth and its time for 512 MiB through echo-server by about a
// quarter (bench/README.md).
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

// Bytes read from input, kept until their echo has been checked: a ring over three stream
// positions that only grow, echoed <= sent <= read, at most `capacity` bytes apart. Its pages are
// not touched before they are used, so a short stream costs little memory.
class Window {
  public:
    explicit Window(std::size_t capacity)
        : capacity_(std::max<std::size_t>(capacity, 1)),
          bytes_(std::make_unique_for_overwrite<std::byte[]>(capacity_)) {}

    [[nodiscard]] bool has_room() const noexcept { return read_ - echoed_ < capacity_; }
    [[nodiscard]] bool all_sent() const noexcept { return sent_ == read_; }
    [[nodiscard]] std::uint64_t echoed() const noexcept { return echoed_; }
    [[nodiscard]] std::uint64_t unechoed() const noexcept { return sent_ - echoed_; }

    std::span<std::byte> room() {
        const std::size_t at = index(read_);
        const auto free = static_cast<std::size_t>(capacity_ - (read_ - echoed_));
        return {bytes_.get() + at, std::min(capacity_ - at, free)};
    }
    void filled(std::size_t count) noexcept { read_ += count; }

    [[nodiscard]] std::span<const std::byte> unsent() const {
        const std::size_t at = index(sent_);
        return {bytes_.get() + at,
                std::min(capacity_ - at, static_cast<std::size_t>(read_ - sent_))};
    }
    void sent(std::size_t count) noexcept { sent_ += count; }

    // Compares `echo` with the oldest bytes sent and not yet echoed, span by span with memcmp;
    // returns how many of its first bytes match (all of them, unless one differs or more came
    // back than was sent), and counts those as echoed.
    std::size_t check(std::span<const std::byte> echo) {
        const auto comparable =
            static_cast<std::size_t>(std::min<std::uint64_t>(echo.size(), unechoed()));
        std::size_t matched = 0;
        while (matched < comparable) {
            const std::size_t at = index(echoed_);
            const std::size_t length = std::min(capacity_ - at, comparable - matched);
            const std::byte* expected = bytes_.get() + at;
            const std::byte* got = echo.data() + matched;
            if (std::memcmp(expected, got, length) != 0) {
                const auto same = static_cast<std::size_t>(
                    std::mismatch(expected, expected + length, got).first - expected);
                echoed_ += same;
                return matched + same;
            }
            echoed_ += length;
            matched += length;
        }
        return matched;
    }

  private:
    [[nodiscard]] std::size_t index(std::uint64_t position) const noexcept {
        return static_cast<std::size_t>(position % capacity_);
    }

    std::size_t capacity_;
    std::unique_ptr<std::byte[]> bytes_;
    std::uint64_t echoed_ = 0;
    std::uint64_t sent_ = 0;
    std::uint64_t read_ = 0;
};

constexpr short ready_or_hung_up = POLLIN | POLLOUT | POLLHUP | POLLERR | POLLNVAL;

// One pump: netcat's readwrite() loop over four directions with its exit rules at the top, plus
// the check of every echoed byte. The loop decides what to poll for and how long to wait; each
// direction has one member that moves its bytes and returns false once it has failed.
class Pump {
  public:
    Pump(int input, int output, int sock, ConnectionTrace& trace, const PumpOptions& options)
        : input_(input), output_(output), sock_(sock), trace_(trace), timeout_(options.timeout),
          window_(options.window) {}

    PumpResult run() {
        for (;;) {
            // Input ended and all of it is sent (or the echo overran): tell the server with a FIN.
            if (!input_open_ && (window_.all_sent() || overrun_) && write_side_open_) {
                shutdown_write(sock_);
                write_side_open_ = false;
                trace_.closed_write();
                result_.input_finished = input_ended_ && window_.all_sent();
            }
            // The server closed its side and everything it sent is written: done.
            if (!socket_readable_ && to_output_.empty()) {
                if (overrun_) {
                    result_.surplus_counted = true;
                    fail(PumpResult::Step::surplus, 0);
                }
                return result_;
            }
            std::array<pollfd, 3> fds = poll_set();
            if (poll_for(fds, wait_time()) == 0) {
                result_.window_full = input_open_ && !overrun_;
                fail(overrun_ ? PumpResult::Step::surplus : PumpResult::Step::timeout, 0);
                return result_;
            }
            if (!move_bytes(fds)) {
                return result_;
            }
        }
    }

  private:
    enum { in, net, out };

    // Ask only for what we can act on: back-pressure keeps both buffers bounded.
    [[nodiscard]] std::array<pollfd, 3> poll_set() const {
        std::array<pollfd, 3> fds{{{-1, 0, 0}, {sock_, 0, 0}, {-1, 0, 0}}};
        if (input_open_ && window_.has_room()) {
            fds[in] = {input_, POLLIN, 0};
        }
        if (socket_readable_ && to_output_.has_room()) {
            fds[net].events |= POLLIN;
        }
        if (!window_.all_sent() && write_side_open_) {
            fds[net].events |= POLLOUT;
        }
        if (fds[net].events == 0) {
            fds[net].fd = -1; // a hung-up socket would wake poll for nothing
        }
        if (!to_output_.empty()) {
            fds[out] = {output_, POLLOUT, 0};
        }
        return fds;
    }

    // No limit while we wait for input (a person may be typing) or for our slow output. After
    // the input, or while the full window holds input back, the server has `timeout` to move
    // something: a server that echoes only after the end of input cannot stall us for ever. An
    // overrun is counted for at most `timeout` in all.
    [[nodiscard]] std::chrono::milliseconds wait_time() const {
        if (overrun_) {
            if (timeout_.count() < 0) {
                return timeout_;
            }
            return std::max(
                std::chrono::milliseconds(0),
                std::chrono::ceil<std::chrono::milliseconds>(overrun_deadline_ - Clock::now()));
        }
        if ((!input_open_ || !window_.has_room()) && to_output_.empty()) {
            return timeout_;
        }
        return std::chrono::milliseconds(-1);
    }

    bool move_bytes(const std::array<pollfd, 3>& fds) {
        const bool net_ready = (fds[net].revents & ready_or_hung_up) != 0;
        const bool net_readable = (fds[net].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
        return ((fds[in].revents & ready_or_hung_up) == 0 || read_input()) &&
               (!net_ready || window_.all_sent() || !write_side_open_ || send_to_server()) &&
               (!net_readable || !socket_readable_ || !to_output_.has_room() || receive_echo()) &&
               ((fds[out].revents & ready_or_hung_up) == 0 || write_output());
    }

    bool read_input() {
        // Reading is possible after POLLHUP: read until read() itself says end of file.
        const IoResult r = read_some(input_, window_.room());
        if (r.status == IoStatus::ok) {
            window_.filled(r.bytes);
        } else if (r.status == IoStatus::eof) {
            input_open_ = false;
            input_ended_ = true;
        } else if (r.status == IoStatus::error) {
            return fail(PumpResult::Step::read_input, r.error);
        }
        return true;
    }

    bool send_to_server() {
        const std::span<const std::byte> unsent = window_.unsent();
        const IoResult r = send_some(sock_, unsent);
        if (r.status == IoStatus::ok) {
            trace_.sent(unsent.first(r.bytes));
            window_.sent(r.bytes);
            result_.sent += r.bytes;
        } else if (r.status == IoStatus::error) {
            return fail(PumpResult::Step::send, r.error);
        }
        return true;
    }

    bool receive_echo() {
        const std::span<std::byte> room = to_output_.room();
        const IoResult r = receive_some(sock_, room);
        if (r.status == IoStatus::eof) {
            socket_readable_ = false;
            trace_.peer_closed_write();
        } else if (r.status == IoStatus::error) {
            return fail(PumpResult::Step::receive, r.error);
        }
        if (r.status != IoStatus::ok) {
            return true;
        }
        trace_.received(room.first(r.bytes));
        const std::size_t matched = window_.check(room.first(r.bytes));
        to_output_.filled(matched);
        if (matched < r.bytes && window_.unechoed() > 0) {
            result_.mismatch_at = window_.echoed() + 1;
            return fail(PumpResult::Step::mismatch, 0);
        }
        if (matched < r.bytes) {
            result_.surplus += r.bytes - matched;
            if (!overrun_) { // more came back than was sent: count it, send nothing more
                overrun_ = true;
                overrun_deadline_ = Clock::now() + timeout_;
                input_open_ = false;
            }
        }
        return true;
    }

    bool write_output() {
        const IoResult r = write_some(output_, to_output_.pending());
        if (r.status == IoStatus::ok) {
            to_output_.drained(r.bytes);
            result_.received += r.bytes;
        } else if (r.status == IoStatus::error) {
            return fail(PumpResult::Step::write_output, r.error);
        }
        return true;
    }

    bool fail(PumpResult::Step step, int error) {
        result_.failed = step;
        result_.error = error;
        return false;
    }

    int input_;
    int output_;
    int sock_;
    ConnectionTrace& trace_;
    std::chrono::milliseconds timeout_;
    Window window_;
    Buffer to_output_;
    bool input_open_ = true;
    bool input_ended_ = false;
    bool socket_readable_ = true;
    bool write_side_open_ = true;
    bool overrun_ = false;
    Clock::time_point overrun_deadline_;
    PumpResult result_;
};

} // namespace

PumpResult pump(int input, int output, int sock, ConnectionTrace& trace,
                const PumpOptions& options) {
    return Pump(input, output, sock, trace, options).run();
}

} // namespace echo
