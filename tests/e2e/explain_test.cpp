// SPDX-License-Identifier: MIT
// --explain end to end: the order of the narrated socket calls in each mode, the first line, the
// explanations said once, and the width of the lines.
#include "catch.hpp"
#include "peers.hpp"
#include "process.hpp"
#include "sockets.hpp"

#include "echo/address.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"

#include <algorithm>
#include <array>
#include <csignal>
#include <future>
#include <sstream>
#include <string>
#include <vector>

#include <sys/socket.h>

using namespace echo::test;

namespace {

// The "[call]" lines of `err` after the first one (which says --explain), each cut to its shape:
// the call's name and its result, or its errno's name when it failed ("recv = 15",
// "connect = ECONNREFUSED").
std::vector<std::string> call_shapes(const std::string& err) {
    std::vector<std::string> shapes;
    std::istringstream lines(err);
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with("[call] ") || line.starts_with("[call] --explain")) {
            continue;
        }
        const std::string call = line.substr(7);
        const std::size_t equals = call.find(") = ");
        if (equals == std::string::npos) {
            shapes.push_back("? " + call);
            continue;
        }
        std::string result = call.substr(equals + 4);
        result.resize(std::min(result.size(), result.find_first_of(", ")));
        if (result == "-1") {
            const std::string rest = call.substr(equals + 7);
            result = rest.substr(0, rest.find(' '));
        }
        const std::string name = call.substr(0, call.find('('));
        if ((name == "socket" || name == "accept") &&
            result.find_first_not_of("0123456789") == std::string::npos) {
            result = "fd"; // descriptor numbers depend on what the program had open
        }
        shapes.push_back(name);
        shapes.back() += " = ";
        shapes.back() += result;
    }
    return shapes;
}

std::string joined(const std::vector<std::string>& shapes) {
    std::string text;
    for (const std::string& shape : shapes) {
        text += shape + "\n";
    }
    return text;
}

// Whether `wanted` occur in `shapes` in this order, others between them allowed; each wanted
// entry matches a shape that starts with it.
bool in_order(const std::vector<std::string>& shapes, const std::vector<std::string>& wanted) {
    std::size_t at = 0;
    for (const std::string& shape : shapes) {
        if (at < wanted.size() && shape.starts_with(wanted[at])) {
            ++at;
        }
    }
    return at == wanted.size();
}

// Every line of `err` fits in 80 columns.
bool narrow(const std::string& err) {
    std::istringstream lines(err);
    for (std::string line; std::getline(lines, line);) {
        if (line.size() > 80) {
            UNSCOPED_INFO("too wide: " << line);
            return false;
        }
    }
    return true;
}

const std::vector<std::string> tcp_listener = {"socket = fd", "setsockopt = 0", "bind = 0",
                                               "listen = 0",  "setsockopt = 0", "getsockname = 0"};

} // namespace

TEST_CASE("explain narrates the one-peer server in the tutorial's order", "[e2e][explain]") {
    Server server({"--explain"});
    const auto reply = run(tcp_client(server));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "Hola, servidor!\n");
    const auto done = server.process.finish();
    CHECK(done.exit_code == 0);
    std::vector<std::string> wanted = tcp_listener;
    for (const char* shape : {"accept = fd", "close = 0", "recv = 15", "send = 15", "recv = 0",
                              "shutdown = 0", "close = 0"}) {
        wanted.emplace_back(shape);
    }
    const std::vector<std::string> shapes = call_shapes(done.err);
    CAPTURE(done.err);
    CHECK(shapes.size() == wanted.size());
    CHECK(in_order(shapes, wanted));
    CHECK(done.err.starts_with("[call] --explain: the classic calls (recv/send, not splice), one "
                               "line per call\n"));
    CHECK(contains(done.err, "[call] socket(AF_INET, SOCK_STREAM) = "));
    CHECK(contains(done.err, "[call] bind("));
    CHECK(contains(done.err, ", 127.0.0.1:0) = 0\n"));
    CHECK(contains(done.err, "\n       the socket now takes connections; up to "));
    CHECK(contains(done.err, "  \"Hola, servidor!\"\n"));
    CHECK(contains(done.err, "\n       0 bytes: the peer closed its side (FIN)"));
    CHECK(contains(done.err, ", peer 127.0.0.1:"));
    // The explanation comes with the first appearance only.
    CHECK(count_of(done.err, "\n       releases the socket") == 1);
    CHECK(count_of(done.err, "\n       a new socket;") == 1);
    CHECK(narrow(done.err));
    // The status lines are still there, in their place.
    CHECK(contains(done.err, "[+] Listening on 127.0.0.1:" + server.port_text() + " (TCP)\n"));
    CHECK(contains(done.err, "disconnected (15 bytes echoed)"));
}

TEST_CASE("explain narrates the TCP client's message in order", "[e2e][explain]") {
    Server server;
    const auto reply = run(tcp_client(server, {"--explain"}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "Hola, servidor!\n");
    CAPTURE(reply.err);
    CHECK(joined(call_shapes(reply.err)) == "socket = fd\nconnect = 0\ngetpeername = 0\n"
                                            "send = 15\nrecv = 15\nshutdown = 0\nrecv = 0\n"
                                            "close = 0\n");
    CHECK(reply.err.starts_with("[call] --explain: the classic calls (connect/send/recv), one "
                                "line per call\n"));
    CHECK(contains(reply.err, ", 127.0.0.1:" + server.port_text() + ") = 0\n"));
    CHECK(contains(reply.err, ", 15) = 15  \"Hola, servidor!\"\n"));
    CHECK(contains(reply.err, "[+] Connected to 127.0.0.1:" + server.port_text() + " (TCP)\n"));
    CHECK(narrow(reply.err));
    CHECK(server.process.finish().exit_code == 0);
}

TEST_CASE("explain narrates keep-open's accept recv send and close for each peer",
          "[e2e][explain]") {
    Server server({"-k", "--explain"});
    for (const char* word : {"one", "two"}) {
        const auto reply = run(tcp_client(server, {word}));
        CHECK(reply.exit_code == 0);
    }
    server.process.signal(SIGTERM);
    const auto done = server.process.finish();
    CHECK(done.exit_code == 0);
    CAPTURE(done.err);
    std::vector<std::string> wanted = tcp_listener;
    for (int peer = 0; peer < 2; ++peer) {
        for (const char* shape :
             {"accept = fd", "recv = 3", "send = 3", "recv = 0", "shutdown = 0", "close = 0"}) {
            wanted.emplace_back(shape);
        }
    }
    wanted.emplace_back("close = 0"); // the listener, at the stop
    const std::vector<std::string> shapes = call_shapes(done.err);
    CHECK(shapes.size() == wanted.size());
    CHECK(in_order(shapes, wanted));
    CHECK(done.err.starts_with("[call] --explain: the classic calls (accept/recv/send/close)"));
    CHECK(count_of(done.err, "\n       takes the next waiting connection") == 1);
    CHECK(narrow(done.err));
}

TEST_CASE("explain narrates the UDP server with recvfrom and sendto one datagram at a time",
          "[e2e][explain][udp]") {
    Server server({"-u", "--explain"});
    for (const char* word : {"uno", "dos"}) {
        const auto reply = run(udp_client(server, {word}));
        CHECK(reply.exit_code == 0);
    }
    server.process.signal(SIGTERM);
    const auto done = server.process.finish();
    CHECK(done.exit_code == 0);
    CAPTURE(done.err);
    CHECK(joined(call_shapes(done.err)) ==
          "socket = fd\nbind = 0\nsetsockopt = 0\ngetsockname = 0\nsetsockopt = 0\n"
          "setsockopt = 0\nrecvfrom = 3\nsendto = 3\nrecvfrom = 3\nsendto = 3\nclose = 0\n");
    CHECK(done.err.starts_with("[call] --explain: recvfrom/sendto, one datagram per call (not "
                               "recvmmsg/sendmmsg)\n"));
    CHECK(contains(done.err, "[call] socket(AF_INET, SOCK_DGRAM) = "));
    CHECK(contains(done.err, "  \"uno\"\n"));
    CHECK(!contains(done.err, "recvmmsg("));
    CHECK(narrow(done.err));
}

TEST_CASE("explain narrates the UDP client's datagram in order", "[e2e][explain][udp]") {
    Server server({"-u"});
    const auto reply = run(udp_client(server, {"--explain"}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "Hola, servidor!\n");
    CAPTURE(reply.err);
    CHECK(joined(call_shapes(reply.err)) ==
          "socket = fd\nconnect = 0\ngetpeername = 0\nsend = 15\nrecvfrom = 15\nclose = 0\n");
    CHECK(contains(reply.err, "\n       UDP sends nothing here"));
    CHECK(contains(reply.err, ", 65536) = 15, from 127.0.0.1:" + server.port_text() +
                                  "  \"Hola, servidor!\"\n"));
    CHECK(narrow(reply.err));
    server.process.signal(SIGTERM);
    CHECK(server.process.finish().exit_code == 0);
}

TEST_CASE("explain shows a refused connect with its errno name and text", "[e2e][explain]") {
    const echo::Socket reserve = reserve_port(); // bound, not listening: connecting is refused
    const std::string port = std::to_string(echo::local_address(reserve.fd()).port());
    const auto reply = run(tcp_client(port, {"--explain"}));
    CHECK(reply.exit_code == 1);
    CAPTURE(reply.err);
    CHECK(joined(call_shapes(reply.err)) == "socket = fd\nconnect = ECONNREFUSED\nclose = 0\n");
    CHECK(
        contains(reply.err, ", 127.0.0.1:" + port + ") = -1 ECONNREFUSED (Connection refused)\n"));
    CHECK(contains(reply.err, "\n       nothing listens on that port"));
    CHECK(contains(reply.err,
                   "echo-client: connect to 127.0.0.1:" + port + ": Connection refused\n"));
}

TEST_CASE("explain shows the server's recv failing when its peer resets", "[e2e][explain]") {
    Server server({"--explain"});
    {
        const echo::Socket peer = connect_raw(server.port);
        REQUIRE(echo::write_all(peer.fd(), bytes("ping")).status == echo::IoStatus::ok);
        std::string echo(4, '\0');
        std::size_t got = 0;
        while (got < echo.size()) {
            const auto r =
                echo::read_some(peer.fd(), std::as_writable_bytes(std::span(echo)).subspan(got));
            REQUIRE(r.status == echo::IoStatus::ok);
            got += r.bytes;
        }
        CHECK(echo == "ping");
        reset_on_close(peer.fd());
    }
    const auto done = server.process.finish();
    CHECK(done.exit_code == 1);
    CAPTURE(done.err);
    std::vector<std::string> wanted = tcp_listener;
    for (const char* shape :
         {"accept = fd", "close = 0", "recv = 4", "send = 4", "recv = ECONNRESET", "close = 0"}) {
        wanted.emplace_back(shape);
    }
    const std::vector<std::string> shapes = call_shapes(done.err);
    CHECK(shapes.size() == wanted.size());
    CHECK(in_order(shapes, wanted));
    CHECK(contains(done.err, ") = -1 ECONNRESET (Connection reset by peer)\n"));
    CHECK(contains(done.err, "\n       the peer reset the connection (RST)"));
}

TEST_CASE("explain shows the client's recv failing when the server resets", "[e2e][explain]") {
    const FakeTcpServer server([](int fd, const std::shared_future<void>& /*released*/) {
        std::array<char, 5> got{};
        (void)::recv(fd, got.data(), got.size(), MSG_WAITALL);
        reset_on_close(fd); // closed without an echo: a reset
    });
    const auto reply = run(tcp_client(server.port(), {"--explain", "hello"}));
    CHECK(reply.exit_code == 1);
    CAPTURE(reply.err);
    CHECK(joined(call_shapes(reply.err)) ==
          "socket = fd\nconnect = 0\ngetpeername = 0\nsend = 5\nrecv = ECONNRESET\nclose = 0\n");
    CHECK(contains(reply.err, ", 5) = -1 ECONNRESET (Connection reset by peer)\n"));
    CHECK(contains(reply.err, "\n       the peer reset the connection (RST)"));
}

TEST_CASE("explain narrates the stream interactive and measuring client modes", "[e2e][explain]") {
    Server server({"-k"});
    const std::vector<std::string> tcp_start = {"socket = fd", "connect = 0", "getpeername = 0"};
    SECTION("stream") {
        const auto reply = run(tcp_client(server, {"--explain", "-"}), "abc\n");
        CHECK(reply.exit_code == 0);
        CHECK(reply.out == "abc\n");
        CAPTURE(reply.err);
        std::vector<std::string> wanted = tcp_start;
        for (const char* shape : {"send = 4", "recv = 4", "recv = 0", "close = 0"}) {
            wanted.emplace_back(shape);
        }
        CHECK(in_order(call_shapes(reply.err), wanted));
        CHECK(contains(reply.err, "[call] shutdown("));
    }
    SECTION("interactive") {
        const auto reply = run(tcp_client(server, {"--explain", "-i"}), "hi\n");
        CHECK(reply.exit_code == 0);
        CAPTURE(reply.err);
        std::vector<std::string> wanted = tcp_start;
        for (const char* shape :
             {"send = 3", "recv = 3", "shutdown = 0", "recv = 0", "close = 0"}) {
            wanted.emplace_back(shape);
        }
        CHECK(joined(call_shapes(reply.err)) == joined(wanted));
    }
    SECTION("measuring") {
        const auto reply = run(tcp_client(server, {"--explain", "-c", "2", "x"}));
        CHECK(reply.exit_code == 0);
        CAPTURE(reply.err);
        std::vector<std::string> wanted = tcp_start;
        for (const char* shape :
             {"send = 1", "recv = 1", "send = 1", "recv = 1", "shutdown = 0", "close = 0"}) {
            wanted.emplace_back(shape);
        }
        CHECK(joined(call_shapes(reply.err)) == joined(wanted));
    }
    SECTION("UDP stream") {
        Server udp({"-u"});
        const auto reply = run(udp_client(udp, {"--explain", "-"}), "a\nb\n");
        CHECK(reply.exit_code == 0);
        CHECK(reply.out == "a\nb\n");
        CAPTURE(reply.err);
        CHECK(joined(call_shapes(reply.err)) ==
              "socket = fd\nconnect = 0\ngetpeername = 0\nsend = 2\nrecvfrom = 2\nsend = 2\n"
              "recvfrom = 2\nclose = 0\n");
        udp.process.signal(SIGTERM);
        CHECK(udp.process.finish().exit_code == 0);
    }
    SECTION("UDP measuring") {
        Server udp({"-u"});
        const auto reply = run(udp_client(udp, {"--explain", "-c", "2", "-s", "8"}));
        CHECK(reply.exit_code == 0);
        CAPTURE(reply.err);
        CHECK(joined(call_shapes(reply.err)) ==
              "socket = fd\nconnect = 0\ngetpeername = 0\nsend = 8\nrecvfrom = 8\nsend = 8\n"
              "recvfrom = 8\nclose = 0\n");
        udp.process.signal(SIGTERM);
        CHECK(udp.process.finish().exit_code == 0);
    }
    server.process.signal(SIGTERM);
    CHECK(server.process.finish().exit_code == 0);
}

TEST_CASE("without explain no call is narrated", "[e2e][explain]") {
    Server server;
    const auto reply = run(tcp_client(server));
    CHECK(reply.exit_code == 0);
    CHECK(!contains(reply.err, "[call]"));
    CHECK(!contains(server.process.finish().err, "[call]"));
}

TEST_CASE("explain and quiet exclude each other", "[e2e][explain]") {
    for (const std::string& program : {server_path(), client_path()}) {
        const auto reply = run({program, "--explain", "-q"});
        CHECK(reply.exit_code == 2);
        CHECK(contains(reply.err, "-q (quiet) and --explain exclude each other"));
    }
}
