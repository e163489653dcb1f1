// SPDX-License-Identifier: MIT
// N connections at once, each doing request/response of `size` bytes in a loop, as
// rust_echo_bench does; one epoll thread drives them all.
#include "common.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace load {

namespace {

struct Connection {
    int fd = -1;
    std::uint64_t round = 0;
    std::size_t sent = 0;
    std::size_t received = 0;
    std::vector<std::byte> request;
    std::vector<std::byte> echo;
};

std::uint64_t position_of(std::size_t index, std::uint64_t round, std::size_t size) {
    return index * 7919 + round * size;
}

// Sends what is left of the current request; false when the socket is full.
bool push(Connection& c) {
    while (c.sent < c.request.size()) {
        const ssize_t n =
            ::send(c.fd, c.request.data() + c.sent, c.request.size() - c.sent, MSG_NOSIGNAL);
        if (n > 0) {
            c.sent += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EAGAIN) {
            return false;
        } else if (n < 0 && errno != EINTR) {
            throw Broken(std::string("send: ") + std::strerror(errno));
        }
    }
    return true;
}

// Reads what is there of the current echo; true once it is whole (and checked).
bool pull(Connection& c, std::size_t index, const Pattern& pattern) {
    while (c.received < c.echo.size()) {
        const ssize_t n = ::recv(c.fd, c.echo.data() + c.received, c.echo.size() - c.received, 0);
        if (n > 0) {
            c.received += static_cast<std::size_t>(n);
        } else if (n == 0) {
            throw Broken("connection " + std::to_string(index + 1) + " closed by the server");
        } else if (errno == EAGAIN) {
            return false;
        } else if (errno != EINTR) {
            throw Broken(std::string("recv: ") + std::strerror(errno));
        }
    }
    if (!pattern.matches(position_of(index, c.round, c.echo.size()), c.echo)) {
        throw Broken("echo differs on connection " + std::to_string(index + 1));
    }
    return true;
}

void start_round(Connection& c, std::size_t index, const Pattern& pattern) {
    c.sent = 0;
    c.received = 0;
    pattern.fill(position_of(index, c.round, c.request.size()), c.request);
}

// Connects one at a time, each proven served by one whole round trip before the next: a server
// with a short listen backlog is not punished with SYN retries.
std::vector<Connection> connect_all(const Settings& settings, const Pattern& pattern, int epoll) {
    std::vector<Connection> conns(settings.conns);
    for (std::size_t i = 0; i < conns.size(); ++i) {
        Connection& c = conns[i];
        c.fd = connect_tcp(settings);
        c.request.resize(settings.size);
        c.echo.resize(settings.size);
        start_round(c, i, pattern);
        if (!push(c)) {
            throw Broken("a blocking send did not complete");
        }
        if (!pull(c, i, pattern)) {
            throw Broken("connection " + std::to_string(i + 1) + ": no echo");
        }
        ++c.round;
        set_nonblocking(c.fd);
        epoll_event event{EPOLLIN, {.u64 = i}};
        ::epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &event);
    }
    return conns;
}

} // namespace

Report run_conns(const Settings& settings) {
    const Pattern pattern;
    const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    std::vector<Connection> conns = connect_all(settings, pattern, epoll);

    const double cpu_start = cpu_seconds();
    const std::int64_t start = now_ns();
    const std::int64_t deadline = start + static_cast<std::int64_t>(settings.seconds * 1e9);
    std::uint64_t round_trips = 0;
    std::size_t outstanding = conns.size();
    for (std::size_t i = 0; i < conns.size(); ++i) {
        start_round(conns[i], i, pattern);
        if (!push(conns[i])) {
            epoll_event event{EPOLLIN | EPOLLOUT, {.u64 = i}};
            ::epoll_ctl(epoll, EPOLL_CTL_MOD, conns[i].fd, &event);
        }
    }
    std::vector<epoll_event> events(256);
    bool measuring = true;
    std::int64_t end = start;
    while (outstanding > 0) {
        const int ready = ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()),
                                       settings.stall_seconds * 1000);
        if (ready == 0) {
            throw Broken(std::to_string(outstanding) + " connections stalled for " +
                         std::to_string(settings.stall_seconds) + " s");
        }
        if (measuring && now_ns() >= deadline) {
            measuring = false; // from now on, only collect the echoes still owed
        }
        for (int k = 0; k < ready; ++k) {
            const std::size_t i = events[static_cast<std::size_t>(k)].data.u64;
            Connection& c = conns[i];
            if (c.sent < c.request.size() && push(c)) {
                epoll_event event{EPOLLIN, {.u64 = i}};
                ::epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &event);
            }
            if (!pull(c, i, pattern)) {
                continue;
            }
            ++round_trips;
            ++c.round;
            end = now_ns();
            if (!measuring) {
                --outstanding;
                ::epoll_ctl(epoll, EPOLL_CTL_DEL, c.fd, nullptr);
                continue;
            }
            start_round(c, i, pattern);
            if (!push(c)) {
                epoll_event event{EPOLLIN | EPOLLOUT, {.u64 = i}};
                ::epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &event);
            }
        }
    }
    const double seconds = static_cast<double>(end - start) / 1e9;
    const double cpu = cpu_seconds() - cpu_start;
    for (Connection& c : conns) {
        ::close(c.fd);
    }
    ::close(epoll);
    return Report("conns")
        .add("conns", static_cast<std::uint64_t>(conns.size()))
        .add("size", static_cast<std::uint64_t>(settings.size))
        .add("round_trips", round_trips)
        .add("seconds", seconds)
        .add("round_trips_per_second", static_cast<double>(round_trips) / seconds)
        .add("load_cpu_seconds", cpu);
}

// Many peers that say one thing each and then stay, idle, for `seconds`: what an event loop
// holds per quiet peer.
Report run_idle(const Settings& settings) {
    const Pattern pattern;
    const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    std::vector<Connection> conns = connect_all(settings, pattern, epoll);
    std::printf("{\"mode\":\"idle\",\"connected\":%zu}\n", conns.size());
    std::fflush(stdout); // the bench measures the server now
    std::vector<epoll_event> events(16);
    const int ready = ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()),
                                   static_cast<int>(settings.seconds * 1000));
    for (Connection& c : conns) {
        ::close(c.fd);
    }
    ::close(epoll);
    if (ready != 0) {
        throw Broken("the server sent something to an idle peer, or closed it");
    }
    return Report("idle").add("conns", static_cast<std::uint64_t>(conns.size()));
}

} // namespace load
