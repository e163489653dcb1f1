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

} // namespace

// One loop over four directions with its exit rules at the top, as netcat's readwrite(), the
// check of every echoed byte, and the -v trace of each: kept whole on purpose (134 lines),
// over even .clang-tidy's raised complexity threshold: split, its back-pressure rules (what to
// poll for, when to send the FIN, when a timeout applies) would sit apart from the reads and
// writes they govern.
// NOLINTNEXTLINE(readability-function-cognitive-complexity)
PumpResult pump(int input, int output, int sock, ConnectionTrace& trace,
                const PumpOptions& options) {
    Window window(options.window);
    Buffer to_output;
    bool input_open = true;
    bool input_ended = false;
    bool socket_readable = true;
    bool write_side_open = true;
    bool overrun = false; // more came back than was sent: count it, send nothing more
    Clock::time_point overrun_deadline;
    PumpResult result;

    auto fail = [&result](PumpResult::Step step, int error) {
        result.failed = step;
        result.error = error;
        return result;
    };

    for (;;) {
        // Input ended and all of it is sent (or the echo overran): tell the server with a FIN.
        if (!input_open && (window.all_sent() || overrun) && write_side_open) {
            shutdown_write(sock);
            write_side_open = false;
            trace.closed_write();
            result.input_finished = input_ended && window.all_sent();
        }
        // The server closed its side and everything it sent is written: done.
        if (!socket_readable && to_output.empty()) {
            if (overrun) {
                result.surplus_counted = true;
                return fail(PumpResult::Step::surplus, 0);
            }
            return result;
        }

        // Ask only for what we can act on: back-pressure keeps both buffers bounded.
        enum { in, net, out };
        std::array<pollfd, 3> fds{{{-1, 0, 0}, {sock, 0, 0}, {-1, 0, 0}}};
        if (input_open && window.has_room()) {
            fds[in] = {input, POLLIN, 0};
        }
        if (socket_readable && to_output.has_room()) {
            fds[net].events |= POLLIN;
        }
        if (!window.all_sent() && write_side_open) {
            fds[net].events |= POLLOUT;
        }
        if (fds[net].events == 0) {
            fds[net].fd = -1; // a hung-up socket would wake poll for nothing
        }
        if (!to_output.empty()) {
            fds[out] = {output, POLLOUT, 0};
        }
        // No limit while we wait for input (a person may be typing) or for our slow output. After
        // the input, or while the full window holds input back, the server has `timeout` to move
        // something: a server that echoes only after the end of input cannot stall us for ever.
        // An overrun is counted for at most `timeout` in all.
        std::chrono::milliseconds wait{-1};
        if (overrun) {
            wait = options.timeout.count() < 0
                       ? options.timeout
                       : std::max(std::chrono::milliseconds(0),
                                  std::chrono::ceil<std::chrono::milliseconds>(overrun_deadline -
                                                                               Clock::now()));
        } else if ((!input_open || !window.has_room()) && to_output.empty()) {
            wait = options.timeout;
        }
        const int ready = poll_for(fds, wait);
        if (ready == 0) {
            result.window_full = input_open && !overrun;
            return fail(overrun ? PumpResult::Step::surplus : PumpResult::Step::timeout, 0);
        }

        if ((fds[in].revents & ready_or_hung_up) != 0) {
            // Reading is possible after POLLHUP: read until read() itself says end of file.
            const IoResult r = read_some(input, window.room());
            if (r.status == IoStatus::ok) {
                window.filled(r.bytes);
            } else if (r.status == IoStatus::eof) {
                input_open = false;
                input_ended = true;
            } else if (r.status == IoStatus::error) {
                return fail(PumpResult::Step::read_input, r.error);
            }
        }
        if ((fds[net].revents & ready_or_hung_up) != 0 && !window.all_sent() && write_side_open) {
            const std::span<const std::byte> unsent = window.unsent();
            const IoResult r = send_some(sock, unsent);
            if (r.status == IoStatus::ok) {
                trace.sent(unsent.first(r.bytes));
                window.sent(r.bytes);
                result.sent += r.bytes;
            } else if (r.status == IoStatus::error) {
                return fail(PumpResult::Step::send, r.error);
            }
        }
        if ((fds[net].revents & (POLLIN | POLLHUP | POLLERR)) != 0 && socket_readable &&
            to_output.has_room()) {
            const std::span<std::byte> room = to_output.room();
            const IoResult r = receive_some(sock, room);
            if (r.status == IoStatus::ok) {
                trace.received(room.first(r.bytes));
                const std::size_t matched = window.check(room.first(r.bytes));
                to_output.filled(matched);
                if (matched < r.bytes && window.unechoed() > 0) {
                    result.mismatch_at = window.echoed() + 1;
                    return fail(PumpResult::Step::mismatch, 0);
                }
                if (matched < r.bytes) {
                    result.surplus += r.bytes - matched;
                    if (!overrun) {
                        overrun = true;
                        overrun_deadline = Clock::now() + options.timeout;
                        input_open = false;
                    }
                }
            } else if (r.status == IoStatus::eof) {
                socket_readable = false;
                trace.peer_closed_write();
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
