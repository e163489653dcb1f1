// SPDX-License-Identifier: MIT
// echo-client's measuring and interactive modes over UDP, against the real server and against
// fake servers of the test that lose or change datagrams.
#include "catch.hpp"
#include "peers.hpp"
#include "process.hpp"
#include "rtt_figures.hpp"

#include "echo/datagram.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"

#include <array>
#include <csignal>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace echo::test;

TEST_CASE("Statistics over UDP: count matches, no loss, min <= median <= max", "[measure][udp]") {
    Server server({"-u"});
    const auto reply = run(udp_client(server.port_text(), {"-c", "50", "-s", "100"}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out.rfind("--- 127.0.0.1:" + server.port_text() + " udp echo statistics ---\n",
                          0) == 0);
    CHECK(reply.out.find("50 rounds sent, 50 echoed, 0.0% loss, 0 duplicates, 0 reordered") !=
          std::string::npos);
    CHECK(reply.out.find("100 bytes each") != std::string::npos); // 8 of them carry the round
    const auto rtt = rtt_figures(reply.out);
    CHECK(rtt[0] > 0);
    CHECK(rtt[0] <= rtt[2]);
    CHECK(rtt[2] <= rtt[4]);
}

TEST_CASE("UDP loss is counted: a peer that drops every third datagram", "[measure][udp]") {
    FakeUdpServer lossy([](int n, const std::string& datagram) -> std::vector<std::string> {
        if (n % 3 == 0) {
            return {};
        }
        return {datagram};
    });
    const auto reply =
        run(udp_client(lossy.port(), {"-c", "9", "--retries", "0", "-t", "0.2", "--json"}));
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.find("\"rounds_sent\":9,\"rounds_echoed\":6,\"loss_percent\":33.333") !=
          std::string::npos);
    CHECK(reply.err.find("echo-client: 3 of 9 rounds got no echo\n") != std::string::npos);
}

TEST_CASE("UDP retries bring back a dropped round and are counted", "[measure][udp]") {
    FakeUdpServer lossy([](int n, const std::string& datagram) -> std::vector<std::string> {
        if (n == 2) {
            return {};
        }
        return {datagram};
    });
    const auto reply = run(udp_client(lossy.port(), {"-c", "3", "-t", "0.2"}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out.find("3 rounds sent, 3 echoed, 0.0% loss, 0 duplicates, 0 reordered, "
                         "1 retry") != std::string::npos);
}

TEST_CASE("UDP duplicates are counted, not taken for echoes", "[measure][udp]") {
    FakeUdpServer doubling([](int, const std::string& datagram) -> std::vector<std::string> {
        return {datagram, datagram};
    });
    const auto reply = run(udp_client(doubling.port(), {"-c", "5", "--json"}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out.find("\"rounds_sent\":5,\"rounds_echoed\":5,") != std::string::npos);
    // Each round's copy arrives while a later round waits; the last round's copy may come after
    // the run ends. Every one that came in time is a duplicate, none an echo.
    const std::size_t at = reply.out.find("\"duplicates\":");
    REQUIRE(at != std::string::npos);
    const int duplicates = std::stoi(reply.out.substr(at + 13));
    CHECK(duplicates >= 4);
    CHECK(duplicates <= 5);
}

TEST_CASE("A UDP peer that flips a byte is a mismatch naming byte and round", "[measure][udp]") {
    FakeUdpServer liar([](int n, std::string datagram) -> std::vector<std::string> {
        if (n == 4) {
            datagram[8 + 2] = static_cast<char>(datagram[8 + 2] ^ 0x20); // payload byte 3
        }
        return {datagram};
    });
    const auto reply = run(udp_client(liar.port(), {"-c", "6", "-s", "18"})); // 10 after the round
    CHECK(reply.exit_code == 1);
    CHECK(reply.err.find("echo-client: echo mismatch at byte 3 of round 4\n") != std::string::npos);
    CHECK(reply.out.find("4 rounds sent, 3 echoed") != std::string::npos);
}

TEST_CASE("Interactive mode over UDP: each line one datagram", "[measure][udp]") {
    Server server({"-u"});
    const auto reply = run(udp_client(server.port_text(), {"-i"}), "uno\ndos\n");
    CHECK(reply.exit_code == 0);
    CHECK(reply.out.rfind("uno  (", 0) == 0);
    CHECK(reply.out.find("\ndos  (") != std::string::npos);
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    CHECK(done.exit_code == 0);
    CHECK(done.err.find("2 datagrams (8 bytes) echoed") != std::string::npos);
}
