// SPDX-License-Identifier: MIT
#include "peers.hpp"

#include "catch.hpp"
#include "sockets.hpp"

#include "echo/address.hpp"
#include "echo/datagram.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"

#include <array>
#include <cerrno>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace echo::test {

using namespace std::chrono_literals;

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++count;
    }
    return count;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string first_line(const std::string& text) {
    const std::size_t end = text.find('\n');
    return end == std::string::npos ? text : text.substr(0, end + 1);
}

std::string drain(int fd) {
    std::string all;
    std::array<char, 65536> chunk{};
    for (ssize_t n = 0; (n = ::recv(fd, chunk.data(), chunk.size(), 0)) > 0;) {
        all.append(chunk.data(), static_cast<std::size_t>(n));
    }
    return all;
}

std::vector<std::string> exchange_all(const std::vector<Socket>& peers,
                                      const std::vector<std::string>& data,
                                      std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::vector<std::size_t> sent(peers.size(), 0);
    std::vector<bool> done(peers.size(), false);
    std::vector<std::string> got(peers.size());
    std::size_t open = peers.size();
    std::vector<char> chunk(65536);
    while (open > 0) {
        std::vector<pollfd> fds;
        for (std::size_t i = 0; i < peers.size(); ++i) {
            const short out = sent[i] < data[i].size() ? POLLOUT : 0;
            fds.push_back({done[i] ? -1 : peers[i].fd(), static_cast<short>(POLLIN | out), 0});
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        INFO(open << " peers still busy when time ran out");
        REQUIRE(left.count() > 0);
        REQUIRE(::poll(fds.data(), fds.size(), static_cast<int>(left.count())) >= 0);
        for (std::size_t i = 0; i < peers.size(); ++i) {
            if ((fds[i].revents & POLLOUT) != 0) {
                const ssize_t n =
                    ::write(peers[i].fd(), data[i].data() + sent[i], data[i].size() - sent[i]);
                REQUIRE((n > 0 || errno == EAGAIN));
                sent[i] += n > 0 ? static_cast<std::size_t>(n) : 0;
                if (sent[i] == data[i].size()) {
                    REQUIRE(::shutdown(peers[i].fd(), SHUT_WR) == 0);
                }
            }
            if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                const ssize_t n = ::read(peers[i].fd(), chunk.data(), chunk.size());
                if (n > 0) {
                    got[i].append(chunk.data(), static_cast<std::size_t>(n));
                } else if (n == 0 || errno != EAGAIN) {
                    done[i] = true;
                    --open;
                }
            }
        }
    }
    return got;
}

FakeTcpServer::FakeTcpServer(Behaviour behave)
    : listener_(bind_loopback(SOCK_STREAM)), port_(port_of(listener_)) {
    std::shared_future<void> released = released_.get_future().share();
    task_ = std::async(std::launch::async, [this, behave = std::move(behave), released] {
        if (!wait_for(listener_.fd(), POLLIN, 20s)) {
            return;
        }
        if (auto accepted = accept_peer(listener_.fd())) {
            set_nonblocking(accepted->socket.fd(), false);
            behave(accepted->socket.fd(), released);
        }
    });
}

FakeTcpServer::~FakeTcpServer() {
    released_.set_value();
    task_.wait();
}

FakeUdpServer::FakeUdpServer(Answer answer)
    : socket_(bind_loopback(SOCK_DGRAM)), port_(port_of(socket_)), answer_(std::move(answer)) {
    REQUIRE(::pipe2(stop_, O_CLOEXEC) == 0);
    thread_ = std::thread([this] { run(); });
}

FakeUdpServer::~FakeUdpServer() {
    [[maybe_unused]] const ssize_t ignored = ::write(stop_[1], "s", 1);
    thread_.join();
    ::close(stop_[0]);
    ::close(stop_[1]);
}

void FakeUdpServer::run() {
    std::array<pollfd, 2> fds{{{socket_.fd(), POLLIN, 0}, {stop_[0], POLLIN, 0}}};
    std::string buffer(datagram_buffer_size, '\0');
    while (::poll(fds.data(), fds.size(), -1) >= 0 && fds[1].revents == 0) {
        const Received got =
            receive_datagram(socket_.fd(), std::as_writable_bytes(std::span(buffer)), 0);
        if (got.io.status != IoStatus::ok) {
            continue;
        }
        for (const std::string& reply : answer_(++received_, buffer.substr(0, got.io.bytes))) {
            (void)send_datagram(socket_.fd(), bytes(reply), got.source, Address(), 0);
        }
    }
}

} // namespace echo::test
