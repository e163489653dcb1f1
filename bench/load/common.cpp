// SPDX-License-Identifier: MIT
#include "common.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace load {

Pattern::Pattern() : bytes_((1U << 20) + 4093) {
    std::uint64_t state = 0x9e3779b97f4a7c15ULL;
    for (std::byte& byte : bytes_) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        byte = static_cast<std::byte>(state >> 56);
    }
}

std::span<const std::byte> Pattern::at(std::uint64_t position, std::size_t max) const {
    const std::size_t offset = static_cast<std::size_t>(position % bytes_.size());
    return std::span(bytes_).subspan(offset, std::min(max, bytes_.size() - offset));
}

void Pattern::fill(std::uint64_t position, std::span<std::byte> out) const {
    std::size_t done = 0;
    while (done < out.size()) {
        const auto piece = at(position + done, out.size() - done);
        std::memcpy(out.data() + done, piece.data(), piece.size());
        done += piece.size();
    }
}

bool Pattern::matches(std::uint64_t position, std::span<const std::byte> got) const {
    std::size_t done = 0;
    while (done < got.size()) {
        const auto piece = at(position + done, got.size() - done);
        if (std::memcmp(got.data() + done, piece.data(), piece.size()) != 0) {
            return false;
        }
        done += piece.size();
    }
    return true;
}

std::int64_t now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

double cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& tv) {
        return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

int connect_tcp(const Settings& settings) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(settings.port);
    if (::inet_pton(AF_INET, settings.host.c_str(), &address.sin_addr) != 1) {
        throw Broken("not an IPv4 address: " + settings.host);
    }
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw Broken(std::string("socket: ") + std::strerror(errno));
    }
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
        const int error = errno;
        ::close(fd);
        throw Broken("connect to " + settings.host + ":" + std::to_string(settings.port) + ": " +
                     std::strerror(error));
    }
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    const timeval stall{settings.stall_seconds, 0}; // a blocking recv that waits this long fails
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &stall, sizeof(stall));
    return fd;
}

void set_nonblocking(int fd) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

std::pair<double, double> percentiles_us(std::vector<std::int64_t>& ns) {
    if (ns.empty()) {
        return {0, 0};
    }
    std::sort(ns.begin(), ns.end());
    const auto at = [&ns](std::size_t percent) {
        return static_cast<double>(ns[std::min(ns.size() - 1, ns.size() * percent / 100)]) / 1e3;
    };
    return {at(50), at(99)};
}

Report::Report(const std::string& mode) : text_("{\"mode\":\"" + mode + "\"") {}

Report& Report::add(const std::string& key, double value) {
    char number[64];
    std::snprintf(number, sizeof(number), "%.9g", value);
    text_ += ",\"" + key + "\":" + number;
    return *this;
}

Report& Report::add(const std::string& key, std::uint64_t value) {
    text_ += ",\"" + key + "\":" + std::to_string(value);
    return *this;
}

} // namespace load
