// SPDX-License-Identifier: MIT
// The hints: "[hint] " lines on stderr after the line they explain, where a class gets stuck;
// none with -q. And counts of 1 in the singular.
#include "catch.hpp"
#include "peers.hpp"
#include "process.hpp"
#include "sockets.hpp"
#include "trace_lines.hpp"

#include "echo/address.hpp"
#include "echo/socket.hpp"

#include <csignal>
#include <cstdint>
#include <future>
#include <string>

#include <poll.h>
#include <sys/socket.h>

using namespace echo::test;

namespace {

const std::string loopback_hint =
    "[hint] Only this machine can connect here (loopback). To accept other machines,\n"
    "[hint] listen on every address: -H 0.0.0.0 (IPv4), -H :: (IPv6), or both.\n";

const std::string refused_hint =
    "[hint] Is echo-server running at that address and port? Check -H and -p.\n"
    "[hint] Started without -k, echo-server serves one client, then exits.\n";

const std::string udp_refused_hint =
    "[hint] Nothing listens for UDP on that port: the datagram went out, and the host\n"
    "[hint] answered \"port unreachable\". Is the server running, started with -u?\n";

const std::string reset_hint =
    "[hint] The server closed with data of ours unread, so the connection was reset:\n"
    "[hint] the classic bug of a server that calls recv(1024) once, then closes.\n";

// A port on 127.0.0.1 that refuses: bound by a socket that does not listen (TCP), or by one
// closed since (UDP: the host answers "port unreachable").
std::string refusing_tcp_port(echo::Socket& holder) {
    holder = echo::open_socket(AF_INET, SOCK_STREAM);
    const echo::Address any = address("127.0.0.1", 0, SOCK_STREAM);
    REQUIRE(::bind(holder.fd(), any.data(), any.size()) == 0);
    return std::to_string(echo::local_address(holder.fd()).port());
}

std::string closed_udp_port() {
    const echo::Socket gone = bind_loopback(SOCK_DGRAM);
    return port_of(gone);
}

// What follows the line that starts with `line` in `text`, to the end.
std::string after_line(const std::string& text, const std::string& line) {
    const std::size_t at = text.find(line);
    REQUIRE(at != std::string::npos);
    const std::size_t end = text.find('\n', at);
    REQUIRE(end != std::string::npos);
    return text.substr(end + 1);
}

} // namespace

TEST_CASE("A server on loopback hints once after its Listening lines", "[e2e][hints]") {
    SECTION("one address") {
        Server server;
        CHECK(run(tcp_client(server, {"hi"})).exit_code == 0);
        const auto done = server.process.finish();
        CHECK(done.exit_code == 0);
        const std::string listening =
            "[+] Listening on 127.0.0.1:" + server.port_text() + " (TCP)\n";
        CHECK(done.err.substr(0, listening.size() + loopback_hint.size()) ==
              listening + loopback_hint);
        CHECK(count_of(done.err, "[hint] ") == 2);
    }
    SECTION("localhost: every address loopback, still once, after all the Listening lines") {
        Server server({"-u"}, "localhost");
        server.process.signal(SIGTERM);
        const auto done = server.process.finish();
        CHECK(done.exit_code == 0);
        CHECK(count_of(done.err, "[hint] ") == 2);
        CHECK(contains(done.err, loopback_hint));
        CHECK(done.err.rfind("Listening on ") < done.err.find("[hint] "));
    }
    SECTION("not with -q") {
        // No Listening line to wait for: a reserved port, probed until the server listens.
        const echo::Socket reserve = reserve_port();
        const std::uint16_t port = echo::local_address(reserve.fd()).port();
        Process server({server_path(), "-q", "-H", "127.0.0.1", "-p", std::to_string(port)});
        {
            const echo::Socket peer = connect_when_listening(port);
            ::shutdown(peer.fd(), SHUT_WR);
            CHECK(read_to_eof(peer.fd()).empty());
        }
        const auto done = server.finish();
        CHECK(done.exit_code == 0);
        CHECK(done.err.empty());
    }
}

TEST_CASE("A refused TCP connection hints at the server and at -k", "[e2e][hints]") {
    echo::Socket holder;
    const std::string port = refusing_tcp_port(holder);
    const auto reply = run(tcp_client(port, {"hello"}));
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.empty());
    CHECK(reply.err ==
          "echo-client: connect to 127.0.0.1:" + port + ": Connection refused\n" + refused_hint);

    const auto quiet = run(tcp_client(port, {"-q", "hello"}));
    CHECK(quiet.err == "echo-client: connect to 127.0.0.1:" + port + ": Connection refused\n");
}

TEST_CASE("A refused UDP datagram hints that nothing listens for UDP there", "[e2e][hints]") {
    const std::string port = closed_udp_port();
    const std::string error = "echo-client: send to 127.0.0.1:" + port + ": Connection refused\n";
    SECTION("a message") {
        const auto reply = run(udp_client(port, {"hello"}));
        CHECK(reply.exit_code == 1);
        CHECK(reply.out.empty());
        CHECK(contains(reply.err, error + udp_refused_hint));
        CHECK(after_line(reply.err, "echo-client: ") == udp_refused_hint);
    }
    SECTION("measuring") {
        const auto reply = run(udp_client(port, {"-c", "2"}));
        CHECK(reply.exit_code == 1);
        CHECK(after_line(reply.err, "echo-client: ") == udp_refused_hint);
        CHECK(contains(reply.err, error));
    }
    SECTION("not with -q") {
        const auto reply = run(udp_client(port, {"-q", "hello"}));
        CHECK(reply.err == error);
    }
}

TEST_CASE("A reset during the echo hints at a server that read once and closed", "[e2e][hints]") {
    // The classic server: one recv(1024), its echo, close; with more of the message unread, the
    // close is a reset.
    const FakeTcpServer server([](int fd, const std::shared_future<void>& /*released*/) {
        std::string got(1024, '\0');
        if (::recv(fd, got.data(), got.size(), MSG_WAITALL) != 1024) {
            return;
        }
        pollfd more{fd, POLLIN, 0};
        if (::poll(&more, 1, 20'000) != 1) {
            return;
        }
        (void)::send(fd, got.data(), got.size(), MSG_NOSIGNAL);
    }); // closed with data unread: a reset
    const auto reply = run(tcp_client(server.port(), {std::string(64 * 1024, 'm')}));
    CAPTURE(reply.err);
    CHECK(reply.exit_code == 1);
    CHECK(contains(reply.err,
                   "127.0.0.1:" + server.port() + ": Connection reset by peer\n" + reset_hint));
    CHECK(after_line(reply.err, "echo-client: ") == reset_hint);
}

TEST_CASE("Counts of 1 are singular", "[e2e][hints]") {
    SECTION("1 byte, both sides") {
        Server server({"-v"});
        const auto reply = run(tcp_client(server, {"-"}), "x");
        CHECK(reply.exit_code == 0);
        CHECK(reply.out == "x");
        CHECK(contains(reply.err, "[+] Sent 1 byte, received 1 byte of echo\n"));
        const auto done = server.process.finish();
        CHECK(contains(done.err, " disconnected (1 byte echoed)\n"));
        CHECK(contains(untimed(done.err), "[<] 1 byte from 127.0.0.1:"));
        CHECK(contains(untimed(done.err), "[>] 1 byte to 127.0.0.1:"));
    }
    SECTION("1 client, 1 byte with -k") {
        Server server({"-k"});
        CHECK(run(tcp_client(server, {"-"}), "x").exit_code == 0);
        server.process.wait_for_line(" disconnected (");
        server.process.signal(SIGTERM);
        const auto done = server.process.finish();
        CHECK(contains(done.err, "[+] Served 1 client, 1 byte echoed\n"));
    }
    SECTION("1 round of 1 byte") {
        Server server;
        const auto reply = run(tcp_client(server, {"-c", "1", "-s", "1", "-v"}));
        CHECK(reply.exit_code == 0);
        CHECK(contains(reply.out, "1 round sent, 1 echoed, 1 byte each\n"));
        CHECK(contains(reply.out, "1 byte from 127.0.0.1:" + server.port_text() + ": round=1 "));
    }
    SECTION("1 datagram") {
        Server server({"-u"});
        const auto reply = run(udp_client(server, {"-"}), "\n");
        CHECK(reply.exit_code == 0);
        CHECK(contains(reply.err, "[+] Sent 1 datagram (1 byte)"));
    }
}
