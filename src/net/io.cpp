// SPDX-License-Identifier: MIT
#include "echo/io.hpp"

#include "call_report.hpp"
#include "echo/error.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <optional>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace echo {

IoResult io_failure(int error) {
    if (error == EAGAIN || error == EWOULDBLOCK) {
        return {IoStatus::would_block, 0, 0};
    }
    return {IoStatus::error, 0, error};
}

namespace {

// What a read(2) or recv(2) into a buffer of `size` bytes that returned `n` came to; nothing after
// EINTR, when the call is to be made again. 0 bytes is the end of stream, unless none was asked.
std::optional<IoResult> read_outcome(ssize_t n, std::size_t size) {
    if (n > 0) {
        return IoResult{IoStatus::ok, static_cast<std::size_t>(n), 0};
    }
    if (n == 0) {
        return IoResult{size == 0 ? IoStatus::ok : IoStatus::eof, 0, 0};
    }
    if (errno == EINTR) {
        return std::nullopt;
    }
    return io_failure(errno);
}

// The same for a write(2) or send(2).
std::optional<IoResult> write_outcome(ssize_t n) {
    if (n >= 0) {
        return IoResult{IoStatus::ok, static_cast<std::size_t>(n), 0};
    }
    if (errno == EINTR) {
        return std::nullopt;
    }
    return io_failure(errno);
}

} // namespace

IoResult read_some(int fd, std::span<std::byte> buffer) {
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (const std::optional<IoResult> result = read_outcome(n, buffer.size())) {
            return *result;
        }
    }
}

IoResult write_some(int fd, std::span<const std::byte> data) {
    for (;;) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (const std::optional<IoResult> result = write_outcome(n)) {
            return *result;
        }
    }
}

IoResult receive_some(int sock, std::span<std::byte> buffer) {
    for (;;) {
        const ssize_t n = ::recv(sock, buffer.data(), buffer.size(), 0);
        if (calls_observed()) [[unlikely]] {
            const int error = errno;
            detail::report_call("recv", std::to_string(sock) + ", " + std::to_string(buffer.size()),
                                n, error, buffer.size(),
                                buffer.first(n > 0 ? static_cast<std::size_t>(n) : 0));
            errno = error;
        }
        if (const std::optional<IoResult> result = read_outcome(n, buffer.size())) {
            return *result;
        }
    }
}

IoResult send_some(int sock, std::span<const std::byte> data) {
    for (;;) {
        const ssize_t n = ::send(sock, data.data(), data.size(), MSG_NOSIGNAL);
        if (calls_observed()) [[unlikely]] {
            const int error = errno;
            detail::report_call("send", std::to_string(sock) + ", " + std::to_string(data.size()),
                                n, error, data.size());
            errno = error;
        }
        if (const std::optional<IoResult> result = write_outcome(n)) {
            return *result;
        }
    }
}

void shutdown_write(int sock) {
    const int result = ::shutdown(sock, SHUT_WR);
    if (calls_observed()) [[unlikely]] {
        detail::report_call("shutdown", std::to_string(sock) + ", SHUT_WR", result, errno);
    }
}

IoResult write_all(int fd, std::span<const std::byte> data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const IoResult result = write_some(fd, data.subspan(done));
        if (result.status == IoStatus::error) {
            return {IoStatus::error, done, result.error};
        }
        if (result.status == IoStatus::would_block) {
            wait_for(fd, POLLOUT, std::chrono::milliseconds(-1));
            continue;
        }
        done += result.bytes;
    }
    return {IoStatus::ok, done, 0};
}

bool wait_for(int fd, short events, std::chrono::milliseconds timeout) {
    return wait_for(fd, events, timeout, -1) == Wakeup::ready;
}

Wakeup wait_for(int fd, short events, std::chrono::milliseconds timeout, int stop_fd) {
    std::array<pollfd, 2> entries{{{fd, events, 0}, {stop_fd, POLLIN, 0}}}; // -1: ignored
    if (poll_for(entries, timeout) == 0) {
        return Wakeup::timed_out;
    }
    return entries[1].revents != 0 ? Wakeup::stopped : Wakeup::ready;
}

int poll_for(std::span<pollfd> fds, std::chrono::milliseconds timeout) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        int wait_ms = -1;
        if (timeout.count() >= 0) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
            wait_ms = static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, INT_MAX));
        }
        const int ready = ::poll(fds.data(), fds.size(), wait_ms);
        if (ready >= 0) {
            return ready;
        }
        if (errno != EINTR) {
            throw_errno("poll");
        }
    }
}

void set_nonblocking(int fd, bool on) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0) {
        throw_errno("fcntl");
    }
    const int wanted = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (wanted != flags && ::fcntl(fd, F_SETFL, wanted) < 0) {
        throw_errno("fcntl");
    }
}

void set_receive_timeout(int sock, std::chrono::milliseconds timeout) {
    timeval value{};
    value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    value.tv_usec = static_cast<suseconds_t>(timeout.count() % 1000 * 1000);
    if (::setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &value, sizeof(value)) != 0) {
        throw_errno("setsockopt SO_RCVTIMEO");
    }
}

} // namespace echo
