// SPDX-License-Identifier: MIT
#pragma once

#include "echo/socket.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace echo::test {

// How many times `part` occurs in `text` (overlaps included).
std::size_t count_of(const std::string& text, const std::string& part);

// Whether `part` occurs in `text`.
bool contains(const std::string& text, const std::string& part);

// The first line of `text`, its newline included (all of `text` without one).
std::string first_line(const std::string& text);

// Everything the peer sends until it shuts down its side or goes away. No Catch2 macros: it also
// runs on a FakeTcpServer's thread.
std::string drain(int fd);

// Each peer sends all its data, half-closes, and reads its echo until the server's FIN, all at
// once in one poll loop, as that many separate clients would; what each got back. Fails the test
// after `limit`.
std::vector<std::string> exchange_all(const std::vector<Socket>& peers,
                                      const std::vector<std::string>& data,
                                      std::chrono::milliseconds limit = std::chrono::seconds(60));

// A misbehaving TCP server played by the test: a listener on 127.0.0.1, port 0, and `behave` run
// on its own thread with the first connection (blocking) and a future that becomes ready when the
// test is done with the server. Gives up after 20 s without a client. No Catch2 macros in
// `behave`: it runs on another thread.
class FakeTcpServer {
  public:
    using Behaviour = std::function<void(int fd, const std::shared_future<void>& released)>;

    explicit FakeTcpServer(Behaviour behave);
    FakeTcpServer(const FakeTcpServer&) = delete;
    FakeTcpServer& operator=(const FakeTcpServer&) = delete;
    ~FakeTcpServer();

    [[nodiscard]] const std::string& port() const { return port_; }

  private:
    Socket listener_;
    std::string port_;
    std::promise<void> released_;
    std::future<void> task_;
};

// A fake UDP server played by the test: a socket on 127.0.0.1, port 0, served on its own thread
// until destroyed. For the n-th datagram (from 1) `answer` says what to send back to its sender:
// nothing to drop it, two copies to duplicate it. No Catch2 macros in `answer`: it runs on
// another thread.
class FakeUdpServer {
  public:
    using Answer = std::function<std::vector<std::string>(int n, const std::string& datagram)>;

    explicit FakeUdpServer(Answer answer);
    FakeUdpServer(const FakeUdpServer&) = delete;
    FakeUdpServer& operator=(const FakeUdpServer&) = delete;
    ~FakeUdpServer();

    [[nodiscard]] const std::string& port() const { return port_; }
    [[nodiscard]] int received() const { return received_; } // datagrams so far

  private:
    void run();

    Socket socket_;
    std::string port_;
    Answer answer_;
    std::atomic<int> received_{0};
    int stop_[2] = {-1, -1};
    std::thread thread_;
};

} // namespace echo::test
