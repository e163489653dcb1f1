// SPDX-License-Identifier: MIT
// The abuse limits end to end: --max-per-address with -k (one address limited while another is
// served) and --rate with --udp (a flood cut to the rate while another sender is answered).
#include "catch.hpp"
#include "forge.hpp"
#include "process.hpp"
#include "sockets.hpp"

#include "echo/address.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/socket.hpp"

#include <chrono>
#include <csignal>
#include <cstdint>
#include <sstream>
#include <string>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace echo::test;
using echo::Socket;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int no_flags = 0;

// A blocking socket of `socktype` bound to `source` (any port) and connected to the server on
// 127.0.0.1: on Linux the whole of 127.0.0.0/8 is loopback, so each source is a separate host
// for the server.
Socket connect_from(const std::string& source, std::uint16_t port, int socktype = SOCK_STREAM) {
    Socket socket(::socket(AF_INET, socktype | SOCK_CLOEXEC, 0));
    REQUIRE(socket);
    const echo::Address from = address(source, 0, socktype);
    REQUIRE(::bind(socket.fd(), from.data(), from.size()) == 0);
    const echo::Address to = address("127.0.0.1", port, socktype);
    REQUIRE(::connect(socket.fd(), to.data(), to.size()) == 0);
    return socket;
}

std::string name_of(const Socket& socket) {
    return echo::local_address(socket.fd()).to_string();
}

// Sends `text` and reads as many bytes back, each wait bounded.
std::string echo_of(const Socket& peer, const std::string& text) {
    REQUIRE(echo::write_all(peer.fd(), bytes(text)).status == echo::IoStatus::ok);
    std::string got;
    char chunk[256];
    while (got.size() < text.size()) {
        REQUIRE(echo::wait_for(peer.fd(), POLLIN, patience(20s)));
        const ssize_t n = ::recv(peer.fd(), chunk, sizeof(chunk), no_flags);
        if (n <= 0) {
            break;
        }
        got.append(chunk, static_cast<std::size_t>(n));
    }
    return got;
}

// The datagram echoes waiting on `socket` now, counted without waiting.
int echoes_waiting(const Socket& socket) {
    int count = 0;
    char datagram[2048];
    while (::recv(socket.fd(), datagram, sizeof(datagram), MSG_DONTWAIT) >= 0) {
        ++count;
    }
    return count;
}

// Sends ten datagrams from `sender`, each answered before the next goes: as the server takes a
// socket's datagrams in order, every datagram sent before these has been dealt with once they
// are all echoed. Loopback may lose a datagram when the machine is busy: a probe unanswered
// after two seconds is sent again, twice at most (the test checks apart that the sender was
// never over its rate).
int answered_of_ten(const Socket& sender) {
    int answered = 0;
    for (int i = 0; i < 10; ++i) {
        const std::string text = "probe " + std::to_string(i);
        for (int attempt = 0; attempt < 3; ++attempt) {
            REQUIRE(::send(sender.fd(), text.data(), text.size(), no_flags) ==
                    static_cast<ssize_t>(text.size()));
            char datagram[64];
            if (echo::wait_for(sender.fd(), POLLIN, patience(2s)) &&
                ::recv(sender.fd(), datagram, sizeof(datagram), no_flags) ==
                    static_cast<ssize_t>(text.size())) {
                ++answered;
                break;
            }
        }
    }
    return answered;
}

// The most datagrams a source may have echoed over `elapsed` at `rate` a second: a burst of
// `rate`, then the rate, plus one for the rounding of the clock.
std::uint64_t rate_bound(std::uint64_t rate, Clock::duration elapsed) {
    const auto micros = std::chrono::ceil<std::chrono::microseconds>(elapsed).count();
    return rate + (rate * static_cast<std::uint64_t>(micros) + 999'999) / 1'000'000 + 1;
}

// The number before `label` in the server's stop summary, e.g. "12 datagrams" or "3 dropped".
std::uint64_t summary_count(const std::string& err, const std::string& label) {
    const std::size_t summary = err.rfind("Stopped by signal");
    REQUIRE(summary != std::string::npos);
    const std::size_t at = err.find(label, summary);
    if (at == std::string::npos) {
        return 0;
    }
    std::size_t start = err.rfind(' ', at - 2) + 1;
    if (err[start] == '(') {
        ++start;
    }
    return std::stoull(err.substr(start, at - 1 - start));
}

} // namespace

TEST_CASE("Max-per-address refuses one address's extra peers while another is served",
          "[e2e][limits]") {
    Server server({"-k", "--max-per-address", "2", "--max-clients", "8"});
    const Socket first = connect_from("127.0.0.1", server.port);
    const Socket second = connect_from("127.0.0.1", server.port);
    CHECK(echo_of(first, "one") == "one");
    CHECK(echo_of(second, "two") == "two");

    // A third peer from the same address is accepted and closed at once: it reads the end (or a
    // reset, as its byte was never read), never an echo.
    const Socket third = connect_from("127.0.0.1", server.port);
    REQUIRE(echo::write_all(third.fd(), bytes("x")).status == echo::IoStatus::ok);
    CHECK(read_to_eof(third.fd()).empty());
    server.process.wait_for_line("Refusing " + name_of(third) +
                                 ": 2 peers from its address already (--max-per-address)");

    // Another address is served meanwhile, and the first two still are.
    const Socket other = connect_from("127.0.0.2", server.port);
    CHECK(echo_of(other, "other host") == "other host");
    CHECK(echo_of(first, "still") == "still");

    // When one of them leaves, its address may have a peer again.
    const std::string first_name = name_of(first);
    REQUIRE(::shutdown(first.fd(), SHUT_WR) == 0);
    CHECK(read_to_eof(first.fd()).empty());
    server.process.wait_for_line("Client " + first_name + " disconnected");
    const Socket again = connect_from("127.0.0.1", server.port);
    CHECK(echo_of(again, "again") == "again");

    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 20s);
    CHECK(done.exit_code == 0);
    CHECK(done.err.find("Served 4 clients, 26 bytes echoed, 1 refused by --max-per-address") !=
          std::string::npos);
}

TEST_CASE(
    "The rate limit cuts a flood from one address to the rate while another sender is answered",
    "[e2e][limits]") {
    constexpr std::uint64_t rate = 50;
    constexpr int flood = 2000;
    Server server({"-u", "--rate", std::to_string(rate)});
    const Socket flooder = connect_from("127.0.0.3", server.port, SOCK_DGRAM);
    const Socket other = connect_from("127.0.0.4", server.port, SOCK_DGRAM);

    const Clock::time_point start = Clock::now();
    for (int i = 0; i < flood; ++i) {
        REQUIRE(::send(flooder.fd(), "flood", 5, no_flags) == 5);
    }
    const int answered = answered_of_ten(other);
    const int flood_echoes = echoes_waiting(flooder);
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 20s);
    const Clock::duration elapsed = Clock::now() - start;
    const std::uint64_t bound = rate_bound(rate, elapsed);
    INFO("elapsed " << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                    << " ms, bound " << bound << ", flood echoes " << flood_echoes << "\n"
                    << done.err);

    CHECK(done.exit_code == 0);
    CHECK(answered == 10); // a sender of its own: within its own rate
    CHECK(done.err.find("Datagrams from " + name_of(other)) == std::string::npos);
    CHECK(flood_echoes > 0);
    CHECK(static_cast<std::uint64_t>(flood_echoes) <= bound);
    const std::uint64_t echoed = summary_count(done.err, "datagrams (");
    const std::uint64_t dropped = summary_count(done.err, "dropped by --rate");
    CHECK(echoed <= bound + 10);
    CHECK(dropped > 0); // not all the rest: the kernel drops some of a flood before we see it
    CHECK(done.err.find("Datagrams from " + name_of(flooder) + " exceed --rate 50 a second") !=
          std::string::npos);
}

TEST_CASE("The rate limit takes a forged flood by address, whatever its ports", "[e2e][limits]") {
    constexpr std::uint64_t rate = 50;
    constexpr int flood = 500;
    Server server({"-u", "--rate", std::to_string(rate)});
    const echo::Address to = address("127.0.0.1", server.port);
    const Socket other = connect_from("127.0.0.4", server.port, SOCK_DGRAM);

    const Clock::time_point start = Clock::now();
    for (int i = 0; i < flood; ++i) {
        const auto port = static_cast<std::uint16_t>(20000 + i); // a new port each time
        if (const auto why_not = forge_datagram(address("127.0.0.5", port), to, "forged")) {
            WARN("SKIPPED: needs root (" << *why_not << ")");
            return;
        }
    }
    const int answered = answered_of_ten(other);
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 20s);
    const std::uint64_t bound = rate_bound(rate, Clock::now() - start);
    INFO("bound " << bound << "\n" << done.err);

    CHECK(done.exit_code == 0);
    CHECK(answered == 10);
    CHECK(done.err.find("Datagrams from " + name_of(other)) == std::string::npos);
    CHECK(done.err.find("Datagrams from 127.0.0.5:") != std::string::npos);
    CHECK(summary_count(done.err, "datagrams (") <= bound + 10);
    CHECK(summary_count(done.err, "dropped by --rate") > 0);
}

TEST_CASE("Refused peers are named at most ten a second, the rest counted", "[e2e][limits]") {
    constexpr std::uint64_t refused = 40;
    Server server({"-k", "--max-per-address", "1"});
    const Socket kept = connect_from("127.0.0.1", server.port);
    CHECK(echo_of(kept, "kept") == "kept");

    const Clock::time_point start = Clock::now();
    for (std::uint64_t i = 0; i < refused; ++i) {
        const Socket extra = connect_from("127.0.0.1", server.port);
        CHECK(read_to_eof(extra.fd()).empty());
    }
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start);
    CHECK(echo_of(kept, "still") == "still"); // its peer stays served throughout
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 20s);
    INFO(done.err);

    std::uint64_t named = 0;
    std::uint64_t counted = 0;
    std::istringstream lines(done.err);
    for (std::string line; std::getline(lines, line);) {
        named += line.starts_with("[+] Refusing 127.0.0.1:") ? 1U : 0U;
        const std::string more = "[+] ... and ";
        if (line.starts_with(more) &&
            line.find("refused by --max-per-address") != std::string::npos) {
            counted += std::stoull(line.substr(more.size()));
        }
    }
    // Each second's window names ten; the loop's windows fit in the seconds elapsed, plus one.
    CHECK(named <= 10 * (static_cast<std::uint64_t>(seconds.count()) + 2));
    CHECK(named + counted == refused);
    CHECK(done.err.find("40 refused by --max-per-address") != std::string::npos);
}
