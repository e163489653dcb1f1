// SPDX-License-Identifier: MIT
// Misbehaving peers and hostile conditions against the real binaries: none may crash the
// programs, hang them, make them spin or end them by a signal.
#include "catch.hpp"
#include "peers.hpp"
#include "proc.hpp"
#include "process.hpp"
#include "sockets.hpp"

#include "echo/address.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <system_error>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace echo::test;

namespace {

// The way a peer that went away shows in the server's error line.
bool names_a_vanished_peer(const std::string& err) {
    return contains(err, "Connection reset by peer") || contains(err, "Broken pipe");
}

} // namespace

TEST_CASE("A peer that resets while the server writes its echo ends it with exit 1 and no signal",
          "[fault]") {
    for (int round = 1; round <= 3; ++round) {
        CAPTURE(round);
        Server server;
        {
            echo::Socket peer = connect_raw(server.port);
            echo::set_nonblocking(peer.fd(), true);
            // Send without reading until the server stops taking bytes: its echo is backed up
            // and it is waiting to write more of it to us.
            const std::string chunk = random_bytes(64 * 1024, static_cast<std::uint32_t>(round));
            std::size_t sent = 0;
            for (;;) {
                const echo::IoResult r =
                    echo::write_some(peer.fd(), std::as_bytes(std::span(chunk)));
                REQUIRE(r.status != echo::IoStatus::error);
                if (r.status == echo::IoStatus::would_block) {
                    break;
                }
                sent += r.bytes;
            }
            CAPTURE(sent);
            REQUIRE(echo::wait_for(peer.fd(), POLLIN, 10s)); // its echo has started
            reset_on_close(peer.fd());
        }
        const auto done = server.process.finish("", 10s);
        CHECK(done.exit_code == 1);
        CHECK(done.err.find("echo-server: ") != std::string::npos);
        CHECK(names_a_vanished_peer(done.err));
        CHECK(contains(done.err, "bytes echoed)"));
    }
}

TEST_CASE("A peer that closes without reading its echo is an error value and never SIGPIPE",
          "[fault]") {
    // Whether the server sees a reset (unread echo at close) or EPIPE (echo written after the
    // peer's reset) depends on timing; either way it must end with a line and a code, not a
    // signal. A peer closed before any echo came may also be served to the end (exit 0).
    for (const std::size_t size : {1UL, 1000UL, 65536UL, 300UL * 1024}) {
        CAPTURE(size);
        Server server;
        {
            echo::Socket peer = connect_raw(server.port);
            echo::set_nonblocking(peer.fd(), true);
            const std::string data = random_bytes(size, 9);
            const echo::IoResult r = echo::write_some(peer.fd(), std::as_bytes(std::span(data)));
            REQUIRE(r.status != echo::IoStatus::error);
        } // closed at once: no read, no linger
        const auto done = server.process.finish("", 10s);
        CAPTURE(done.err);
        CHECK((done.exit_code == 0 || done.exit_code == 1));
        if (done.exit_code == 1) {
            CHECK(names_a_vanished_peer(done.err));
        }
        CHECK(contains(done.err, " echoed)\n")); // "(1 byte echoed)" too
    }
}

TEST_CASE("echo-client - against a server that stops reading and closes exits 1 with one line",
          "[fault]") {
    echo::Socket listener = bind_loopback(SOCK_STREAM);
    const std::string port = port_of(listener);
    // The rude server: takes a little of the stream, then closes with the rest unread.
    auto rude = std::async(std::launch::async, [&listener] {
        if (!echo::wait_for(listener.fd(), POLLIN, 20s)) {
            return std::string("no client");
        }
        auto accepted = echo::accept_peer(listener.fd());
        if (!accepted) {
            return std::string("no client");
        }
        echo::set_nonblocking(accepted->socket.fd(), false);
        std::array<char, 4096> some{};
        if (::recv(accepted->socket.fd(), some.data(), some.size(), 0) <= 0) {
            return std::string("nothing read");
        }
        return std::string();
    });
    const std::string data = random_bytes(8 * 1024 * 1024, 5);
    const auto reply = run({client_path(), "-H", "127.0.0.1", "-p", port, "-"}, data, 60s);
    CHECK(rude.get().empty());
    CHECK(reply.exit_code == 1);
    CHECK(reply.err.rfind("[+] Connected to ", 0) == 0);
    CHECK(count_of(reply.err, "echo-client: ") == 1);
    CHECK((names_a_vanished_peer(reply.err) || contains(reply.err, "closed the connection")));
    CHECK(reply.out.size() < data.size());
}

TEST_CASE("A peer that connects and sends nothing: the server waits without spinning and "
          "SIGTERM ends it with exit 0",
          "[fault]") {
    Server server;
    echo::Socket peer = connect_raw(server.port);
    server.process.wait_for_line("Client connected");

    const std::chrono::milliseconds before = cpu_time(server.process.pid());
    CHECK_FALSE(echo::wait_for(peer.fd(), POLLIN, 1s)); // nothing comes unasked
    const std::chrono::milliseconds used = cpu_time(server.process.pid()) - before;
    // Not a timing threshold: an idle server burns no CPU at all, however busy the machine;
    // one that spins burns the whole second it is given.
    CHECK(used < 500ms);

    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 5s);
    CHECK(done.exit_code == 0);
    CHECK(contains(done.err, "[+] Stopped by signal; client 127.0.0.1:"));
    CHECK(contains(done.err, "dropped (0 bytes echoed)"));
    CHECK(read_to_eof(peer.fd()).empty());
}

TEST_CASE("A peer that sends one byte at a time gets every byte back in order", "[fault]") {
    Server server;
    echo::Socket peer = connect_raw(server.port);
    const int on = 1;
    REQUIRE(::setsockopt(peer.fd(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == 0);
    const std::string data = random_bytes(1000, 11);

    SECTION("each byte's echo awaited before the next") {
        for (const char byte : data) {
            REQUIRE(::send(peer.fd(), &byte, 1, 0) == 1);
            char back = 0;
            REQUIRE(echo::wait_for(peer.fd(), POLLIN, 10s));
            REQUIRE(::recv(peer.fd(), &back, 1, 0) == 1);
            REQUIRE(back == byte);
        }
        REQUIRE(::shutdown(peer.fd(), SHUT_WR) == 0);
        CHECK(read_to_eof(peer.fd()).empty());
    }
    SECTION("a burst of one-byte sends") {
        for (const char byte : data) {
            REQUIRE(::send(peer.fd(), &byte, 1, 0) == 1);
        }
        REQUIRE(::shutdown(peer.fd(), SHUT_WR) == 0);
        CHECK(read_to_eof(peer.fd()) == data);
    }
    const auto done = server.process.finish("", 10s);
    CHECK(done.exit_code == 0);
    CHECK(contains(done.err, "disconnected (1000 bytes echoed)"));
}

TEST_CASE("1000 connect-and-close in a loop: the one-peer server serves the first and refuses "
          "the rest",
          "[fault]") {
    Server server;
    int connected = 0;
    int refused = 0;
    for (int i = 0; i < 1000; ++i) {
        try {
            const echo::Socket peer = connect_raw(server.port);
            ++connected;
        } catch (const std::system_error& error) {
            // Refused once the server closed its listener; a connection caught in the closing
            // backlog is reset.
            const int code = error.code().value();
            CHECK((code == ECONNREFUSED || code == ECONNRESET));
            ++refused;
        }
    }
    CAPTURE(connected, refused);
    CHECK(connected >= 1);
    const auto done = server.process.finish("", 10s);
    CHECK(done.exit_code == 0);
    CHECK(count_of(done.err, "Client connected") == 1);
    CHECK(contains(done.err, "disconnected (0 bytes echoed)"));
}

TEST_CASE("SIGTERM during a large transfer stops the server promptly with exit 0", "[fault]") {
    Server server;
    echo::Socket peer = connect_raw(server.port);
    echo::set_nonblocking(peer.fd(), true);
    const std::string chunk = random_bytes(256 * 1024, 13);
    std::array<char, 65536> buffer{};
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    bool signalled = false;
    bool closed = false;
    // Keep streaming both ways until the server closes the connection: it must do so after the
    // signal even though this peer never stops sending.
    const auto deadline = std::chrono::steady_clock::now() + patience(60s);
    while (!closed) {
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        if (!signalled && received >= 4 * 1024 * 1024) {
            server.process.signal(SIGTERM);
            signalled = true;
        }
        pollfd entry{peer.fd(), POLLIN | POLLOUT, 0};
        REQUIRE(::poll(&entry, 1, 10000) == 1);
        if ((entry.revents & POLLOUT) != 0) {
            const ssize_t n = ::send(peer.fd(), chunk.data(), chunk.size(), MSG_NOSIGNAL);
            if (n > 0) {
                sent += static_cast<std::uint64_t>(n);
            } else if (n < 0 && errno != EAGAIN) {
                REQUIRE(signalled); // EPIPE or a reset: the server went away after the signal
                closed = true;
            }
        }
        if ((entry.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
            const ssize_t n = ::recv(peer.fd(), buffer.data(), buffer.size(), 0);
            if (n > 0) {
                received += static_cast<std::uint64_t>(n);
            } else if (n == 0 || errno != EAGAIN) {
                REQUIRE(signalled);
                closed = true;
            }
        }
    }
    CAPTURE(sent, received);
    const auto done = server.process.finish("", 10s);
    CHECK(done.exit_code == 0);
    CHECK(contains(done.err, "[+] Stopped by signal; client 127.0.0.1:"));
    CHECK_FALSE(contains(done.err, "echo-server: "));
}

TEST_CASE("Out of descriptors (RLIMIT_NOFILE) at startup or for the peer: one error line and "
          "exit 1",
          "[fault]") {
    // The descriptor number the server's peer would get, measured on an unlimited server.
    int peer_fd = 0;
    {
        Server measure;
        peer_fd = lowest_free_descriptor(measure.process.pid());
    }
    const auto limited = [](int limit) {
        return std::vector<std::string>{"prlimit", "--nofile=" + std::to_string(limit),
                                        "--",      server_path(),
                                        "-H",      "127.0.0.1",
                                        "-p",      "0"};
    };

    SECTION("no descriptor for the listening socket") {
        std::vector<std::string> argv = limited(peer_fd - 1);
        // LeakSanitizer needs a free descriptor at exit to scan, and this server has none left
        // by design: under the sanitizers (ASAN_OPTIONS set), skip its leak check here only.
        if (const char* asan = std::getenv("ASAN_OPTIONS"); asan != nullptr) {
            argv.insert(argv.begin(),
                        {"env", std::string("ASAN_OPTIONS=") + asan + ":detect_leaks=0"});
        }
        const auto done = run(argv, "", 10s);
        CHECK(done.exit_code == 1);
        // The first line is the program's; a coverage build adds gcov's complaint that it, too,
        // found no descriptor to write its counts with.
        // As root, looking up the user to become (before binding) is the first step to fail.
        const std::string first_step = ::geteuid() == 0 ? "getpwnam nobody" : "socket";
        CHECK(done.err.rfind("echo-server: " + first_step + ": Too many open files\n", 0) == 0);
        CHECK(count_of(done.err, "echo-server: ") == 1);
    }
    SECTION("no descriptor for the peer") {
        Process server(limited(peer_fd));
        const std::uint16_t port = server.wait_listening();
        try {
            const echo::Socket peer = connect_raw(port);
        } catch (const std::system_error& error) {
            // The server may have failed its accept and closed its listener before our connect
            // returned: then the handshake ends in a reset.
            CHECK(error.code().value() == ECONNRESET);
        }
        const auto done = server.finish("", 10s);
        CHECK(done.exit_code == 1);
        CHECK(contains(done.err, "echo-server: accept: Too many open files\n"));
    }
}

namespace {

// 100000 datagrams of 1000 bytes to `port` on 127.0.0.1, from 64 senders in turn, as fast as the
// test can send; their echoes are never read.
void udp_storm(std::uint16_t port) {
    const echo::Address to =
        echo::resolve("127.0.0.1", port, echo::Family::ipv4, SOCK_DGRAM, false).front();
    std::vector<echo::Socket> senders;
    senders.reserve(64);
    for (int i = 0; i < 64; ++i) {
        senders.push_back(echo::open_socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK));
    }
    const std::string datagram = random_bytes(1000, 17);
    int sent = 0;
    for (int i = 0; sent < 100000; ++i) {
        const int fd = senders[static_cast<std::size_t>(i) % senders.size()].fd();
        const ssize_t n = ::sendto(fd, datagram.data(), datagram.size(), 0, to.data(), to.size());
        if (n == static_cast<ssize_t>(datagram.size())) {
            ++sent;
        } else {
            // The sender's own buffer is full (or an earlier echo was refused): wait, go on.
            REQUIRE((errno == EAGAIN || errno == ECONNREFUSED || errno == ENOBUFS));
            REQUIRE(echo::wait_for(fd, POLLOUT, 10s));
        }
    }
}

void stop_cleanly(Process& server) {
    server.signal(SIGTERM);
    const auto done = server.finish("", 10s);
    CHECK(done.exit_code == 0);
    CHECK_FALSE(contains(done.err, "echo-server: "));
}

} // namespace

TEST_CASE("A storm of 100000 UDP datagrams: the server survives and answers a normal client "
          "afterwards",
          "[fault][udp]") {
    Server server({"-u"});
    udp_storm(server.port);
    const auto reply = run({client_path(), "-u", "-H", "127.0.0.1", "-p", server.port_text(),
                            "after", "the", "storm"});
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "after the storm\n");
    stop_cleanly(server.process);
}

TEST_CASE("A storm of 100000 UDP datagrams leaves the server's memory as it was",
          "[fault][udp][memory]") {
    Server server({"-u"});
    const long rss_before = memory_kib(server.process.pid(), "VmRSS");
    udp_storm(server.port);
    CHECK(run({client_path(), "-u", "-H", "127.0.0.1", "-p", server.port_text(), "x"}).exit_code ==
          0);
    // Whatever it queued or remembered for the storm, it holds no copy of it: a few MiB at most
    // (100000 datagrams kept would be 100 MB).
    const long grown = memory_kib(server.process.pid(), "VmRSS") - rss_before;
    INFO("server VmRSS grew by " << grown << " KiB");
    CHECK(grown < 16 * 1024);
    stop_cleanly(server.process);
}

namespace {

// Echoes the first half of what the peer sent, after its end of stream, then closes.
void echo_half(int fd, const std::shared_future<void>& /*released*/) {
    const std::string got = drain(fd);
    const std::string half = got.substr(0, got.size() / 2);
    (void)echo::write_all(fd, std::as_bytes(std::span(half)));
}

} // namespace

TEST_CASE("echo-client against a server that never answers gives up after -t with one line",
          "[fault]") {
    // Reads the message, then holds the connection without a word until the test is over.
    const FakeTcpServer silent([](int fd, const std::shared_future<void>& released) {
        (void)drain(fd);
        released.wait_for(60s);
    });
    const auto reply =
        run({client_path(), "-H", "127.0.0.1", "-p", silent.port(), "-t", "0.5", "hello"});
    CAPTURE(reply.err);
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.empty());
    CHECK(contains(reply.err, "echo-client: no echo from 127.0.0.1:" + silent.port() +
                                  " within the timeout (0 of 5 bytes back)\n"));
}

TEST_CASE("A server that closes after half the echo: the client says how much came back",
          "[fault]") {
    SECTION("a message") {
        // The client sends its FIN only after the whole echo: this server reads the 6 bytes of
        // the message, not to its end.
        const FakeTcpServer half([](int fd, const std::shared_future<void>& /*released*/) {
            std::array<char, 6> got{};
            if (::recv(fd, got.data(), got.size(), MSG_WAITALL) == 6) {
                (void)::send(fd, got.data(), 3, MSG_NOSIGNAL);
            }
        });
        const auto reply = run({client_path(), "-H", "127.0.0.1", "-p", half.port(), "abcdef"});
        CHECK(reply.exit_code == 1);
        CHECK(reply.out.empty());
        CHECK(contains(reply.err, "echo-client: server 127.0.0.1:" + half.port() +
                                      " closed the connection after 3 of 6 bytes of echo\n"));
    }
    SECTION("a stream") {
        const FakeTcpServer half(echo_half);
        const auto reply =
            run({client_path(), "-H", "127.0.0.1", "-p", half.port(), "-"}, "abcdef");
        CHECK(reply.exit_code == 1);
        CHECK(reply.out == "abc");
        CHECK(contains(reply.err, "echo-client: server 127.0.0.1:" + half.port() +
                                      " closed the connection after echoing 3 of 6 bytes sent\n"));
    }
}

TEST_CASE("echo-client with its standard output closed: one error line and exit 1 and no SIGPIPE",
          "[fault]") {
    SECTION("a stream") {
        // Nothing reaches standard output before standard input is fed, after the close.
        Server server;
        Process client(tcp_client(server, {"-"}));
        client.close_stdout();
        const auto reply = client.finish(random_bytes(1024 * 1024, 19), 30s);
        CHECK(reply.exit_code == 1);
        CHECK(contains(reply.err, "echo-client: write standard output: Broken pipe\n"));
    }
    SECTION("a message") {
        // The echo comes only once the test has closed the client's standard output.
        std::promise<void> closed;
        const FakeTcpServer late([go = closed.get_future().share()](
                                     int fd, const std::shared_future<void>& /*released*/) {
            // The message, not to its end: the client's FIN comes after the echo.
            std::string got(5, '\0');
            (void)::recv(fd, got.data(), got.size(), MSG_WAITALL);
            go.wait_for(60s);
            (void)echo::write_all(fd, std::as_bytes(std::span(got)));
        });
        Process client(tcp_client(late.port(), {"hello"}));
        client.close_stdout();
        closed.set_value();
        const auto reply = client.finish("", 30s);
        CHECK(reply.exit_code == 1);
        CHECK(contains(reply.err, "echo-client: write standard output: Broken pipe\n"));
    }
}

TEST_CASE("1000 connect-and-close in a loop against -k: every descriptor comes back and the "
          "server serves on",
          "[fault][keepopen]") {
    Server server({"-k"});
    const auto round_trip = [&server](const std::string& text) {
        echo::Socket peer = connect_raw(server.port);
        REQUIRE(echo::write_all(peer.fd(), std::as_bytes(std::span(text))).status ==
                echo::IoStatus::ok);
        REQUIRE(::shutdown(peer.fd(), SHUT_WR) == 0);
        CHECK(read_to_eof(peer.fd()) == text);
    };
    const auto wait_for_disconnects = [&server](std::size_t total) {
        while (count_of(server.process.err(), " disconnected (") < total) {
            server.process.wait_for_line(" disconnected (", 20s);
        }
    };
    round_trip("the loop runs: it has all its own descriptors now");
    wait_for_disconnects(1);
    const std::size_t descriptors = open_descriptors(server.process.pid());

    // As fast as the test can: connect and close at once, every other one with a reset. In
    // batches, each followed by a round trip that also has the test read the server's status
    // lines: a stderr nobody reads fills its pipe and stalls the server, as it would any program.
    // The listener's queue is first in, first out: the batch was accepted before the round trip.
    for (int batch = 1; batch <= 5; ++batch) {
        for (int i = 0; i < 200; ++i) {
            const echo::Socket peer = connect_raw(server.port);
            if (i % 2 == 1) {
                reset_on_close(peer.fd());
            }
        }
        round_trip("still serving");
        server.process.wait_for_line("disconnected (13 bytes echoed)", 20s);
    }
    // Every peer accepted is closed, none kept.
    const std::size_t accepted = count_of(server.process.err(), "Client connected: ");
    CHECK(accepted >= 1006 - 500); // the flood's resets may go before accept(2) takes them
    wait_for_disconnects(accepted);
    CHECK(open_descriptors(server.process.pid()) == descriptors);

    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 20s);
    CHECK(done.exit_code == 0);
    CHECK(contains(done.err, "[+] Served " + std::to_string(accepted) + " clients, "));
    CHECK_FALSE(contains(done.err, "echo-server: "));
}
