// SPDX-License-Identifier: MIT
// echo-server -k end to end: many peers at once, limits, idle timeouts, back-pressure, faults.
#include "catch.hpp"
#include "peers.hpp"
#include "proc.hpp"
#include "process.hpp"
#include "sockets.hpp"
#include "trace_lines.hpp"

#include "echo/address.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace echo::test;
using echo::Socket;

namespace {

// A non-blocking connected socket, as many clients at once need.
Socket connect_to(std::uint16_t port, const std::string& host = "127.0.0.1") {
    const auto addresses = echo::resolve(host, port, echo::Family::any, SOCK_STREAM, false);
    return echo::connect_any(addresses, SOCK_STREAM, 10s);
}

// How the server names this peer in its status lines.
std::string name_of(const Socket& peer) {
    return echo::local_address(peer.fd()).to_string();
}

void send_text(const Socket& peer, const std::string& text) {
    REQUIRE(echo::write_all(peer.fd(), std::as_bytes(std::span(text))).status ==
            echo::IoStatus::ok);
}

// Reads exactly `count` bytes, each wait bounded.
std::string receive(const Socket& peer, std::size_t count) {
    std::string got;
    char chunk[65536];
    while (got.size() < count) {
        REQUIRE(echo::wait_for(peer.fd(), POLLIN, 20s));
        const ssize_t n = ::read(peer.fd(), chunk, std::min(sizeof(chunk), count - got.size()));
        if (n == 0) {
            break;
        }
        if (n > 0) {
            got.append(chunk, static_cast<std::size_t>(n));
        }
    }
    return got;
}

// One message out, its echo back: proof that the server is serving this peer.
void round_trip(const Socket& peer, const std::string& text) {
    send_text(peer, text);
    CHECK(receive(peer, text.size()) == text);
}

// Waits for `n` more status lines containing `needle`, which also keeps the server's stderr pipe
// from filling up.
void wait_for_lines(Process& server, const std::string& needle, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        server.wait_for_line(needle, 20s);
    }
}

// Before opening hundreds of sockets: CI may start us with a soft limit of 1024.
void raise_descriptor_limit(rlim_t wanted) {
    rlimit limit{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &limit) == 0);
    }
    INFO("RLIMIT_NOFILE hard limit " << limit.rlim_max);
    REQUIRE(limit.rlim_cur >= wanted);
}

} // namespace

TEST_CASE("keep-open serves 200 peers at once each echoing 64 KiB", "[keepopen]") {
    raise_descriptor_limit(400);
    Server server({"-k"});
    std::vector<Socket> peers;
    std::vector<std::string> data;
    for (std::uint32_t i = 0; i < 200; ++i) {
        peers.push_back(connect_to(server.port));
        data.push_back(random_bytes(64 * 1024, 1000 + i));
    }
    const std::vector<std::string> got = exchange_all(peers, data);
    for (std::size_t i = 0; i < peers.size(); ++i) {
        CAPTURE(i);
        CHECK(got[i].size() == data[i].size());
        CHECK(got[i] == data[i]);
    }
    wait_for_lines(server.process, "bytes echoed)", 200);
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 20s);
    CHECK(done.exit_code == 0);
    CHECK(count_of(done.err, "[+] Client connected: 127.0.0.1:") == 200);
    CHECK(count_of(done.err, " disconnected (65536 bytes echoed)\n") == 200);
    CHECK(done.err.find("[+] Served 200 clients, 13107200 bytes echoed\n") != std::string::npos);
}

TEST_CASE("keep-open serves 1000 peers one after another and ends with the descriptors it began "
          "with",
          "[keepopen]") {
    Server server({"-k"});
    round_trip(connect_to(server.port), "the loop runs: it has all its own descriptors now");
    server.process.wait_for_line(" disconnected (", 20s);
    const std::size_t descriptors = open_descriptors(server.process.pid());
    for (int i = 0; i < 1000; ++i) {
        Socket peer = connect_to(server.port);
        const std::string message = "peer " + std::to_string(i);
        send_text(peer, message);
        REQUIRE(::shutdown(peer.fd(), SHUT_WR) == 0);
        REQUIRE(read_to_eof(peer.fd()) == message);
        const std::string line = server.process.wait_for_line(" disconnected (", 20s);
        CHECK(line == "[+] Client " + name_of(peer) + " disconnected (" +
                          std::to_string(message.size()) + " bytes echoed)");
    }
    CHECK(open_descriptors(server.process.pid()) == descriptors);
    round_trip(connect_to(server.port), "still serving");
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 20s);
    CHECK(done.exit_code == 0);
    CHECK(done.err.find("[+] Served 1002 clients, ") != std::string::npos);
}

TEST_CASE("max-clients 2 holds a third peer in the backlog until a slot frees", "[keepopen]") {
    Server server({"-k", "--max-clients", "2"});
    Socket first = connect_to(server.port);
    Socket second = connect_to(server.port);
    round_trip(first, "first");
    round_trip(second, "second");

    // The kernel completes the third's handshake (the listen backlog), so its connect succeeds
    // and it can send; but nothing reads it while two peers are served.
    Socket third = connect_to(server.port);
    send_text(third, "third");
    CHECK_FALSE(echo::wait_for(third.fd(), POLLIN, 500ms));
    round_trip(second, "second again"); // the server is not stuck, only full

    first.reset(); // a slot frees: the third is accepted, not dropped, and gets its echo
    CHECK(receive(third, 5) == "third");
    round_trip(third, " and more");

    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 20s);
    CHECK(done.exit_code == 0);
    CHECK(count_of(done.err, "Client connected: ") == 3);
    // The third was accepted only after the first left.
    const std::size_t first_left = done.err.find("disconnected (5 bytes echoed)");
    const std::size_t third_came = done.err.find("Client connected: " + name_of(third));
    CHECK(first_left != std::string::npos);
    CHECK(third_came != std::string::npos);
    CHECK(first_left < third_came);
}

TEST_CASE("idle-timeout 1 closes a silent peer while a busy one stays", "[keepopen]") {
    Server server({"-k", "--idle-timeout", "1"});
    const auto start = std::chrono::steady_clock::now();
    Socket silent = connect_to(server.port);
    Socket busy = connect_to(server.port);
    // The busy peer talks every 100 ms until the silent one is closed (bounded: 200 rounds).
    bool closed = false;
    for (int round = 0; round < 200 && !closed; ++round) {
        round_trip(busy, "tick");
        closed = echo::wait_for(silent.fd(), POLLIN, 100ms);
    }
    REQUIRE(closed);
    CHECK(read_to_eof(silent.fd()).empty());
    CHECK(std::chrono::steady_clock::now() - start >= 1s); // never before its time
    round_trip(busy, "still here");

    const std::string silent_name = name_of(silent);
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 20s);
    CHECK(done.exit_code == 0);
    CHECK(done.err.find("[+] Client " + silent_name + " idle for 1 s, closing\n[+] Client " +
                        silent_name + " disconnected (0 bytes echoed)\n") != std::string::npos);
    CHECK(count_of(done.err, "idle for") == 1);
    CHECK(done.err.find("Stopped by signal; 1 client dropped") != std::string::npos);
}

TEST_CASE("A peer that does not read its echo neither stalls another peer nor swells the server",
          "[keepopen][memory]") {
    Server server({"-k"});
    const pid_t pid = server.process.pid();
    const long rss_before = memory_kib(pid, "VmRSS");
    Socket hog = connect_to(server.port);
    Socket other = connect_to(server.port);
    round_trip(other, "before");

    // The hog writes without reading until the server stops taking its bytes (nothing more is
    // accepted for 200 ms), or 48 MiB have gone, whichever comes first.
    const std::size_t limit = 48 * 1024 * 1024;
    const std::string pattern = random_bytes(1024 * 1024, 5);
    std::size_t pushed = 0;
    while (pushed < limit) {
        const std::size_t at = pushed % pattern.size();
        const ssize_t n = ::write(hog.fd(), pattern.data() + at, pattern.size() - at);
        if (n > 0) {
            pushed += static_cast<std::size_t>(n);
        } else {
            REQUIRE(errno == EAGAIN);
            if (!echo::wait_for(hog.fd(), POLLOUT, 200ms)) {
                break;
            }
        }
    }
    INFO("the hog pushed " << pushed << " bytes before the server stopped reading it");
    CHECK(pushed < limit);

    // The other peer is served as usual, all the while.
    for (int i = 0; i < 20; ++i) {
        round_trip(other, random_bytes(4096, static_cast<std::uint32_t>(i)));
    }
    const long peak = memory_kib(pid, "VmHWM");
    INFO("server VmRSS before " << rss_before << " KiB, VmHWM after the push " << peak << " KiB");
    CHECK(peak < rss_before + 4 * 1024); // bounded buffers: nowhere near the MiBs pushed

    // Now the hog reads: every byte it pushed comes back, in order.
    REQUIRE(::shutdown(hog.fd(), SHUT_WR) == 0);
    const std::string echoed = read_to_eof(hog.fd());
    REQUIRE(echoed.size() == pushed);
    for (std::size_t at = 0; at < pushed; at += pattern.size()) {
        const std::size_t n = std::min(pattern.size(), pushed - at);
        REQUIRE(echoed.compare(at, n, pattern, 0, n) == 0);
    }
    round_trip(other, "after");
}

TEST_CASE("Under RLIMIT_NOFILE 32, 60 peers wait without spinning and are served once others "
          "leave",
          "[keepopen]") {
    // prlimit (util-linux) sets the limit, then runs the server in its own process.
    Process server(
        {"prlimit", "--nofile=32:32", server_path(), "-k", "-H", "127.0.0.1", "-p", "0"});
    const std::uint16_t port = server.wait_listening();
    std::map<std::string, std::size_t> by_name;
    std::vector<Socket> peers;
    for (std::size_t i = 0; i < 60; ++i) {
        peers.push_back(connect_to(port));
        by_name[name_of(peers.back())] = i;
        send_text(peers.back(), "peer " + std::to_string(i) + "\n");
    }
    server.wait_for_line("accept: Too many open files", 20s);

    // Those it could accept are served; the others wait in the backlog, unread.
    std::vector<bool> served(peers.size(), false);
    std::size_t served_count = 0;
    for (std::size_t at = server.err().find("Client connected: "); at != std::string::npos;
         at = server.err().find("Client connected: ", at + 1)) {
        const std::size_t begin = at + std::string("Client connected: ").size();
        const std::string name = server.err().substr(begin, server.err().find('\n', at) - begin);
        REQUIRE(by_name.count(name) == 1);
        served[by_name[name]] = true;
        ++served_count;
    }
    INFO(served_count << " peers served under the limit");
    REQUIRE(served_count > 0);
    REQUIRE(served_count < 32);
    for (std::size_t i = 0; i < peers.size(); ++i) {
        if (served[i]) {
            const std::string message = "peer " + std::to_string(i) + "\n";
            CHECK(receive(peers[i], message.size()) == message);
        }
    }

    // Over a second of this, the server must sleep, not spin on accept(2): its CPU time is
    // nowhere near the time that passed. The waiting peers get no echo meanwhile.
    const std::chrono::milliseconds cpu_before = cpu_time(server.pid());
    const auto wall_before = std::chrono::steady_clock::now();
    std::vector<pollfd> waiting;
    for (std::size_t i = 0; i < peers.size(); ++i) {
        if (!served[i]) {
            waiting.push_back({peers[i].fd(), POLLIN, 0});
        }
    }
    CHECK(::poll(waiting.data(), waiting.size(), 1000) == 0);
    for (std::size_t i = 0; i < peers.size(); ++i) {
        if (served[i]) {
            round_trip(peers[i], "still served"); // those connected keep being served
        }
    }
    const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - wall_before);
    const std::chrono::milliseconds cpu = cpu_time(server.pid()) - cpu_before;
    INFO("server CPU " << cpu.count() << " ms over " << wall.count() << " ms");
    CHECK(cpu * 2 < wall);

    // The served peers leave; every waiting one is then accepted and served.
    for (std::size_t i = 0; i < peers.size(); ++i) {
        if (served[i]) {
            peers[i].reset();
        }
    }
    for (std::size_t i = 0; i < peers.size(); ++i) {
        if (!served[i]) {
            const std::string message = "peer " + std::to_string(i) + "\n";
            CHECK(receive(peers[i], message.size()) == message);
            peers[i].reset();
        }
    }
    round_trip(connect_to(port), "and a newcomer");

    server.signal(SIGTERM);
    const auto done = server.finish("", 20s);
    CHECK(done.exit_code == 0);
    CHECK(count_of(done.err, "Too many open files") == 1); // logged once, not once per retry
    CHECK(count_of(done.err, "Client connected: ") == 61); // none accepted and dropped
    CHECK(done.err.find("[+] Served 61 clients, ") != std::string::npos);
}

TEST_CASE("Twenty peers resetting mid-stream end only themselves", "[keepopen]") {
    Server server({"-k"});
    Socket steady = connect_to(server.port);
    round_trip(steady, "steady"); // the loop runs: it has all its own descriptors now
    const std::size_t descriptors = open_descriptors(server.process.pid());

    std::vector<Socket> resetters;
    std::vector<std::string> names;
    const std::string data = random_bytes(256 * 1024, 9);
    for (int i = 0; i < 20; ++i) {
        resetters.push_back(connect_to(server.port));
        names.push_back(name_of(resetters.back()));
    }
    wait_for_lines(server.process, "Client connected: ", 21);
    for (Socket& peer : resetters) {
        // As much as goes without blocking, and read nothing: the server is mid-echo.
        for (std::size_t sent = 0; sent < data.size();) {
            const ssize_t n = ::write(peer.fd(), data.data() + sent, data.size() - sent);
            if (n <= 0) {
                break;
            }
            sent += static_cast<std::size_t>(n);
        }
    }
    round_trip(steady, "in between");
    for (Socket& peer : resetters) {
        reset_on_close(peer.fd());
        peer.reset(); // unread echo and linger 0: a reset
    }
    wait_for_lines(server.process, " disconnected (", 20);
    round_trip(steady, "unharmed");
    CHECK(open_descriptors(server.process.pid()) == descriptors);
    round_trip(connect_to(server.port), "newcomer");
    server.process.wait_for_line("disconnected (8 bytes echoed)", 20s);

    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 20s);
    CHECK(done.exit_code == 0);
    for (const std::string& name : names) {
        CAPTURE(name);
        CHECK(count_of(done.err, "[+] Client " + name + " disconnected (") == 1);
    }
    // One line each naming the peer and the cause; a peer's fault is not the server's error.
    CHECK(count_of(done.err, ": Connection reset by peer\n") +
              count_of(done.err, ": Broken pipe\n") ==
          20);
    CHECK(count_of(done.err, "echo-server: ") == 0);
    CHECK(done.err.find("Stopped by signal; 1 client dropped") != std::string::npos);
}

TEST_CASE("SIGTERM with 50 peers connected exits 0", "[keepopen]") {
    Server server({"-k"});
    std::vector<Socket> peers;
    for (int i = 0; i < 50; ++i) {
        peers.push_back(connect_to(server.port));
        round_trip(peers.back(), "hello");
    }
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    CHECK(done.exit_code == 0);
    CHECK(done.err.find("[+] Stopped by signal; 50 clients dropped\n"
                        "[+] Served 50 clients, 250 bytes echoed\n") != std::string::npos);
    for (const Socket& peer : peers) {
        CHECK(read_to_eof(peer.fd()).empty()); // the server let go of every peer
    }
}

TEST_CASE("keep-open status lines are the default mode's, one pair per peer", "[keepopen]") {
    Server server({"-k"});
    const auto first = run({client_path(), "-H", "127.0.0.1", "-p", server.port_text()});
    const auto second = run({client_path(), "-H", "127.0.0.1", "-p", server.port_text(), "hi"});
    CHECK(first.out == "Hola, servidor!\n");
    CHECK(second.out == "hi\n");
    wait_for_lines(server.process, " disconnected (", 2);
    server.process.signal(SIGINT);
    const auto done = server.process.finish("", 10s);
    CHECK(done.exit_code == 0);
    std::istringstream lines(done.err);
    std::vector<std::string> line;
    for (std::string text; std::getline(lines, text);) {
        line.push_back(text);
    }
    // The loopback hint's two lines follow the Listening line; the rest is the status lines.
    REQUIRE(line.size() == 9);
    CHECK(line[1].rfind("[hint] ", 0) == 0);
    CHECK(line[2].rfind("[hint] ", 0) == 0);
    line.erase(line.begin() + 1, line.begin() + 3);
    const std::string prefix = "[+] Client connected: 127.0.0.1:";
    CHECK(line[0] == "[+] Listening on 127.0.0.1:" + server.port_text() + " (TCP)");
    CHECK(line[1].rfind(prefix, 0) == 0);
    CHECK(line[2] == "[+] Client " + line[1].substr(22) + " disconnected (15 bytes echoed)");
    CHECK(line[3].rfind(prefix, 0) == 0);
    CHECK(line[4] == "[+] Client " + line[3].substr(22) + " disconnected (2 bytes echoed)");
    CHECK(line[5] == "[+] Stopped by signal");
    CHECK(line[6] == "[+] Served 2 clients, 17 bytes echoed");
}

TEST_CASE("keep-open answers a half-close with everything, then its FIN, and serves on",
          "[keepopen]") {
    Server server({"-k"}, "localhost");
    // Every address of the name is served, the one after the other.
    const auto addresses =
        echo::resolve("localhost", server.port, echo::Family::any, SOCK_STREAM, false);
    for (const echo::Address& address : addresses) {
        CAPTURE(address.to_string());
        Socket peer = echo::connect_to(address, SOCK_STREAM, 10s);
        const std::string data = random_bytes(1024 * 1024, 11);
        std::vector<Socket> one;
        one.push_back(std::move(peer));
        CHECK(exchange_all(one, {data})[0] == data);
    }
    server.process.signal(SIGTERM);
    CHECK(server.process.finish("", 10s).exit_code == 0);
}

TEST_CASE("keep-open with -q prints nothing, and the limits need -k", "[keepopen]") {
    // A quiet server prints no Listening line: reserve a port (bound, not listening, with
    // SO_REUSEADDR) and probe it until the server answers.
    const Socket reserve = reserve_port();
    const std::uint16_t port = echo::local_address(reserve.fd()).port();
    Process server({server_path(), "-k", "-q", "-H", "127.0.0.1", "-p", std::to_string(port)});
    const Socket peer = connect_when_listening(port);
    round_trip(peer, "quiet");
    const Socket another = connect_to(port);
    round_trip(another, "and another");
    // A peer that resets is the peer's affair: -q keeps it quiet too. Its descriptor going away
    // says the server has dealt with it.
    const std::size_t descriptors = open_descriptors(server.pid());
    {
        Socket resetter = connect_to(port);
        round_trip(resetter, std::string(100000, 'r'));
        send_text(resetter, std::string(100000, 'r'));
        reset_on_close(resetter.fd());
    }
    for (int probe = 0; probe < 500 && open_descriptors(server.pid()) != descriptors; ++probe) {
        pollfd nothing{-1, 0, 0};
        ::poll(&nothing, 1, 10);
    }
    CHECK(open_descriptors(server.pid()) == descriptors);
    server.signal(SIGTERM);
    const auto done = server.finish("", 10s);
    CHECK(done.exit_code == 0);
    CHECK(done.err.empty());

    const auto refused = run({server_path(), "--max-clients", "2"});
    CHECK(refused.exit_code == 2);
    CHECK(refused.err == "echo-server: --max-clients needs -k (--keep-open) (try --help)\n");
    CHECK(run({server_path(), "-k", "--idle-timeout", "0"}).exit_code == 2);
}

TEST_CASE("1000 idle peers cost the server no buffer each", "[keepopen][memory]") {
    raise_descriptor_limit(1100);
    Server server({"-k", "--max-clients", "1000"});
    const pid_t pid = server.process.pid();
    const long rss_before = memory_kib(pid, "VmRSS");
    std::vector<Socket> peers;
    peers.reserve(1000);
    for (int i = 0; i < 1000; ++i) {
        peers.push_back(connect_to(server.port));
    }
    wait_for_lines(server.process, "Client connected: ", 1000);
    round_trip(peers.back(), "the last one is served");
    const long rss = memory_kib(pid, "VmRSS");
    INFO("server VmRSS " << rss_before << " KiB idle, " << rss << " KiB with 1000 peers");
    CHECK(rss < rss_before + 1024); // about 1 KiB per peer at most; a 64 KiB buffer each: 64 MiB

    // The 1001st waits for a slot: the limit holds with many peers too.
    Socket extra = connect_to(server.port);
    send_text(extra, "x");
    CHECK_FALSE(echo::wait_for(extra.fd(), POLLIN, 300ms));
    peers.front().reset();
    CHECK(receive(extra, 1) == "x");
}

TEST_CASE("keep-open -v traces every peer's chunks and FINs, and how each ended", "[keepopen]") {
    Server server({"-k", "-v", "--idle-timeout", "0.2"});
    Socket talker = connect_to(server.port);
    round_trip(talker, "hi");
    REQUIRE(::shutdown(talker.fd(), SHUT_WR) == 0);
    CHECK(read_to_eof(talker.fd()).empty());
    const std::string talker_name = name_of(talker);
    server.process.wait_for_line("[+] Client " + talker_name + " disconnected (2 bytes echoed)");

    Socket silent = connect_to(server.port);
    CHECK(read_to_eof(silent.fd()).empty()); // closed by the idle timeout
    const std::string silent_name = name_of(silent);
    server.process.wait_for_line("[+] Client " + silent_name + " disconnected (0 bytes echoed)");

    Socket stays = connect_to(server.port);
    round_trip(stays, "yo");
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    CHECK(done.exit_code == 0);
    const std::string err = untimed(done.err); // -v's timestamps: see verbose_test.cpp
    CHECK(err.find("[<] 2 bytes from " + talker_name +
                   "\n00000000  68 69                                             |hi|\n"
                   "[>] 2 bytes to " +
                   talker_name + "\n") != std::string::npos);
    CHECK(err.find("[*] " + talker_name +
                   " closed its write side after 2 bytes (FIN received)\n[*] shut down our "
                   "write side to " +
                   talker_name + " after 2 bytes (FIN sent)\n") != std::string::npos);
    CHECK(err.find("[*] " + talker_name + ": 2 bytes in (1 chunk), 2 bytes out (1 chunk), ") !=
          std::string::npos);
    CHECK(err.find(", ended: peer closed, echo complete\n[+] Client " + talker_name) !=
          std::string::npos);
    CHECK(err.find(", ended: idle for 0.2 s\n[+] Client " + silent_name) != std::string::npos);
    CHECK(err.find(", ended: stopped by signal\n[+] Stopped by signal; 1 client dropped\n") !=
          std::string::npos);
}

TEST_CASE("keep-open is accepted with --udp and changes nothing", "[keepopen]") {
    Server server({"-k", "--udp"});
    CHECK(first_line(server.process.err()) ==
          "[+] Listening on 127.0.0.1:" + server.port_text() + " (UDP)\n");
    Socket sender = echo::open_socket(AF_INET, SOCK_DGRAM);
    const echo::Address address =
        echo::resolve("127.0.0.1", server.port, echo::Family::ipv4, SOCK_DGRAM, false)[0];
    for (const std::string datagram : {"one", "two"}) {
        REQUIRE(::sendto(sender.fd(), datagram.data(), datagram.size(), 0, address.data(),
                         address.size()) == static_cast<ssize_t>(datagram.size()));
        REQUIRE(echo::wait_for(sender.fd(), POLLIN, 10s));
        char reply[16];
        const ssize_t n = ::recv(sender.fd(), reply, sizeof(reply), 0);
        CHECK(std::string(reply, n > 0 ? static_cast<std::size_t>(n) : 0) == datagram);
    }
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    CHECK(done.exit_code == 0);
    CHECK(done.err.find("2 datagrams (6 bytes) echoed") != std::string::npos);
    CHECK(run({server_path(), "-k", "-u", "--max-clients", "3"}).exit_code == 2);
}
