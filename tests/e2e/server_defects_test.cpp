// SPDX-License-Identifier: MIT
// Server defects of issue 11, end to end: urgent TCP data in every path, the
// UDP loop guard on a wildcard address, and the status lines of a flood of UDP
// senders.
#include "catch.hpp"
#include "forge.hpp"
#include "peers.hpp"
#include "proc.hpp"
#include "process.hpp"
#include "sockets.hpp"

#include "echo/address.hpp"
#include "echo/datagram.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"
#include "line_budget.hpp"
#include "loop_guard.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace echo::test;

// Catch2 v3 skips; v2 has no skip, so the test says why and CTest counts it as
// skipped (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt), never as passed.
#if defined(SKIP)
#define ECHO_SKIP(reason) SKIP(reason)
#else
#define ECHO_SKIP(reason)                                                                          \
    do {                                                                                           \
        WARN("SKIPPED: " << (reason));                                                             \
        return;                                                                                    \
    } while (false)
#endif

namespace {

// What `fd` receives until `count` bytes, the end of stream or `timeout`,
// whichever comes first.
std::string receive_up_to(int fd, std::size_t count, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string got;
    char chunk[4096];
    while (got.size() < count) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !echo::wait_for(fd, POLLIN, left)) {
            break;
        }
        const ssize_t n = ::recv(fd, chunk, std::min(sizeof(chunk), count - got.size()), 0);
        if (n <= 0) {
            break;
        }
        got.append(chunk, static_cast<std::size_t>(n));
    }
    return got;
}

void send_text(int fd, const std::string& text, int flags = 0) {
    REQUIRE(::send(fd, text.data(), text.size(), flags | MSG_NOSIGNAL) ==
            static_cast<ssize_t>(text.size()));
}

// The three ways the server echoes TCP: splice(2), its own buffer, and the -k event loop.
const std::vector<std::vector<std::string>> tcp_paths{{}, {"--no-splice"}, {"-k"}};

std::string path_name(const std::vector<std::string>& mode) {
    return mode.empty() ? "splice" : mode.front();
}

} // namespace

TEST_CASE("Urgent data is echoed inline and in order without spinning in every "
          "TCP path",
          "[e2e][oob]") {
    for (const std::vector<std::string>& mode : tcp_paths) {
        CAPTURE(path_name(mode));
        Server server(mode);
        const std::chrono::milliseconds cpu_before = cpu_time(server.process.pid());

        echo::Socket peer = connect_raw(server.port);
        const int on = 1;
        REQUIRE(::setsockopt(peer.fd(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == 0);
        send_text(peer.fd(), "abc");
        send_text(peer.fd(), "!", MSG_OOB);
        send_text(peer.fd(), "def");
        // The echo so far before the rest: a server stuck at the urgent mark shows
        // here (a bound, not a timing: the bytes come at once or never).
        const std::string first = receive_up_to(peer.fd(), 7, patience(2s));
        send_text(peer.fd(), "ghi");
        REQUIRE(::shutdown(peer.fd(), SHUT_WR) == 0);
        const std::string rest = receive_up_to(peer.fd(), 1000, patience(10s));
        const std::chrono::milliseconds cpu_after = cpu_time(server.process.pid());
        INFO("server CPU before " << cpu_before.count() << " ms, after " << cpu_after.count()
                                  << " ms");

        CHECK(first + rest == "abc!defghi");
        CHECK(cpu_after - cpu_before < patience(500ms));
        if (path_name(mode) == "-k") {
            server.process.wait_for_line("disconnected (10 bytes echoed)");
            server.process.signal(SIGTERM);
        }
        const auto done = server.process.finish("", 10s);
        CHECK(done.exit_code == 0);
        CHECK(done.err.find("disconnected (10 bytes echoed)") != std::string::npos);
    }
}

namespace {

std::string receive_datagram_text(const echo::Socket& socket) {
    REQUIRE(echo::wait_for(socket.fd(), POLLIN, 20s));
    std::string data(echo::datagram_buffer_size, '\0');
    const echo::Received got =
        echo::receive_datagram(socket.fd(), std::as_writable_bytes(std::span(data)), 0);
    REQUIRE(got.io.status == echo::IoStatus::ok);
    data.resize(got.io.bytes);
    return data;
}

} // namespace

TEST_CASE("The loop guard refuses our own port from any address of this host", "[udp][loop]") {
    const auto at = [](const std::string& host, std::uint16_t port) {
        return address(host, port, SOCK_DGRAM);
    };
    const std::vector<echo::Address> own{at("0.0.0.0", 5000), at("192.0.2.1", 5000)};
    const std::vector<echo::Address> host{at("198.51.100.7", 0), at("2001:db8::7", 0)};
    for (const char* local : {"127.0.0.1", "127.0.0.2", "127.255.255.254", "::1",
                              "::ffff:127.0.0.1", "::ffff:127.9.9.9", "::ffff:192.0.2.1",
                              "198.51.100.7", "::ffff:198.51.100.7", "2001:db8::7"}) {
        CAPTURE(local);
        CHECK(echo::loop_risk(at(local, 5000), own, host) ==
              "our own port on an address of this host");
        CHECK_FALSE(echo::loop_risk(at(local, 5001), own, host));
    }
    CHECK(echo::loop_risk(at("192.0.2.1", 5000), own, host) == "our own address");
    for (const char* elsewhere :
         {"192.0.2.2", "128.0.0.1", "126.255.255.255", "2001:db8::8", "::2", "::ffff:10.0.0.1"}) {
        CAPTURE(elsewhere);
        CHECK_FALSE(echo::loop_risk(at(elsewhere, 5000), own, host));
    }
    CHECK_FALSE(echo::loop_risk(at("127.0.0.1", 5000), {}, host)); // no port of ours to match

    const std::vector<echo::Address> interfaces = echo::host_addresses();
    CHECK(std::find(interfaces.begin(), interfaces.end(), at("127.0.0.1", 0)) != interfaces.end());
}

TEST_CASE("A UDP server on 0.0.0.0 refuses a datagram from its own port on "
          "another local address",
          "[udp][loop]") {
    Server server({"-u"}, "0.0.0.0");
    const std::chrono::milliseconds cpu_before = cpu_time(server.process.pid());
    const std::string port = server.port_text();
    const echo::Address to = address("127.0.0.1", server.port, SOCK_DGRAM);
    // Answered, it would go to 127.0.0.2:PORT, which is this very server again,
    // whose answer would go back to 127.0.0.1:PORT, and so on forever.
    if (const auto why_not =
            forge_datagram(address("127.0.0.2", server.port, SOCK_DGRAM), to, "loop?")) {
        ECHO_SKIP(*why_not);
    }
    const std::string said = server.process.wait_for_line("from 127.0.0.2:" + port);
    CHECK(said == "[+] Ignoring datagrams from 127.0.0.2:" + port +
                      ": our own port on an "
                      "address of this host could start an endless echo loop");

    // Still serving others.
    const echo::Socket normal = echo::bind_to(address("127.0.0.1", 0, SOCK_DGRAM), SOCK_DGRAM);
    REQUIRE(echo::send_datagram(normal.fd(), std::as_bytes(std::span(std::string_view("normal"))),
                                to, echo::Address(), 0)
                .status == echo::IoStatus::ok);
    CHECK(receive_datagram_text(normal) == "normal");
    const std::chrono::milliseconds cpu_after = cpu_time(server.process.pid());
    INFO("server CPU before " << cpu_before.count() << " ms, after " << cpu_after.count() << " ms");
    CHECK(cpu_after - cpu_before < patience(500ms));

    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    INFO("server said: " << done.err);
    CHECK(done.exit_code == 0);
    CHECK(done.err.find("; 1 datagram (6 bytes) echoed, 1 refused by the loop guard\n") !=
          std::string::npos);
}

namespace {

// The "[+] ... and N more WHAT in the last second" lines in `err`: how many, and the sum of N.
std::pair<std::size_t, std::uint64_t> omitted_lines(const std::string& err,
                                                    const std::string& what) {
    const std::string start = "[+] ... and ";
    const std::string end = " " + what + " in the last second";
    std::pair<std::size_t, std::uint64_t> found{0, 0};
    std::istringstream lines(err);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with(start) && line.ends_with(end)) {
            const std::string number =
                line.substr(start.size(), line.size() - start.size() - end.size());
            REQUIRE(number.find_first_not_of("0123456789") == std::string::npos);
            ++found.first;
            found.second += std::stoull(number);
        }
    }
    return found;
}

} // namespace

TEST_CASE("1100 UDP senders in turn make a bounded number of status lines", "[udp][flood]") {
    constexpr std::size_t senders = 1100;
    constexpr std::size_t rounds = 10;
    constexpr std::size_t window = 100; // datagrams in flight at once: none lost to a full buffer
    rlimit files{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &files) == 0);
    if (files.rlim_cur < senders + 100) {
        files.rlim_cur = std::min<rlim_t>(files.rlim_max, senders + 100);
        ::setrlimit(RLIMIT_NOFILE, &files);
        REQUIRE(::getrlimit(RLIMIT_NOFILE, &files) == 0);
        if (files.rlim_cur < senders + 100) {
            ECHO_SKIP("1100 sockets need a higher RLIMIT_NOFILE than " +
                      std::to_string(files.rlim_max));
        }
    }
    Server server({"-u"});
    const echo::Address to = address("127.0.0.1", server.port, SOCK_DGRAM);
    std::vector<echo::Socket> sockets;
    for (std::size_t i = 0; i < senders; ++i) {
        sockets.push_back(echo::bind_to(address("127.0.0.1", 0, SOCK_DGRAM), SOCK_DGRAM));
    }

    const auto start = std::chrono::steady_clock::now();
    std::size_t echoed = 0;
    bool stalled = false;
    const std::string payload = "flood";
    std::string data(echo::datagram_buffer_size, '\0');
    for (std::size_t round = 0; round < rounds && !stalled; ++round) {
        for (std::size_t first = 0; first < senders && !stalled; first += window) {
            const std::size_t end = std::min(senders, first + window);
            for (std::size_t i = first; i < end; ++i) {
                REQUIRE(echo::send_datagram(sockets[i].fd(), std::as_bytes(std::span(payload)), to,
                                            echo::Address(), 0)
                            .status == echo::IoStatus::ok);
            }
            for (std::size_t i = first; i < end && !stalled; ++i) {
                // A server that blocks on its own stderr (a pipe nobody reads until the
                // end) stops echoing: then stop sending and count what it said.
                stalled = !echo::wait_for(sockets[i].fd(), POLLIN, patience(5s));
                if (!stalled) {
                    const echo::Received got = echo::receive_datagram(
                        sockets[i].fd(), std::as_writable_bytes(std::span(data)), 0);
                    echoed += got.io.status == echo::IoStatus::ok ? 1 : 0;
                }
            }
        }
    }
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start)
            .count();
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 30s);
    CHECK(done.exit_code == 0);

    const std::size_t lines = count_of(done.err, "\n");
    const std::size_t named = count_of(done.err, "[+] First datagram from ");
    const auto [summaries, omitted] = omitted_lines(done.err, "more new senders");
    INFO(lines << " lines (" << done.err.size() << " bytes) in " << seconds << " s, " << named
               << " senders named, " << omitted << " omitted in " << summaries << " summaries, "
               << echoed << " datagrams echoed");
    CHECK(echoed == senders * rounds);
    // At most 10 new senders named a second and one summary: a bound that no slow
    // machine can break, however long the flood takes, while the old
    // one-line-per-datagram made 11,000.
    CHECK(lines <= std::max<std::size_t>(200, 12 * (static_cast<std::size_t>(seconds) + 3)));
    CHECK(summaries >= 1);
    CHECK(named + omitted >= senders);          // every sender is new once
    CHECK(named + omitted <= senders * rounds); // and at most once a datagram
}

TEST_CASE("A line budget says 10 lines a second and counts the rest, on fake time",
          "[udp][flood]") {
    using echo::LineBudget;
    const LineBudget::Clock::time_point t0{std::chrono::hours(1)};
    LineBudget budget(10);
    CHECK_FALSE(budget.due());
    CHECK(budget.omitted(t0) == 0);
    for (int i = 0; i < 10; ++i) {
        CHECK(budget.admit(t0 + i * 10ms));
    }
    CHECK_FALSE(budget.due()); // nothing unsaid yet
    for (int i = 0; i < 25; ++i) {
        CHECK_FALSE(budget.admit(t0 + 500ms));
    }
    REQUIRE(budget.due());
    CHECK(*budget.due() == t0 + 1s);        // when the window that began at t0 is over
    CHECK(budget.omitted(t0 + 999ms) == 0); // not yet over
    CHECK(budget.omitted(t0 + 1s) == 25);
    CHECK(budget.omitted(t0 + 1s) == 0); // said once
    CHECK_FALSE(budget.due());

    // A new window opens with the next event, not on the clock: 10 more lines, then counting.
    const auto t1 = t0 + std::chrono::seconds(5);
    for (int i = 0; i < 10; ++i) {
        CHECK(budget.admit(t1));
    }
    CHECK_FALSE(budget.admit(t1 + 999ms));
    // An event after the window closed, before anyone asked: the count waits, a new window opens.
    CHECK(budget.admit(t1 + 1s));
    REQUIRE(budget.due());
    CHECK(*budget.due() <= t1 + 1s); // due at once
    CHECK(budget.omitted(t1 + 1s) == 1);
    CHECK_FALSE(budget.due());

    // At the end, whatever is unsaid, its window over or not.
    for (int i = 0; i < 9; ++i) {
        CHECK(budget.admit(t1 + 1500ms));
    }
    CHECK_FALSE(budget.admit(t1 + 1600ms));
    CHECK_FALSE(budget.admit(t1 + 1700ms));
    CHECK(budget.omitted(t1 + 1800ms) == 0);
    CHECK(budget.omitted_at_end() == 2);
    CHECK(budget.omitted_at_end() == 0);

    LineBudget none(0, 100ms); // says nothing, counts all
    CHECK_FALSE(none.admit(t0));
    CHECK(none.omitted(t0 + 100ms) == 1);
}

TEST_CASE("Forged datagrams from 12 refused senders make at most 10 lines and a count",
          "[udp][loop]") {
    Server server({"-u"});
    const echo::Address to = address("127.0.0.1", server.port, SOCK_DGRAM);
    constexpr int senders = 12;
    for (int i = 1; i <= senders; ++i) {
        const echo::Address from = address("127.0.0." + std::to_string(i), 7, SOCK_DGRAM);
        if (const auto why_not = forge_datagram(from, to, "loop?")) {
            ECHO_SKIP(*why_not);
        }
    }
    // Dealt with in order on one socket: once this echo is back, so were the forged ones.
    const echo::Socket normal = echo::bind_to(address("127.0.0.1", 0, SOCK_DGRAM), SOCK_DGRAM);
    REQUIRE(echo::send_datagram(normal.fd(), std::as_bytes(std::span(std::string_view("normal"))),
                                to, echo::Address(), 0)
                .status == echo::IoStatus::ok);
    CHECK(receive_datagram_text(normal) == "normal");
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    INFO("server said: " << done.err);
    CHECK(done.exit_code == 0);
    const std::size_t named = count_of(done.err, "[+] Ignoring datagrams from 127.0.0.");
    const auto [summaries, omitted] =
        omitted_lines(done.err, "more senders ignored by the loop guard");
    CHECK(named + omitted == senders); // each said or counted, once
    CHECK(named >= 10); // 10 fit in the first second; the count, if any, at the stop at the latest
    CHECK(summaries == (omitted > 0 ? 1 : 0));
    CHECK(done.err.find(", 12 refused by the loop guard\n") != std::string::npos);
}

TEST_CASE("Urgent data whose FIN came before the server reached it is echoed in every TCP path",
          "[e2e][oob]") {
    // The peer sends a megabyte, an urgent byte, three more and its FIN before it reads any echo:
    // with a small receive buffer it takes its echo slowly, so the server is still echoing the
    // megabyte when everything else, the FIN too, has arrived. Reaching the urgent byte then,
    // the server must not take the FIN for the end of what it owes.
    const std::string bulk = random_bytes(1024 * 1024, 11);
    const std::string expected = bulk + "!" + "def";
    for (const std::vector<std::string>& mode : tcp_paths) {
        CAPTURE(path_name(mode));
        Server server(mode);
        const echo::Address to = address("127.0.0.1", server.port, SOCK_STREAM);
        const echo::Socket peer = echo::open_socket(AF_INET, SOCK_STREAM);
        const int small = 4096;
        REQUIRE(::setsockopt(peer.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) == 0);
        const timeval bound{10, 0}; // a send that cannot finish fails the test, not hangs it
        REQUIRE(::setsockopt(peer.fd(), SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof(bound)) == 0);
        REQUIRE(::connect(peer.fd(), to.data(), to.size()) == 0);
        send_text(peer.fd(), bulk);
        send_text(peer.fd(), "!", MSG_OOB);
        send_text(peer.fd(), "def");
        REQUIRE(::shutdown(peer.fd(), SHUT_WR) == 0);
        const std::string echoed = receive_up_to(peer.fd(), expected.size() + 1, patience(20s));
        CHECK(echoed.size() == expected.size());
        CHECK((echoed == expected)); // a megabyte is no message: no expansion
        if (path_name(mode) == "-k") {
            server.process.wait_for_line("disconnected (");
            server.process.signal(SIGTERM);
        }
        const auto done = server.process.finish("", 10s);
        INFO("server said: " << done.err);
        CHECK(done.exit_code == 0);
        CHECK(done.err.find("disconnected (" + std::to_string(expected.size()) +
                            " bytes echoed)") != std::string::npos);
    }
}

TEST_CASE("Urgent data sent while the connection waits in the backlog is echoed inline",
          "[e2e][oob][keepopen]") {
    // -k with one slot: `waiting` queues in the backlog until `holder` leaves, and sends its
    // urgent bytes before the server accepts it. Two urgent bytes in a row: with urgent data out
    // of band, the second one hides the first, which is then lost.
    Server server({"-k", "--max-clients", "1"});
    const auto connect = [&server] { return connect_raw(server.port); };
    echo::Socket holder = connect();
    server.process.wait_for_line("Client connected");
    echo::Socket waiting = connect();
    send_text(waiting.fd(), "A", MSG_OOB);
    send_text(waiting.fd(), "B", MSG_OOB);
    send_text(waiting.fd(), "C");
    REQUIRE(::shutdown(waiting.fd(), SHUT_WR) == 0);
    holder.reset(); // the slot frees: now the server accepts `waiting`
    CHECK(receive_up_to(waiting.fd(), 1000, patience(10s)) == "ABC");
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", patience(10s));
    CHECK(done.err.find("disconnected (3 bytes echoed)") != std::string::npos);
}
