// SPDX-License-Identifier: MIT
// -v in both programs: a timestamp on every line it adds, hexdump offsets counted along each
// direction's stream, and runs of identical lines collapsed to "*", as hexdump -C does.
#include "catch.hpp"
#include "peers.hpp"
#include "process.hpp"
#include "sockets.hpp"
#include "trace_lines.hpp"

#include "echo/io.hpp"

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <sstream>
#include <string>

#include <poll.h>
#include <sys/socket.h>

using namespace echo::test;

namespace {

// Sends `data` on the blocking `fd` and reads back as many bytes.
std::string round_trip(int fd, const std::string& data) {
    REQUIRE(::send(fd, data.data(), data.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(data.size()));
    std::string got;
    while (got.size() < data.size()) {
        REQUIRE(echo::wait_for(fd, POLLIN, patience(10s)));
        char buffer[4096];
        const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
        REQUIRE(n > 0);
        got.append(buffer, static_cast<std::size_t>(n));
    }
    return got;
}

// Checks that each hexdump of `tag` ("[<]" or "[>]") in the untimed `err` starts where the
// chunks before it ended: the offsets run along the one connection's stream. Returns the chunks.
int check_offsets_add_up(const std::string& err, const std::string& tag) {
    std::istringstream lines(err);
    std::string line;
    std::uint64_t total = 0;
    int chunks = 0;
    while (std::getline(lines, line)) {
        if (line.rfind(tag + " ", 0) != 0) {
            continue;
        }
        const std::uint64_t size = std::stoull(line.substr(tag.size() + 1));
        std::string dump;
        REQUIRE(std::getline(lines, dump));
        INFO(line << "\n" << dump);
        CHECK(std::stoull(dump.substr(0, dump.find(' ')), nullptr, 16) == total);
        total += size;
        ++chunks;
    }
    return chunks;
}

} // namespace

TEST_CASE("verbose hexdump offsets continue across a connection's chunks each way",
          "[e2e][verbose]") {
    Server server({"-v"});
    const echo::Socket peer = connect_raw(server.port);
    const std::string name = "127.0.0.1:" + port_of(peer);
    CHECK(round_trip(peer.fd(), "0123456789abcdef") == "0123456789abcdef");
    CHECK(round_trip(peer.fd(), "ghijklmnopqrstuv") == "ghijklmnopqrstuv");
    REQUIRE(::shutdown(peer.fd(), SHUT_WR) == 0);
    CHECK(read_to_eof(peer.fd()).empty());
    const auto done = server.process.finish();
    CHECK(done.exit_code == 0);
    const std::string err = untimed(done.err);
    const std::string first =
        "00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n";
    const std::string second =
        "00000010  67 68 69 6a 6b 6c 6d 6e  6f 70 71 72 73 74 75 76  |ghijklmnopqrstuv|\n";
    CHECK(err.find("[<] 16 bytes from " + name + "\n" + first) != std::string::npos);
    CHECK(err.find("[>] 16 bytes to " + name + "\n" + first) != std::string::npos);
    CHECK(err.find("[<] 16 bytes from " + name + "\n" + second) != std::string::npos);
    CHECK(err.find("[>] 16 bytes to " + name + "\n" + second) != std::string::npos);
}

TEST_CASE("verbose offsets add up along the stream in both programs however it is cut",
          "[e2e][verbose][readsize]") {
    Server server({"-v", "--read-size", "5"});
    const std::string message(100, 'm');
    const auto reply = run(tcp_client(server, {"-v", message}));
    CHECK(reply.exit_code == 0);
    const auto done = server.process.finish();
    CHECK(done.exit_code == 0);
    CHECK(check_offsets_add_up(untimed(done.err), "[<]") == 20); // 100 bytes, 5 at a time
    CHECK(check_offsets_add_up(untimed(done.err), "[>]") == 20);
    CHECK(check_offsets_add_up(untimed(reply.err), "[>]") >= 1);
    CHECK(check_offsets_add_up(untimed(reply.err), "[<]") >= 1);
}

TEST_CASE("verbose collapses a run of identical hexdump lines to a star in both programs",
          "[e2e][verbose]") {
    Server server({"-v"});
    const std::string message = std::string(64, 'A') + "B";
    const std::string dump =
        "00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|\n"
        "*\n"
        "00000040  42                                                |B|\n";
    const echo::Socket peer = connect_raw(server.port);
    const std::string name = "127.0.0.1:" + port_of(peer);
    CHECK(round_trip(peer.fd(), message) == message);
    REQUIRE(::shutdown(peer.fd(), SHUT_WR) == 0);
    CHECK(read_to_eof(peer.fd()).empty());
    const auto done = server.process.finish();
    const std::string err = untimed(done.err);
    CHECK(err.find("[<] 65 bytes from " + name + "\n" + dump) != std::string::npos);
    CHECK(err.find("[>] 65 bytes to " + name + "\n" + dump) != std::string::npos);

    Server other;
    const auto reply = run(tcp_client(other, {"-v", message}));
    CHECK(reply.exit_code == 0);
    CHECK(untimed(reply.err).find("[>] 65 bytes to 127.0.0.1:" + other.port_text() + "\n" + dump) !=
          std::string::npos);
}

TEST_CASE("verbose lines carry a timestamp that never decreases and status lines none",
          "[e2e][verbose]") {
    Server server({"-v"});
    // The Listening line as without -v (the hint lines after it carry no timestamp either).
    (void)server.process.wait_for_line("[hint] ");
    CHECK(server.process.err().rfind(
              "[+] Listening on 127.0.0.1:" + server.port_text() + " (TCP)\n[hint] ", 0) == 0);
    const auto reply = run(tcp_client(server, {"-v"}));
    CHECK(reply.exit_code == 0);
    const auto done = server.process.finish();
    CHECK(done.exit_code == 0);
    for (const std::string& err : {done.err, reply.err}) {
        CAPTURE(err);
        const std::vector<double> stamps = timestamps(err); // fails on a line without one
        CHECK(stamps.size() == count_of(err, "\n[<] ") + count_of(err, "\n[>] ") +
                                   count_of(err, "\n[*] ") + (err.rfind("[*] ", 0) == 0));
        CHECK(stamps.size() >= 4); // a chunk each way and both FINs at least
        CHECK(std::is_sorted(stamps.begin(), stamps.end()));
        CHECK(stamps.front() >= 0.0);
        CHECK(stamps.back() < 60.0); // seconds since the program started
        CHECK(err.find("[+] +") == std::string::npos);
    }
    CHECK(done.err.find("\n[+] Client connected: 127.0.0.1:") != std::string::npos);
    CHECK(done.err.find("\n[+] Client 127.0.0.1:") != std::string::npos);
    CHECK(untimed(done.err).find("\n[<] 15 bytes from 127.0.0.1:") != std::string::npos);
}

TEST_CASE("verbose timestamps never decrease across many peers with -k", "[e2e][verbose]") {
    Server server({"-k", "-v"});
    for (int i = 0; i < 5; ++i) {
        CHECK(run(tcp_client(server, {"peer", std::to_string(i)})).exit_code == 0);
    }
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    const std::vector<double> stamps = timestamps(done.err);
    CHECK(stamps.size() >= 20);
    CHECK(std::is_sorted(stamps.begin(), stamps.end()));
}

TEST_CASE("verbose hexdumps of datagrams each start at offset 0", "[e2e][verbose][udp]") {
    Server server({"-u", "-v"});
    const auto reply = run(udp_client(server, {"-v", "Hola"}));
    CHECK(reply.exit_code == 0);
    const auto again = run(udp_client(server, {"-v", "adios"}));
    CHECK(again.exit_code == 0);
    CHECK(untimed(again.err).find("[<] 5 bytes from 127.0.0.1:" + server.port_text() +
                                  "\n00000000  61 64 69 6f 73 ") != std::string::npos);
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    const std::string err = untimed(done.err);
    CHECK(err.find(" bytes from 127.0.0.1:") != std::string::npos);
    CHECK(count_of(err, "\n00000000  ") == 4); // each datagram in and out, none further on
    CHECK(count_of(err, "\n00000004  ") == 0);
    CHECK(timestamps(done.err).size() == 4);
}
