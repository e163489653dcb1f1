// SPDX-License-Identifier: MIT
// One TCP stream of N bytes, written and read back at the same time, every byte checked.
#include "common.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace load {

Report run_stream(const Settings& settings) {
    constexpr std::size_t chunk = 256 * 1024;
    const Pattern pattern;
    std::vector<std::byte> incoming(chunk);
    const int fd = connect_tcp(settings);
    set_nonblocking(fd);

    const double cpu_start = cpu_seconds();
    const std::int64_t start = now_ns();
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    bool write_open = true;
    for (;;) {
        // All sent: our FIN tells the server the stream is complete.
        if (write_open && sent == settings.bytes) {
            ::shutdown(fd, SHUT_WR);
            write_open = false;
        }
        pollfd entry{fd, static_cast<short>(POLLIN | (write_open ? POLLOUT : 0)), 0};
        if (::poll(&entry, 1, settings.stall_seconds * 1000) == 0) {
            ::close(fd);
            throw Broken("stalled for " + std::to_string(settings.stall_seconds) + " s after " +
                         std::to_string(received) + " bytes of echo");
        }
        if (write_open && (entry.revents & (POLLOUT | POLLERR)) != 0) {
            const auto piece =
                pattern.at(sent, std::min<std::uint64_t>(chunk, settings.bytes - sent));
            const ssize_t n = ::send(fd, piece.data(), piece.size(), MSG_NOSIGNAL);
            if (n > 0) {
                sent += static_cast<std::uint64_t>(n);
            } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                const int error = errno;
                ::close(fd);
                throw Broken(std::string("send: ") + std::strerror(error));
            }
        }
        if ((entry.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
            const ssize_t n = ::recv(fd, incoming.data(), incoming.size(), 0);
            if (n > 0) {
                const auto got = std::span(incoming).first(static_cast<std::size_t>(n));
                if (received + got.size() > sent || !pattern.matches(received, got)) {
                    ::close(fd);
                    throw Broken("echo differs within bytes " + std::to_string(received + 1) +
                                 ".." + std::to_string(received + got.size()));
                }
                received += got.size();
            } else if (n == 0) {
                break;
            } else if (errno != EAGAIN && errno != EINTR) {
                const int error = errno;
                ::close(fd);
                throw Broken(std::string("recv: ") + std::strerror(error));
            }
        }
    }
    const double seconds = static_cast<double>(now_ns() - start) / 1e9;
    const double cpu = cpu_seconds() - cpu_start;
    ::close(fd);
    if (received != settings.bytes || sent != settings.bytes) {
        throw Broken("short echo: " + std::to_string(received) + " of " +
                     std::to_string(settings.bytes) + " bytes");
    }
    return Report("stream")
        .add("bytes", received)
        .add("seconds", seconds)
        .add("bytes_per_second", static_cast<double>(received) / seconds)
        .add("load_cpu_seconds", cpu);
}

} // namespace load
