// SPDX-License-Identifier: MIT
// The real binaries, end to end, on loopback and port 0.
#include "catch.hpp"
#include "peers.hpp"
#include "process.hpp"
#include "sockets.hpp"

#include "echo/address.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"

#include <algorithm>
#include <csignal>
#include <string>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace echo::test;

namespace {} // namespace

TEST_CASE("The greeting comes back and the server exits after its one peer", "[e2e]") {
    Server server;
    const auto reply = run(tcp_client(server, {}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "Hola, servidor!\n");
    CHECK(reply.err.find("[+] Connected to 127.0.0.1:" + server.port_text() + " (TCP)") !=
          std::string::npos);

    const auto done = server.process.finish();
    CHECK(done.exit_code == 0);
    CHECK(done.err.find("[+] Client connected: 127.0.0.1:") != std::string::npos);
    CHECK(done.err.find("disconnected (15 bytes echoed)") != std::string::npos);
}

TEST_CASE("The Listening line is exact", "[e2e]") {
    Server server;
    CHECK(first_line(server.process.err()) ==
          "[+] Listening on 127.0.0.1:" + server.port_text() + " (TCP)\n");
}

TEST_CASE("Words are sent joined by single spaces", "[e2e]") {
    Server server;
    const auto reply = run(tcp_client(server, {"hello", "big", "world"}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "hello big world\n");
}

TEST_CASE("A 100 KiB message comes back whole", "[e2e]") {
    Server server;
    std::string message = random_bytes(100 * 1024, 7);
    for (char& c : message) {
        c = static_cast<char>('a' + static_cast<unsigned char>(c) % 26); // printable, no NUL
    }
    const auto reply = run(tcp_client(server, {message}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == message + "\n");
}

TEST_CASE("8 MiB of random bytes stream through echo-client -", "[e2e]") {
    Server server;
    const std::string data = random_bytes(8 * 1024 * 1024, 42);
    const auto reply = run(tcp_client(server, {"-"}), data, 60s);
    CHECK(reply.exit_code == 0);
    CHECK(reply.out.size() == data.size());
    CHECK(reply.out == data);
    CHECK(server.process.finish().exit_code == 0);
}

TEST_CASE("The server echoes the same through splice and through --no-splice", "[e2e]") {
    const std::string data = random_bytes(8 * 1024 * 1024 + 5, 43);
    for (const bool splice : {true, false}) {
        CAPTURE(splice);
        Server server(splice ? std::vector<std::string>{}
                             : std::vector<std::string>{"--no-splice"});
        const auto reply = run(tcp_client(server, {"-"}), data, 60s);
        CHECK(reply.exit_code == 0);
        CHECK(reply.out == data);
        const auto done = server.process.finish();
        CHECK(done.exit_code == 0);
        CHECK(done.err.find("(8388613 bytes echoed)") != std::string::npos);
    }
    const auto help = run({server_path(), "--help"});
    CHECK(help.out.find("--no-splice") != std::string::npos);
}

#if defined(ECHO_REFUSE_SPLICE_PATH)
TEST_CASE("Where the kernel refuses splice the server echoes through its own buffer", "[e2e]") {
    const std::string data = random_bytes(4 * 1024 * 1024 + 3, 44);
    for (const char* error : {"EINVAL", "ENOSYS"}) {
        CAPTURE(error);
        // The filter really refuses splice here, or this test would prove nothing.
        REQUIRE(run({ECHO_REFUSE_SPLICE_PATH, error, "--probe"}).exit_code == 0);
        Process server(
            {ECHO_REFUSE_SPLICE_PATH, error, server_path(), "-H", "127.0.0.1", "-p", "0"});
        const std::uint16_t port = server.wait_listening();
        const auto reply =
            run({client_path(), "-H", "127.0.0.1", "-p", std::to_string(port), "-"}, data, 60s);
        CHECK(reply.exit_code == 0);
        CHECK(reply.out == data);
        const auto done = server.finish();
        CHECK(done.exit_code == 0);
        CHECK(done.err.find("(4194307 bytes echoed)") != std::string::npos);
    }
}
#endif

TEST_CASE("The server answers a half-close with everything, then its own FIN", "[e2e]") {
    Server server;
    echo::Socket socket = connect_raw(server.port);
    const std::string data = random_bytes(300 * 1024, 3);
    REQUIRE(echo::write_all(socket.fd(), std::as_bytes(std::span(data))).status ==
            echo::IoStatus::ok);
    REQUIRE(::shutdown(socket.fd(), SHUT_WR) == 0);
    CHECK(read_to_eof(socket.fd()) == data);
    const auto done = server.process.finish();
    CHECK(done.exit_code == 0);
    CHECK(done.err.find("(307200 bytes echoed)") != std::string::npos);
}

TEST_CASE("A refused connection is an error line naming the address then hints, exit 1", "[e2e]") {
    // A bound but not listening socket: its port refuses connections.
    echo::Socket holder = echo::open_socket(AF_INET, SOCK_STREAM);
    echo::Address any = echo::resolve("127.0.0.1", 0, echo::Family::ipv4, SOCK_STREAM, true)[0];
    REQUIRE(::bind(holder.fd(), any.data(), any.size()) == 0);
    const std::string port = std::to_string(echo::local_address(holder.fd()).port());
    const auto reply = run({client_path(), "-H", "127.0.0.1", "-p", port});
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.empty());
    // The error line first and exact; the hints after it are hints_test's.
    CHECK(first_line(reply.err) ==
          "echo-client: connect to 127.0.0.1:" + port + ": Connection refused\n");
    CHECK(count_of(reply.err, "\n") == 1 + count_of(reply.err, "\n[hint] "));
}

TEST_CASE("A port in use is one line naming the address, exit 1", "[e2e]") {
    Server first;
    const auto second = run({server_path(), "-H", "127.0.0.1", "-p", first.port_text()});
    CHECK(second.exit_code == 1);
    CHECK(second.err ==
          "echo-server: bind 127.0.0.1:" + first.port_text() + ": Address already in use\n");
}

TEST_CASE("An unknown host is named as given", "[e2e]") {
    const auto reply = run({client_path(), "-H", "no-such-host.invalid", "-p", "9"});
    CHECK(reply.exit_code == 1);
    CHECK(reply.err.rfind("echo-client: resolve no-such-host.invalid: ", 0) == 0);
    CHECK(std::count(reply.err.begin(), reply.err.end(), '\n') == 1);
}

TEST_CASE("Bad usage exits 2 with a hint, help and version exit 0", "[e2e]") {
    for (const auto& program : {server_path(), client_path()}) {
        CAPTURE(program);
        const auto bad = run({program, "--bogus"});
        CHECK(bad.exit_code == 2);
        CHECK(bad.err.find("unknown option --bogus (try --help)\n") != std::string::npos);
        CHECK(bad.out.empty());
        const auto port = run({program, "-p", "70000"});
        CHECK(port.exit_code == 2);
        CHECK(port.err.find("'70000'") != std::string::npos);
        const auto help = run({program, "--help"});
        CHECK(help.exit_code == 0);
        CHECK(help.out.rfind("Usage: ", 0) == 0);
        const auto version = run({program, "-V"});
        CHECK(version.exit_code == 0);
        CHECK(version.out.find(" " ECHO_TEST_VERSION "\n") != std::string::npos);
    }
    CHECK(run({client_path(), "-p", "0"}).exit_code == 2);
    CHECK(run({client_path(), "-t", "-1"}).exit_code == 2);
    CHECK(run({server_path(), "stray"}).exit_code == 2);
}

TEST_CASE("SIGTERM and SIGINT stop a waiting server with exit 0", "[e2e]") {
    for (const int signal : {SIGTERM, SIGINT}) {
        Server server;
        server.process.signal(signal);
        const auto done = server.process.finish("", 5s);
        CHECK(done.exit_code == 0);
    }
}

TEST_CASE("A server started with SIGINT ignored keeps ignoring it and SIGTERM still stops it",
          "[e2e]") {
    // As a script's background job: Ctrl-C at the terminal is for the script, not for us.
    Process server({"sh", "-c", R"(trap "" INT; exec "$0" -k -H 127.0.0.1 -p 0)", server_path()});
    const std::string port = std::to_string(server.wait_listening());
    server.signal(SIGINT);
    const auto reply = run({client_path(), "-H", "127.0.0.1", "-p", port, "still", "here"});
    CHECK(reply.out == "still here\n");
    server.signal(SIGTERM);
    const auto done = server.finish("", 10s);
    CHECK(done.exit_code == 0);
    CHECK(done.err.find("Stopped by signal") != std::string::npos);
}

TEST_CASE("SIGTERM stops a server in the middle of a peer, exit 0", "[e2e]") {
    Server server;
    echo::Socket socket = connect_raw(server.port);
    server.process.wait_for_line("Client connected");
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 5s);
    CHECK(done.exit_code == 0);
    CHECK(read_to_eof(socket.fd()).empty()); // the server closed our connection
}

TEST_CASE("SIGTERM stops a server blocked on a peer that never reads its echo, exit 0", "[e2e]") {
    for (const std::vector<std::string>& extra :
         {std::vector<std::string>{}, std::vector<std::string>{"--no-splice"}}) {
        CAPTURE(extra);
        Server server(extra);
        echo::Socket socket = connect_raw(server.port);
        server.process.wait_for_line("Client connected");
        // Send until our writes block: the server's echo then has nowhere to go.
        echo::set_nonblocking(socket.fd(), true);
        const std::string chunk(64 * 1024, 'b');
        for (std::size_t sent = 0; sent < 256 * 1024 * 1024;) {
            const auto result = echo::send_some(socket.fd(), std::as_bytes(std::span(chunk)));
            if (result.status == echo::IoStatus::ok) {
                sent += result.bytes;
            } else if (!echo::wait_for(socket.fd(), POLLOUT, 1s)) {
                break;
            }
        }
        server.process.signal(SIGTERM);
        const auto done = server.process.finish("", 10s);
        CHECK(done.exit_code == 0);
        CHECK(done.err.find("Stopped by signal") != std::string::npos);
    }
}

TEST_CASE("IPv6 loopback works in both programs", "[e2e]") {
    Server server({}, "::1");
    CHECK(first_line(server.process.err()) ==
          "[+] Listening on [::1]:" + server.port_text() + " (TCP)\n");
    const auto reply = run({client_path(), "-H", "::1", "-p", server.port_text(), "-6", "v6"});
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "v6\n");
    CHECK(reply.err.find("Connected to [::1]:") != std::string::npos);
}

TEST_CASE("Every address of a name is served", "[e2e]") {
    Process server({server_path(), "-H", "localhost", "-p", "0"});
    const std::uint16_t port = server.wait_listening();
    const auto addresses = echo::resolve("localhost", port, echo::Family::any, SOCK_STREAM, true);
    for (std::size_t i = 1; i < addresses.size(); ++i) {
        server.wait_for_line("[+] Listening on ");
    }
    for (const auto& address : addresses) {
        CHECK(server.err().find("Listening on " + address.to_string() + " (TCP)") !=
              std::string::npos);
    }
    const auto reply = run({client_path(), "-p", std::to_string(port), "local"});
    CHECK(reply.out == "local\n");
}

TEST_CASE("OpenBSD nc -N is a real client", "[e2e]") {
    Server server;
    const auto reply = run({"nc", "-N", "127.0.0.1", server.port_text()}, "x\nline two\n");
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "x\nline two\n");
    CHECK(server.process.finish().exit_code == 0);
}

TEST_CASE("Quiet mode (-q) keeps only errors", "[e2e]") {
    // A quiet server prints no Listening line, so the test reserves its port: a socket bound
    // with SO_REUSEADDR but not listening keeps the port from other tests, yet lets the server
    // bind it. Readiness is then probed by connecting, each probe a real check.
    const echo::Socket reserve = reserve_port();
    const std::uint16_t port = echo::local_address(reserve.fd()).port();
    Process server({server_path(), "-q", "-H", "127.0.0.1", "-p", std::to_string(port)});

    const echo::Socket peer = connect_when_listening(port);
    const std::string data = "quiet";
    (void)echo::write_all(peer.fd(), std::as_bytes(std::span(data)));
    ::shutdown(peer.fd(), SHUT_WR);
    CHECK(read_to_eof(peer.fd()) == "quiet");
    const auto done = server.finish("", 10s);
    CHECK(done.exit_code == 0);
    CHECK(done.err.empty());

    const auto reply = run({client_path(), "-q", "-H", "127.0.0.1", "-p", std::to_string(port)});
    CHECK(reply.exit_code == 1);
    CHECK(reply.err ==
          "echo-client: connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused\n");
}

TEST_CASE("A closed stderr does not stop the server", "[e2e]") {
    Server server;
    server.process.close_stderr(); // the script that read "Listening on" went away
    const auto reply = run(tcp_client(server, {"still", "here"}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "still here\n");
    CHECK(server.process.finish().exit_code == 0);
}

TEST_CASE("A peer that resets is an error line and exit 1, not a signal", "[e2e]") {
    Server server;
    {
        echo::Socket socket = connect_raw(server.port);
        const std::string data(256 * 1024, 'r');
        (void)echo::write_all(socket.fd(), std::as_bytes(std::span(data)));
        reset_on_close(socket.fd());
    } // closed with unread echo and linger 0: a reset
    const auto done = server.process.finish("", 10s);
    CHECK(done.exit_code == 1);
    CHECK(done.err.find("echo-server: ") != std::string::npos);
    CHECK((done.err.find("Connection reset by peer") != std::string::npos ||
           done.err.find("Broken pipe") != std::string::npos));
}

TEST_CASE("A message whose echo differs is a mismatch, exit 1", "[e2e]") {
    // A lying peer: echoes with the third byte changed.
    echo::Socket listener = bind_loopback(SOCK_STREAM);
    const std::string port = port_of(listener);
    Process client_process(tcp_client(port, {"abcdef"}));
    REQUIRE(echo::wait_for(listener.fd(), POLLIN, 10s));
    auto accepted = echo::accept_peer(listener.fd());
    REQUIRE(accepted);
    echo::set_nonblocking(accepted->socket.fd(), false);
    // The client sends its FIN only after the whole echo: read the message, not to its end.
    std::string got(6, '\0');
    REQUIRE(::recv(accepted->socket.fd(), got.data(), got.size(), MSG_WAITALL) == 6);
    REQUIRE(got == "abcdef");
    got[2] = 'X';
    (void)echo::write_all(accepted->socket.fd(), std::as_bytes(std::span(got)));
    const auto reply = client_process.finish();
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.empty());
    CHECK(reply.err.find("echo-client: echo mismatch at byte 3 of 6\n") != std::string::npos);
}
