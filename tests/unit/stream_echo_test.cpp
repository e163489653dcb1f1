// SPDX-License-Identifier: MIT
// echo_until_eof by both of its paths: splice(2) through a pipe, and the portable read/write loop;
// its failures and its stop.
#include "catch.hpp"
#include "process.hpp"
#include "sockets.hpp"
#include "untraced.hpp"

#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"
#include "echo/socket.hpp"
#include "stream_echo.hpp"
#include "stream_echo_paths.hpp"

#include <cerrno>
#include <future>
#include <string>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using echo::EchoOutcome;
using echo::EchoPath;
using echo::Socket;
using namespace echo::test;

namespace {

// A connected TCP pair on loopback: `ours` non-blocking (as the server holds it), `theirs`
// blocking (the test plays the client).
struct TcpPair {
    Socket ours;
    Socket theirs;
    TcpPair() {
        const auto any = echo::resolve("127.0.0.1", 0, echo::Family::ipv4, SOCK_STREAM, true);
        const Socket listener = echo::bind_to(any[0], SOCK_STREAM);
        theirs = echo::connect_to(echo::local_address(listener.fd()), SOCK_STREAM, 10s);
        echo::set_nonblocking(theirs.fd(), false);
        REQUIRE(echo::wait_for(listener.fd(), POLLIN, 10s));
        auto accepted = echo::accept_peer(listener.fd());
        REQUIRE(accepted);
        ours = std::move(accepted->socket);
    }
};

// Whether this kernel splices a TCP socket into a pipe at all: Linux does, gVisor and other
// systems may not. Asked independently of the code under test.
bool kernel_splices_tcp() {
#if defined(__linux__)
    TcpPair pair;
    const char byte = 'x';
    REQUIRE(::write(pair.theirs.fd(), &byte, 1) == 1);
    REQUIRE(echo::wait_for(pair.ours.fd(), POLLIN, 10s));
    const Pipe pipe;
    return ::splice(pair.ours.fd(), nullptr, pipe.write_end.fd(), nullptr, 1, SPLICE_F_NONBLOCK) ==
           1;
#else
    return false;
#endif
}

// Sends `data` and a FIN from one thread while reading the echo in this one; returns the echo.
std::string client_round(int fd, const std::string& data) {
    std::thread writer([fd, &data] {
        (void)echo::write_all(fd, std::as_bytes(std::span(data)));
        ::shutdown(fd, SHUT_WR);
    });
    std::string echoed = read_to_eof(fd);
    writer.join();
    return echoed;
}

const char* name(EchoPath path) {
    return path == EchoPath::fastest ? "fastest" : "portable";
}

} // namespace

TEST_CASE("Both echo paths return every byte and then a FIN", "[echo]") {
    const bool splices = kernel_splices_tcp();
    INFO("this kernel splices TCP: " << (splices ? "yes" : "no"));
    for (const EchoPath path : {EchoPath::fastest, EchoPath::portable}) {
        for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{65536 + 3},
                                       std::size_t{3 * 1024 * 1024 + 7}}) {
            CAPTURE(name(path), size);
            TcpPair pair;
            auto echoer = std::async(std::launch::async, [&pair, path] {
                return echo::echo_until_eof(pair.ours.fd(), -1, untraced(), path);
            });
            const std::string data = random_bytes(size, static_cast<std::uint32_t>(size + 11));
            const std::string echoed = client_round(pair.theirs.fd(), data);
            const EchoOutcome outcome = echoer.get();
            CHECK(outcome.end == EchoOutcome::End::peer_finished);
            CHECK(outcome.bytes == size);
            CHECK(echoed.size() == size);
            CHECK(echoed == data);
            // The fast path is taken wherever the kernel offers it, and only through `fastest`.
            CHECK(outcome.spliced == (path == EchoPath::fastest && splices));
        }
    }
}

TEST_CASE("A read size takes the portable loop even when the fastest path is asked for",
          "[echo][readsize]") {
    for (const std::size_t read_size : {std::size_t{1}, std::size_t{4}, std::size_t{256 * 1024}}) {
        CAPTURE(read_size);
        TcpPair pair;
        auto echoer = std::async(std::launch::async, [&pair, read_size] {
            return echo::echo_until_eof(pair.ours.fd(), -1, untraced(), EchoPath::fastest,
                                        read_size);
        });
        const std::string data = random_bytes(100'003, 17);
        CHECK(client_round(pair.theirs.fd(), data) == data);
        const EchoOutcome outcome = echoer.get();
        CHECK(outcome.end == EchoOutcome::End::peer_finished);
        CHECK(outcome.bytes == data.size());
        CHECK_FALSE(outcome.spliced); // --read-size is about our own reads
    }
}

TEST_CASE("Both echo paths report a peer that vanished", "[echo]") {
    for (const EchoPath path : {EchoPath::fastest, EchoPath::portable}) {
        CAPTURE(name(path));
        auto [ours, theirs] = socket_pair();
        const std::string data(1000, 'x');
        (void)echo::write_all(theirs.fd(), std::as_bytes(std::span(data)));
        theirs.reset(); // sent, then gone without reading: the echo has nowhere to go
        const EchoOutcome outcome = echo::echo_until_eof(ours.fd(), -1, untraced(), path);
        CHECK(outcome.end == EchoOutcome::End::failed);
        CHECK(std::string(outcome.failure.step) == "send to");
        CHECK(outcome.failure.error == EPIPE);
    }
}

TEST_CASE("Both echo paths stop when asked even with a peer that never reads", "[echo]") {
    for (const EchoPath path : {EchoPath::fastest, EchoPath::portable}) {
        CAPTURE(name(path));
        TcpPair pair;
        const Pipe stop;
        auto echoer = std::async(std::launch::async, [&pair, &stop, path] {
            return echo::echo_until_eof(pair.ours.fd(), stop.read_end.fd(), untraced(), path);
        });
        // Fill both directions until our writes block: the echoer is then stuck waiting to send.
        echo::set_nonblocking(pair.theirs.fd(), true);
        const std::string chunk(64 * 1024, 'f');
        std::size_t sent = 0;
        while (sent < 256 * 1024 * 1024) {
            const auto result = echo::write_some(pair.theirs.fd(), std::as_bytes(std::span(chunk)));
            if (result.status != echo::IoStatus::ok) {
                REQUIRE(result.status == echo::IoStatus::would_block);
                if (!echo::wait_for(pair.theirs.fd(), POLLOUT, 1s)) {
                    break; // nobody drains us any more: the echoer is blocked on its send
                }
                continue;
            }
            sent += result.bytes;
        }
        const char byte = 's';
        REQUIRE(::write(stop.write_end.fd(), &byte, 1) == 1);
        REQUIRE(echoer.wait_for(10s) == std::future_status::ready);
        const EchoOutcome outcome = echoer.get();
        CHECK(outcome.end == EchoOutcome::End::stopped);
        CHECK(outcome.bytes < sent);
    }
}

TEST_CASE("The portable loop carries on with bytes the fast path handed over", "[echo]") {
    TcpPair pair;
    const std::string handed = "already read by splice; ";
    const std::string rest = random_bytes(200 * 1024, 5);
    EchoOutcome so_far;
    so_far.bytes = 1000; // echoed before the hand-over
    auto echoer = std::async(std::launch::async, [&] {
        return echo::detail::echo_by_copy(pair.ours.fd(), -1, untraced(), so_far,
                                          std::as_bytes(std::span(handed)), 0);
    });
    const std::string echoed = client_round(pair.theirs.fd(), rest);
    const EchoOutcome outcome = echoer.get();
    CHECK(outcome.end == EchoOutcome::End::peer_finished);
    CHECK(outcome.bytes == 1000 + handed.size() + rest.size());
    CHECK(echoed == handed + rest);
}

TEST_CASE("echo_until_eof reports a peer that resets", "[pump]") {
    auto [ours, theirs] = socket_pair();
    // The peer sends, then vanishes without reading: our echo has nowhere to go.
    const std::string data(1000, 'x');
    (void)echo::write_all(theirs.fd(), std::as_bytes(std::span(data)));
    theirs.reset();
    const echo::EchoOutcome outcome = echo::echo_until_eof(ours.fd(), -1, untraced());
    CHECK(outcome.end == echo::EchoOutcome::End::failed);
    CHECK(std::string(outcome.failure.step) == "send to");
    CHECK(outcome.failure.error == EPIPE);
}

TEST_CASE("echo_until_eof stops when asked", "[pump]") {
    StreamPair link;
    Pipe stop;
    const char byte = 's';
    REQUIRE(::write(stop.write_end.fd(), &byte, 1) == 1);
    const echo::EchoOutcome outcome =
        echo::echo_until_eof(link.ours.fd(), stop.read_end.fd(), untraced());
    CHECK(outcome.end == echo::EchoOutcome::End::stopped);
}
