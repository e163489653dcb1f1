// SPDX-License-Identifier: MIT
// --read-size: the server reads at most N bytes per call, so that one message is seen to arrive
// in several reads (TCP is a byte stream), and a longer datagram is seen cut (MSG_TRUNC).
#include "catch.hpp"
#include "peers.hpp"
#include "process.hpp"
#include "sockets.hpp"
#include "trace_lines.hpp"

#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"

#include <csignal>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

using namespace echo::test;

namespace {

// Sends `message`, half-closes and reads the echo to the server's FIN, all at once.
std::string echo_whole(std::uint16_t port, const std::string& message) {
    std::vector<echo::Socket> peer;
    peer.push_back(echo::connect_any(
        echo::resolve("127.0.0.1", port, echo::Family::any, SOCK_STREAM, false), SOCK_STREAM,
        patience(10s))); // non-blocking, as exchange_all() wants
    return exchange_all(peer, {message}).front();
}

// The lines of -v's hexdumps of what the server received, in order: their offsets show where
// each read began.
std::string received_dumps(const std::string& err) {
    std::string dumps;
    std::size_t at = 0;
    while ((at = err.find("[<] ", at)) != std::string::npos) {
        at = err.find('\n', at) + 1;
        dumps += err.substr(at, err.find('\n', at) + 1 - at);
    }
    return dumps;
}

// One datagram of `data` to 127.0.0.1:`port` from `sender`; its answer, waited for up to 10 s.
std::string udp_round_trip(const echo::Socket& sender, const std::string& data) {
    REQUIRE(::send(sender.fd(), data.data(), data.size(), 0) == static_cast<ssize_t>(data.size()));
    REQUIRE(echo::wait_for(sender.fd(), POLLIN, patience(10s)));
    std::string answer(65536, '\0');
    const ssize_t got = ::recv(sender.fd(), answer.data(), answer.size(), 0);
    REQUIRE(got >= 0);
    answer.resize(static_cast<std::size_t>(got));
    return answer;
}

const std::string greeting = "Hola, servidor!"; // 15 bytes, the tutorial's message

} // namespace

TEST_CASE("read-size 4 splits a 15-byte message into 4 reads of 4 4 4 and 3 bytes",
          "[e2e][readsize]") {
    Server server({"-v", "--read-size", "4"});
    const auto reply = run(tcp_client(server, {}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == greeting + "\n");
    const auto done = server.process.finish();
    CHECK(done.exit_code == 0);
    const std::string err = untimed(done.err);
    CHECK(count_of(err, "[<] 4 bytes from 127.0.0.1:") == 3);
    CHECK(count_of(err, "[<] 3 bytes from 127.0.0.1:") == 1);
    CHECK(count_of(err, "[<] ") == 4);
    CHECK(received_dumps(err) ==
          "00000000  48 6f 6c 61                                       |Hola|\n"
          "00000004  2c 20 73 65                                       |, se|\n"
          "00000008  72 76 69 64                                       |rvid|\n"
          "0000000c  6f 72 21                                          |or!|\n");
    CHECK(err.find("15 bytes in (4 chunks), 15 bytes out (4 chunks)") != std::string::npos);
    CHECK(err.find("disconnected (15 bytes echoed)") != std::string::npos);
}

TEST_CASE("read-size 4 splits a 15-byte message into 4 reads with -k too", "[e2e][readsize]") {
    Server server({"-k", "-v", "--read-size", "4"});
    CHECK(echo_whole(server.port, greeting) == greeting);
    server.process.wait_for_line(" disconnected (15 bytes echoed)");
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    CHECK(done.exit_code == 0);
    const std::string err = untimed(done.err);
    CHECK(count_of(err, "[<] ") == 4);
    CHECK(received_dumps(err).find("0000000c  6f 72 21 ") != std::string::npos);
    CHECK(err.find("15 bytes in (4 chunks), 15 bytes out (4 chunks)") != std::string::npos);
}

TEST_CASE("read-size echoes a large stream whole in every TCP mode, without -v too",
          "[e2e][readsize]") {
    const std::string message = random_bytes(300 * 1000, 5);
    for (const bool keep_open : {false, true}) {
        CAPTURE(keep_open);
        Server server(keep_open ? std::vector<std::string>{"-k", "--read-size", "7"}
                                : std::vector<std::string>{"--read-size", "7"});
        CHECK(echo_whole(server.port, message) == message);
        server.process.wait_for_line(" disconnected (300000 bytes echoed)");
        if (keep_open) {
            server.process.signal(SIGTERM);
        }
        const auto done = server.process.finish("", 10s);
        CHECK(done.exit_code == 0);
        CHECK(done.err.find("[<]") == std::string::npos); // no -v, no trace
    }
}

TEST_CASE("read-size with --udp cuts a longer datagram, says so and echoes the cut part",
          "[e2e][readsize][udp]") {
    Server server({"-u", "-v", "--read-size", "4"}, "127.0.0.1");
    const echo::Socket sender = connect_raw(server.port, "127.0.0.1", SOCK_DGRAM);
    const std::string name = "127.0.0.1:" + port_of(sender);
    CHECK(udp_round_trip(sender, greeting) == "Hola"); // as recv(4) then sendto() would
    server.process.wait_for_line("[+] Datagram of 15 bytes from " + name +
                                 " cut to 4 bytes by --read-size (MSG_TRUNC); echoing what was "
                                 "read");
    CHECK(udp_round_trip(sender, "abcd") == "abcd"); // no longer than N: whole, nothing said
    CHECK(udp_round_trip(sender, "x") == "x");
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    CHECK(done.exit_code == 0);
    CHECK(count_of(done.err, " cut to ") == 1);
    CHECK(count_of(done.err, "cut to 1 byte by") == 0);
    const std::string err = untimed(done.err);
    CHECK(err.find("[<] 4 bytes from " + name +
                   "\n00000000  48 6f 6c 61                                       |Hola|\n") !=
          std::string::npos);
    CHECK(err.find("[+] Stopped by signal; 3 datagrams (9 bytes) echoed\n") != std::string::npos);
}

TEST_CASE("read-size 1 with --udp cuts to 1 byte in the singular", "[e2e][readsize][udp]") {
    Server server({"-u", "--read-size", "1"});
    const echo::Socket sender = connect_raw(server.port, "127.0.0.1", SOCK_DGRAM);
    CHECK(udp_round_trip(sender, "ab") == "a");
    server.process.wait_for_line("[+] Datagram of 2 bytes from 127.0.0.1:" + port_of(sender) +
                                 " cut to 1 byte by --read-size (MSG_TRUNC); echoing what was "
                                 "read");
}

TEST_CASE("Bad read-size values are usage errors in one line", "[e2e][readsize][options]") {
    struct Case {
        std::vector<std::string> args;
        std::string line;
    };
    const std::vector<Case> cases{
        {{"--read-size", "0"}, "--read-size takes a whole number in 1..262144, not '0'"},
        {{"--read-size", "262145"}, "--read-size takes a whole number in 1..262144, not '262145'"},
        {{"--read-size", "4k"}, "--read-size takes a whole number in 1..262144, not '4k'"},
        {{"--read-size", "-1"}, "--read-size takes a whole number in 1..262144, not '-1'"},
        {{"-u", "--read-size", "65537"},
         "--read-size takes a whole number in 1..65536 with --udp, not '65537'"},
        {{"--read-size"}, "option --read-size needs a value"},
    };
    for (const Case& bad : cases) {
        std::vector<std::string> argv{server_path()};
        argv.insert(argv.end(), bad.args.begin(), bad.args.end());
        CAPTURE(argv);
        const auto reply = run(argv);
        CHECK(reply.exit_code == 2);
        CHECK(reply.out.empty());
        CHECK(reply.err == "echo-server: " + bad.line + " (try --help)\n");
    }
}
