// SPDX-License-Identifier: MIT
// Ping-pong on one TCP connection: send a message, wait for all of its echo, check it, repeat.
#include "common.hpp"

#include <cerrno>
#include <cstring>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

namespace load {

namespace {

void send_all(int fd, std::span<const std::byte> data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            throw Broken(std::string("send: ") + std::strerror(errno));
        }
        done += static_cast<std::size_t>(n);
    }
}

void receive_all(int fd, std::span<std::byte> into) {
    std::size_t done = 0;
    while (done < into.size()) {
        const ssize_t n = ::recv(fd, into.data() + done, into.size() - done, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n == 0) {
            throw Broken("the server closed the connection mid-echo");
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            throw Broken("stalled: no echo within the stall timeout");
        }
        if (n < 0) {
            throw Broken(std::string("recv: ") + std::strerror(errno));
        }
        done += static_cast<std::size_t>(n);
    }
}

} // namespace

Report run_pingpong(const Settings& settings) {
    const Pattern pattern;
    const int fd = connect_tcp(settings);
    std::vector<std::byte> message(settings.size);
    std::vector<std::byte> echo(settings.size);
    std::vector<std::int64_t> rtt_ns;
    rtt_ns.reserve(settings.count);
    const std::uint64_t warmup = 100; // not timed: first-touch of pages, slow start of caches

    double cpu_start = 0;
    std::int64_t start = 0;
    for (std::uint64_t round = 0; round < warmup + settings.count; ++round) {
        if (round == warmup) {
            cpu_start = cpu_seconds();
            start = now_ns();
        }
        const std::uint64_t position = round * 7919 + round * settings.size;
        pattern.fill(position, message);
        const std::int64_t sent_at = now_ns();
        send_all(fd, message);
        receive_all(fd, echo);
        const std::int64_t back_at = now_ns();
        if (!pattern.matches(position, echo)) {
            ::close(fd);
            throw Broken("echo of round " + std::to_string(round + 1) + " differs");
        }
        if (round >= warmup) {
            rtt_ns.push_back(back_at - sent_at);
        }
    }
    const double seconds = static_cast<double>(now_ns() - start) / 1e9;
    const double cpu = cpu_seconds() - cpu_start;
    ::shutdown(fd, SHUT_WR);
    std::byte extra{};
    const ssize_t tail = ::recv(fd, &extra, 1, 0);
    ::close(fd);
    if (tail != 0) {
        throw Broken("the server sent more than the echo, or no FIN");
    }
    const auto [p50, p99] = percentiles_us(rtt_ns);
    return Report("pingpong")
        .add("size", static_cast<std::uint64_t>(settings.size))
        .add("round_trips", settings.count)
        .add("seconds", seconds)
        .add("round_trips_per_second", static_cast<double>(settings.count) / seconds)
        .add("p50_us", p50)
        .add("p99_us", p99)
        .add("load_cpu_seconds", cpu);
}

} // namespace load
