// SPDX-License-Identifier: MIT
// UDP request/response with a window of datagrams in flight; a datagram whose echo does not
// come back within the loss timeout is counted as lost (UDP may lose; it may not corrupt).
#include "common.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace load {

namespace {

enum class Fate : std::uint8_t { in_flight, answered, lost };

std::uint64_t position_of(std::uint64_t seq) {
    return seq * 131;
}

} // namespace

Report run_udp(const Settings& settings) {
    if (settings.size < 8) {
        throw Broken("UDP datagrams carry an 8-byte sequence number: --size must be >= 8");
    }
    const Pattern pattern;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(settings.port);
    ::inet_pton(AF_INET, settings.host.c_str(), &address.sin_addr);
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 ||
        ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
        throw Broken(std::string("udp socket: ") + std::strerror(errno));
    }

    std::vector<Fate> fate;
    std::vector<std::int64_t> sent_at;
    std::deque<std::uint64_t> order; // sequence numbers in flight, oldest first
    std::vector<std::int64_t> rtt_ns;
    std::vector<std::byte> out(settings.window * settings.size);
    std::vector<iovec> out_iov(settings.window);
    std::vector<mmsghdr> out_msgs(settings.window);
    constexpr std::size_t max_datagram = 65536;
    const std::size_t batch = std::min<std::size_t>(settings.window, 64);
    std::vector<std::byte> in(batch * max_datagram);
    std::vector<iovec> in_iov(batch);
    std::vector<mmsghdr> in_msgs(batch);
    for (std::size_t k = 0; k < batch; ++k) {
        in_iov[k] = {in.data() + k * max_datagram, max_datagram};
        in_msgs[k].msg_hdr.msg_iov = &in_iov[k];
        in_msgs[k].msg_hdr.msg_iovlen = 1;
    }
    std::uint64_t answered = 0;
    std::uint64_t lost = 0;
    std::uint64_t late = 0;
    std::uint64_t duplicated = 0;
    std::size_t in_flight = 0;
    const std::int64_t timeout = static_cast<std::int64_t>(settings.loss_timeout_ms) * 1'000'000;

    const double cpu_start = cpu_seconds();
    const std::int64_t start = now_ns();
    const std::int64_t stop_sending = start + static_cast<std::int64_t>(settings.seconds * 1e9);
    std::int64_t last_answer = start;
    bool sending = true;
    for (;;) {
        std::int64_t now = now_ns();
        if (sending &&
            (now >= stop_sending || (settings.count > 0 && fate.size() >= settings.count))) {
            sending = false;
        }
        // Fill the window in one sendmmsg(2): the load must cost less than the server it measures.
        if (sending && in_flight < settings.window) {
            std::size_t room = settings.window - in_flight;
            if (settings.count > 0) {
                room = std::min<std::size_t>(room, settings.count - fate.size());
            }
            for (std::size_t k = 0; k < room; ++k) {
                const std::uint64_t seq = fate.size() + k;
                std::byte* datagram = out.data() + k * settings.size;
                std::memcpy(datagram, &seq, 8);
                pattern.fill(position_of(seq), std::span(datagram + 8, settings.size - 8));
                out_iov[k] = {datagram, settings.size};
                out_msgs[k] = {};
                out_msgs[k].msg_hdr.msg_iov = &out_iov[k];
                out_msgs[k].msg_hdr.msg_iovlen = 1;
            }
            const int n = ::sendmmsg(fd, out_msgs.data(), static_cast<unsigned>(room), 0);
            if (n < 0 && errno != EAGAIN && errno != ENOBUFS && errno != ECONNREFUSED &&
                errno != EINTR) {
                throw Broken(std::string("send: ") + std::strerror(errno));
            }
            const std::int64_t sent_time = now_ns();
            for (int k = 0; k < n; ++k) {
                order.push_back(fate.size());
                fate.push_back(Fate::in_flight);
                sent_at.push_back(sent_time);
                ++in_flight;
            }
        }
        // Oldest first: whatever waited past the timeout is lost.
        now = now_ns();
        while (!order.empty() &&
               (fate[order.front()] != Fate::in_flight || now - sent_at[order.front()] > timeout)) {
            if (fate[order.front()] == Fate::in_flight) {
                fate[order.front()] = Fate::lost;
                ++lost;
                --in_flight;
            }
            order.pop_front();
        }
        if (!sending && in_flight == 0) {
            break;
        }
        const int wait_ms =
            order.empty()
                ? 1
                : static_cast<int>((sent_at[order.front()] + timeout - now) / 1'000'000) + 1;
        // Read what is there first; wait only when nothing is.
        int got = ::recvmmsg(fd, in_msgs.data(), static_cast<unsigned>(in_msgs.size()), 0, nullptr);
        if (got < 0 && (errno == EAGAIN || errno == ECONNREFUSED || errno == EINTR)) {
            // ECONNREFUSED: an ICMP error for an earlier datagram, which then counts as lost.
            pollfd entry{fd, POLLIN, 0};
            ::poll(&entry, 1, wait_ms);
            continue;
        }
        if (got < 0) {
            throw Broken(std::string("recv: ") + std::strerror(errno));
        }
        const std::int64_t received_time = now_ns();
        for (std::size_t k = 0; k < static_cast<std::size_t>(got); ++k) {
            const std::byte* datagram = in.data() + k * max_datagram;
            const std::size_t n = in_msgs[k].msg_len;
            std::uint64_t seq = 0;
            if (n != settings.size || (std::memcpy(&seq, datagram, 8), seq >= fate.size()) ||
                !pattern.matches(position_of(seq), std::span(datagram + 8, settings.size - 8))) {
                throw Broken("a datagram came back changed (" + std::to_string(n) + " bytes)");
            }
            if (fate[seq] == Fate::answered) {
                ++duplicated;
            } else if (fate[seq] == Fate::lost) {
                ++late;
            } else {
                fate[seq] = Fate::answered;
                ++answered;
                --in_flight;
                last_answer = received_time;
                rtt_ns.push_back(received_time - sent_at[seq]);
            }
        }
    }
    const double seconds = static_cast<double>(last_answer - start) / 1e9;
    const double cpu = cpu_seconds() - cpu_start;
    ::close(fd);
    if (answered == 0) {
        throw Broken("no datagram came back");
    }
    const auto [p50, p99] = percentiles_us(rtt_ns);
    return Report("udp")
        .add("size", static_cast<std::uint64_t>(settings.size))
        .add("window", static_cast<std::uint64_t>(settings.window))
        .add("sent", static_cast<std::uint64_t>(fate.size()))
        .add("round_trips", answered)
        .add("lost", lost)
        .add("late", late)
        .add("duplicated", duplicated)
        .add("seconds", seconds)
        .add("round_trips_per_second", static_cast<double>(answered) / seconds)
        .add("p50_us", p50)
        .add("p99_us", p99)
        .add("load_cpu_seconds", cpu);
}

} // namespace load
