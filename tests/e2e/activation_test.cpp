// SPDX-License-Identifier: MIT
// Under a service manager or a super-server: the sockets systemd passes (LISTEN_FDS, through
// systemd-socket-activate), and --inetd's connection on standard input (systemd-socket-activate
// --inetd -a, socat EXEC:, and the classic inetd that puts the socket on 0, 1 and 2).
#include "catch.hpp"
#include "process.hpp"
#include "sockets.hpp"

#include "echo/address.hpp"
#include "echo/io.hpp"

#include <csignal>
#include <string>
#include <utility>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace echo::test;

namespace {

const char* const activate = "/usr/bin/systemd-socket-activate";

bool have(const char* program) {
    if (::access(program, X_OK) == 0) {
        return true;
    }
    WARN("SKIPPED: " << program << " is not installed (Debian package "
                     << (std::string(program).ends_with("socat") ? "socat" : "systemd") << ")");
    return false;
}

// Sends `text` on a connected stream socket, then our FIN, and returns all that comes back.
std::string echo_of(const echo::Socket& peer, const std::string& text) {
    REQUIRE(echo::write_all(peer.fd(), bytes(text)).status == echo::IoStatus::ok);
    REQUIRE(::shutdown(peer.fd(), SHUT_WR) == 0);
    return read_to_eof(peer.fd());
}

// One datagram to `port` and its echo.
std::string datagram_echo(const echo::Socket& sender, const std::string& text) {
    REQUIRE(::send(sender.fd(), text.data(), text.size(), 0) == static_cast<ssize_t>(text.size()));
    REQUIRE(echo::wait_for(sender.fd(), POLLIN, patience(10s)));
    std::string echo(100, '\0');
    const ssize_t n = ::recv(sender.fd(), echo.data(), echo.size(), 0);
    REQUIRE(n >= 0);
    echo.resize(static_cast<std::size_t>(n));
    return echo;
}

// A UDP port on 127.0.0.1 that was free a moment ago. UDP has no equivalent of reserve_port():
// a second socket on the port would take some of the datagrams.
std::uint16_t free_udp_port() {
    const echo::Socket probe = bind_loopback(SOCK_DGRAM);
    return echo::local_address(probe.fd()).port();
}

// A TCP port on 127.0.0.1 held free until the activator binds it, and "127.0.0.1:PORT".
struct HeldPort {
    echo::Socket reserve;
    std::uint16_t port = 0;
    std::string where;
};

HeldPort held_tcp_port() {
    echo::Socket reserve = reserve_port();
    const std::uint16_t port = echo::local_address(reserve.fd()).port();
    return {std::move(reserve), port, "127.0.0.1:" + std::to_string(port)};
}

// python3 -c this, then a program and its arguments: the program runs with a UDP socket bound to
// 127.0.0.1 on standard input, as inetd's "dgram wait" starts it; the port comes first on stdout.
const char* const exec_on_udp =
    "import os, socket, sys; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
    "s.bind(('127.0.0.1', 0)); print(s.getsockname()[1], flush=True); "
    "os.dup2(s.fileno(), 0); os.execv(sys.argv[1], sys.argv[1:])";

// Stops a server with SIGTERM, checks that it exits 0, and returns what it said on stderr.
std::string stopped_cleanly(Process& server) {
    server.signal(SIGTERM);
    const auto done = server.finish();
    CHECK(done.exit_code == 0);
    return done.err;
}

} // namespace

TEST_CASE("systemd-socket-activate -l PORT echo-server -k: the passed socket is served",
          "[e2e][activation]") {
    if (!have(activate)) {
        return;
    }
    const HeldPort held = held_tcp_port();
    Process server({activate, "-l", held.where, server_path(), "-k"});
    // The activator binds, and starts echo-server at the first connection.
    const echo::Socket first = connect_when_listening(held.port);
    CHECK(server.wait_listening() == held.port);
    CHECK(echo_of(first, "first") == "first");
    const auto reply = run(tcp_client(std::to_string(held.port), {"second"}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "second\n");
    const std::string err = stopped_cleanly(server);
    CHECK(err.find("[+] Listening on " + held.where + " (TCP)") != std::string::npos);
    CHECK(err.find("Served 2 clients") != std::string::npos);
}

TEST_CASE("systemd-socket-activate --datagram: the passed UDP socket is served",
          "[e2e][activation][udp]") {
    if (!have(activate)) {
        return;
    }
    const std::uint16_t port = free_udp_port();
    const std::string where = "127.0.0.1:" + std::to_string(port);
    Process server({activate, "--datagram", "-l", where, server_path(), "-u"});
    server.wait_for_line("Listening on " + where + " as 3"); // the activator's
    const echo::Socket sender = connect_raw(port, "127.0.0.1", SOCK_DGRAM);
    CHECK(datagram_echo(sender, "ping") == "ping"); // waited while echo-server started
    CHECK(server.wait_listening() == port);
    CHECK(datagram_echo(sender, "pong") == "pong");
    const std::string err = stopped_cleanly(server);
    CHECK(err.find("[+] Listening on " + where + " (UDP)") != std::string::npos);
    CHECK(err.find("2 datagrams (8 bytes) echoed") != std::string::npos);
}

TEST_CASE("TCP and UDP passed together (as echo-server.socket does) are both served with -k",
          "[e2e][activation][udp]") {
    if (!have(activate)) {
        return;
    }
    // The activator passes on what it was passed: the outer one's TCP socket, the inner one's UDP.
    const HeldPort held = held_tcp_port();
    Process server({activate, "-l", held.where, activate, "--datagram", "-l", held.where,
                    server_path(), "-k"});
    const echo::Socket first = connect_when_listening(held.port);
    server.wait_for_line("Listening on " + held.where + " (UDP)");
    CHECK(echo_of(first, "tcp") == "tcp");
    const echo::Socket sender = connect_raw(held.port, "127.0.0.1", SOCK_DGRAM);
    CHECK(datagram_echo(sender, "udp") == "udp");
    const std::string err = stopped_cleanly(server);
    CHECK(err.find("[+] Listening on " + held.where + " (TCP)") != std::string::npos);
    CHECK(err.find("Served 1 client, 3 bytes echoed") != std::string::npos);
    CHECK(err.find("1 datagram (3 bytes) echoed") != std::string::npos);
}

TEST_CASE("Passed sockets refuse -p and what is not a socket", "[e2e][activation]") {
    if (!have(activate)) {
        return;
    }
    SECTION("-p") {
        const HeldPort held = held_tcp_port();
        Process server({activate, "-l", held.where, server_path(), "-p", "5"});
        const echo::Socket first = connect_when_listening(held.port);
        const auto done = server.finish();
        CHECK(done.exit_code == 2);
        CHECK(done.err.find("echo-server: the service manager passed the sockets to serve "
                            "(LISTEN_FDS): -H, -p, -4 and -6 do not apply (try --help)\n") !=
              std::string::npos);
    }
    SECTION("not a socket; and LISTEN_PID of another process is ignored") {
        const auto done =
            run({"sh", "-c", "LISTEN_PID=$$ LISTEN_FDS=1 exec \"$0\" 3</dev/null", server_path()});
        CHECK(done.exit_code == 1);
        CHECK(done.err == "echo-server: descriptor 3 from the service manager is not a socket\n");
        Process other(
            {"sh", "-c", "LISTEN_PID=1 LISTEN_FDS=1 exec \"$0\" -p 0 3</dev/null", server_path()});
        CHECK(other.wait_listening() != 0); // bound its own socket
    }
}

TEST_CASE("Inetd mode under systemd-socket-activate --inetd -a: one server per connection",
          "[e2e][inetd]") {
    if (!have(activate)) {
        return;
    }
    const HeldPort held = held_tcp_port();
    Process inetd({activate, "--inetd", "-a", "-l", held.where, server_path(), "--inetd"});
    const echo::Socket first = connect_when_listening(held.port);
    const std::string big = random_bytes(1 << 20);
    CHECK(echo_of(first, big) == big);
    const echo::Socket second = connect_raw(held.port);
    CHECK(echo_of(second, "again") == "again");
    inetd.wait_for_line("disconnected (5 bytes echoed)");
    CHECK(inetd.err().find("disconnected (1048576 bytes echoed)") != std::string::npos);
    CHECK(inetd.err().find("[+] Client connected: 127.0.0.1:") != std::string::npos);
}

TEST_CASE("Inetd mode under socat EXEC: (a socket pair on standard input)", "[e2e][inetd]") {
    if (!have("/usr/bin/socat")) {
        return;
    }
    const echo::Socket reserve = reserve_port();
    const std::uint16_t port = echo::local_address(reserve.fd()).port();
    Process socat({"socat", "TCP-LISTEN:" + std::to_string(port) + ",bind=127.0.0.1,reuseaddr,fork",
                   "EXEC:" + server_path() + " --inetd"});
    const echo::Socket peer = connect_when_listening(port);
    CHECK(echo_of(peer, "through socat") == "through socat");
    socat.wait_for_line("[+] Client standard input disconnected (13 bytes echoed)");
}

TEST_CASE("Inetd mode as classic inetd starts it: the socket on 0, 1 and 2, no line in the echo",
          "[e2e][inetd]") {
    // The test is the super-server: it accepts, then python3 puts the connection on 0, 1 and 2.
    const echo::Socket listener = bind_loopback(SOCK_STREAM);
    const std::uint16_t port = echo::local_address(listener.fd()).port();
    const echo::Socket peer = connect_raw(port);
    echo::Socket accepted(::accept4(listener.fd(), nullptr, nullptr, 0)); // for python3 to inherit
    REQUIRE(accepted);
    const std::string exec_on_socket =
        "import os, sys; fd = int(sys.argv[1]); os.set_inheritable(fd, True); "
        "[os.dup2(fd, n) for n in (0, 1, 2)]; os.execv(sys.argv[2], sys.argv[2:])";
    Process server({"python3", "-c", exec_on_socket, std::to_string(accepted.fd()), server_path(),
                    "--inetd", "-v"});
    accepted.reset();
    CHECK(echo_of(peer, "only the echo") == "only the echo");
    CHECK(server.wait_exit(patience(10s)) == 0);
}

TEST_CASE("Inetd mode with --udp serves the datagram socket on standard input until stopped",
          "[e2e][inetd][udp]") {
    Process server({"python3", "-c", exec_on_udp, server_path(), "--inetd", "--udp"});
    const std::string printed = server.wait_for_output("\n");
    const auto port = static_cast<std::uint16_t>(std::stoul(printed));
    const echo::Socket sender = connect_raw(port, "127.0.0.1", SOCK_DGRAM);
    CHECK(datagram_echo(sender, "one") == "one");
    CHECK(datagram_echo(sender, "two") == "two");
    CHECK(stopped_cleanly(server).find("Stopped by signal; 2 datagrams (6 bytes) echoed") !=
          std::string::npos);
}

TEST_CASE("Inetd mode with --udp --idle-timeout gives the socket back when idle (dgram wait)",
          "[e2e][inetd][udp]") {
    Process server(
        {"python3", "-c", exec_on_udp, server_path(), "--inetd", "--udp", "--idle-timeout", "5"});
    const auto port = static_cast<std::uint16_t>(std::stoul(server.wait_for_output("\n")));
    const echo::Socket sender = connect_raw(port, "127.0.0.1", SOCK_DGRAM);
    CHECK(datagram_echo(sender, "one") == "one");
    const auto done = server.finish("", patience(20s));
    CHECK(done.exit_code == 0);
    CHECK(done.err.find("No datagram for 5 s; 1 datagram (3 bytes) echoed") != std::string::npos);
}

TEST_CASE("Inetd mode on pipes echoes standard input to standard output", "[e2e][inetd]") {
    const std::string input = random_bytes(300'000);
    const auto done = run({server_path(), "--inetd"}, input);
    CHECK(done.exit_code == 0);
    CHECK(done.out == input);
    CHECK(done.err == "[+] Client standard input disconnected (300000 bytes echoed)\n");
    const auto refused = run({server_path(), "--inetd", "-k"});
    CHECK(refused.exit_code == 2);
    const auto not_udp = run({server_path(), "--inetd", "--udp"}, "x");
    CHECK(not_udp.exit_code == 1);
    CHECK(not_udp.err == "echo-server: --inetd --udp: standard input is not a UDP socket\n");
}
