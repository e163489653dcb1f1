// SPDX-License-Identifier: MIT
// The client against servers that lie or stall, and against input it cannot take: it must say so
// and exit 1, never report success it did not check, never wait without a bound once it has
// nothing more to send, and never hold more than a stated amount of memory.
#include "catch.hpp"
#include "peers.hpp"
#include "process.hpp"
#include "sockets.hpp"

#include "echo/address.hpp"
#include "echo/datagram.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <functional>
#include <future>
#include <string>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace echo::test;

namespace {

// Echoes every chunk at once, as a real echo server does; at the peer's FIN, `tail`, then closes.
void echo_then_append(int fd, const std::string& tail) {
    std::array<char, 65536> chunk{};
    for (ssize_t n = 0; (n = ::recv(fd, chunk.data(), chunk.size(), 0)) > 0;) {
        (void)echo::write_all(fd,
                              std::as_bytes(std::span(chunk).first(static_cast<std::size_t>(n))));
    }
    (void)echo::write_all(fd, bytes(tail));
}

// ncat --exec /bin/cat in small: what it reads goes through a "pipe" that takes a moment (up to
// 1 s here, the time cat would take under load), and the FIN ends everything at once: whatever
// was not yet echoed when the FIN arrives is never echoed.
void echo_unless_fin_first(int fd, const std::shared_future<void>& /*released*/) {
    std::string held;
    std::array<char, 65536> chunk{};
    for (;;) {
        if (!held.empty() && !echo::wait_for(fd, POLLIN, 1s)) {
            (void)echo::write_all(fd, bytes(held)); // the pipe delivered before any FIN came
            held.clear();
            continue;
        }
        const ssize_t n = ::recv(fd, chunk.data(), chunk.size(), 0);
        if (n <= 0) {
            return; // the FIN (or a failure) kills the echo, held bytes and all
        }
        held.append(chunk.data(), static_cast<std::size_t>(n));
    }
}

// Runs the client through /usr/bin/time, which adds "maxrss N" (KiB) to its standard error.
std::vector<std::string> measured(const std::vector<std::string>& argv) {
    std::vector<std::string> command{"/usr/bin/time", "-f", "maxrss %M"};
    command.insert(command.end(), argv.begin(), argv.end());
    return command;
}

long max_rss_kib(const std::string& err) {
    const std::size_t at = err.rfind("maxrss ");
    REQUIRE(at != std::string::npos);
    return std::stol(err.substr(at + 7));
}

// A UDP fake server: it drops the first copy of every datagram (a datagram that differs from
// the one before) and echoes a copy sent again, until destroyed.
class FirstCopyLost {
  public:
    [[nodiscard]] const std::string& port() const { return server_.port(); }
    [[nodiscard]] int dropped() const { return dropped_; }

  private:
    // cppcheck-suppress unusedPrivateFunction ; called by server_'s thread, through the lambda
    std::vector<std::string> answer(const std::string& datagram) {
        if (first_ || datagram != previous_) {
            first_ = false;
            previous_ = datagram;
            ++dropped_;
            return {};
        }
        return {datagram};
    }

    std::string previous_; // all used on the server's thread, which ends before they go
    bool first_ = true;
    std::atomic<int> dropped_{0};
    FakeUdpServer server_{[this](int, const std::string& datagram) { return answer(datagram); }};
};

} // namespace

// --- 6: -u -i is UDP, with the resends and limits of -u ---

TEST_CASE("Interactive UDP resends a lost datagram for every line", "[e2e][udp][interactive]") {
    FirstCopyLost server;
    const auto reply =
        run({client_path(), "-u", "-i", "-t", "0.5", "-H", "127.0.0.1", "-p", server.port()},
            "uno\ndos\ntres\n");
    CAPTURE(reply.err);
    CHECK(reply.exit_code == 0);
    CHECK(reply.out.rfind("uno  (", 0) == 0);
    CHECK(contains(reply.out, "\ndos  ("));
    CHECK(contains(reply.out, "\ntres  ("));
    CHECK(count_of(reply.err, "yet; sending again (try 2 of 3)") == 3);
    CHECK(server.dropped() == 3);
}

TEST_CASE("Interactive UDP reports a line too long for a datagram and goes on with the next",
          "[e2e][udp][interactive]") {
    Server server({"-u"});
    const std::string too_long(70000, 'x');
    const auto reply = run({client_path(), "-u", "-i", "-H", "127.0.0.1", "-p", server.port_text()},
                           "uno\n" + too_long + "\ndos\n");
    CAPTURE(reply.err);
    CHECK(reply.out.rfind("uno  (", 0) == 0);
    CHECK(contains(reply.out, "\ndos  ("));
    CHECK(!contains(reply.out, "xxx"));
    CHECK(contains(reply.err, "echo-client: a line of 70001 bytes does not fit in one UDP "
                              "datagram (at most 65507 bytes): not sent\n"));
    CHECK(reply.exit_code == 1); // not every line was echoed
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    CHECK(contains(done.err, "2 datagrams (8 bytes) echoed"));
}

// --- 7: message mode reads the whole echo before its FIN, then checks that nothing follows ---

TEST_CASE("A message gets its echo from a server that ends everything at the client's FIN",
          "[e2e][message]") {
    const FakeTcpServer server(echo_unless_fin_first);
    const auto reply = run(tcp_client(server.port(), {"hello"}));
    CAPTURE(reply.err);
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "hello\n");
}

TEST_CASE("A message whose echo has 5 bytes too many is an error and exit 1", "[e2e][message]") {
    const FakeTcpServer server([](int fd, const std::shared_future<void>& /*released*/) {
        echo_then_append(fd, "XXXXX");
    });
    const auto reply = run(tcp_client(server.port(), {"hello"}));
    CAPTURE(reply.err);
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.empty());
    CHECK(contains(reply.err, "echo-client: 5 bytes more than sent came back from 127.0.0.1:" +
                                  server.port() + "\n"));
}

TEST_CASE("A message gets its echo from ncat --exec /bin/cat three times in three",
          "[e2e][message]") {
    if (::access("/usr/bin/ncat", X_OK) != 0) {
        WARN("ncat is not installed: skipped");
        return;
    }
    // A free port: bound on port 0 and released just before ncat takes it.
    std::string port;
    {
        const echo::Socket probe = bind_loopback(SOCK_STREAM);
        port = port_of(probe);
    }
    Process ncat({"/usr/bin/ncat", "-v", "-l", "-k", "127.0.0.1", port, "--exec", "/bin/cat"});
    ncat.wait_for_line("Listening on");
    for (int attempt = 1; attempt <= 3; ++attempt) {
        CAPTURE(attempt);
        const auto reply = run(tcp_client(port, {}));
        CAPTURE(reply.err);
        CHECK(reply.exit_code == 0);
        CHECK(reply.out == "Hola, servidor!\n");
    }
}

TEST_CASE("A message whose server keeps the connection open after the echo ends after -t",
          "[e2e][message]") {
    const FakeTcpServer server([](int fd, const std::shared_future<void>& released) {
        std::array<char, 5> got{};
        if (::recv(fd, got.data(), got.size(), MSG_WAITALL) == 5) {
            (void)::send(fd, got.data(), got.size(), MSG_NOSIGNAL);
        }
        released.wait_for(60s); // never closes, never sends more
    });
    const auto reply = run(tcp_client(server.port(), {"-t", "0.5", "hello"}), "", 20s);
    CAPTURE(reply.err);
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "hello\n");
    CHECK(contains(reply.err, "[+] 127.0.0.1:" + server.port() +
                                  " sent nothing more but kept the connection open for the "
                                  "timeout\n"));
}

// --- 8: stream mode checks every byte, within a bounded window, and -t after the input ---

TEST_CASE("A stream echoed reversed is a mismatch at byte 1 and exit 1", "[e2e][stream]") {
    const FakeTcpServer server([](int fd, const std::shared_future<void>& /*released*/) {
        std::string got = drain(fd);
        std::reverse(got.begin(), got.end());
        (void)echo::write_all(fd, bytes(got));
    });
    const auto reply = run(tcp_client(server.port(), {"-"}), "hello\n");
    CAPTURE(reply.err);
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.empty());
    CHECK(contains(reply.err, "echo-client: echo mismatch at byte 1\n"));
    CHECK(!contains(reply.err, "[+] Sent "));
}

TEST_CASE("A stream echoed with 5 bytes too many is an error and exit 1", "[e2e][stream]") {
    const FakeTcpServer server([](int fd, const std::shared_future<void>& /*released*/) {
        echo_then_append(fd, "XXXXX");
    });
    const auto reply = run(tcp_client(server.port(), {"-"}), "hello\n");
    CAPTURE(reply.err);
    CHECK(reply.exit_code == 1);
    CHECK(reply.out == "hello\n"); // only what was checked reaches standard output
    CHECK(contains(reply.err, "echo-client: 5 bytes more than sent came back from 127.0.0.1:" +
                                  server.port() + "\n"));
}

TEST_CASE("A stream whose server floods after the echo is counted for at most -t",
          "[e2e][stream]") {
    const FakeTcpServer server([](int fd, const std::shared_future<void>& released) {
        const std::string got = drain(fd);
        (void)echo::write_all(fd, bytes(got));
        const std::string flood(4096, 'f');
        while (released.wait_for(0s) != std::future_status::ready &&
               ::send(fd, flood.data(), flood.size(), MSG_NOSIGNAL) > 0) {
        }
    });
    const auto start = std::chrono::steady_clock::now();
    const auto reply = run(tcp_client(server.port(), {"-t", "0.5", "-"}), "abcdef", 20s);
    const auto took = std::chrono::steady_clock::now() - start;
    CAPTURE(reply.err);
    CHECK(reply.exit_code == 1);
    CHECK(reply.out == "abcdef");
    CHECK(contains(reply.err, "echo-client: at least "));
    CHECK(contains(reply.err, " bytes more than sent came back from 127.0.0.1:" + server.port()));
    CHECK(took < patience(5s));
}

TEST_CASE("A stream whose echo stops after the end of input ends after -t with the counts",
          "[e2e][stream]") {
    const FakeTcpServer server([](int fd, const std::shared_future<void>& released) {
        const std::string got = drain(fd);
        (void)echo::write_all(fd, bytes(got.substr(0, 3)));
        released.wait_for(60s); // and then silence, the connection still open
    });
    const auto start = std::chrono::steady_clock::now();
    const auto reply = run(tcp_client(server.port(), {"-t", "0.5", "-"}), "abcdef", 20s);
    const auto took = std::chrono::steady_clock::now() - start;
    CAPTURE(reply.err);
    CHECK(reply.exit_code == 1);
    CHECK(reply.out == "abc");
    CHECK(contains(reply.err, "echo-client: no echo from 127.0.0.1:" + server.port() +
                                  " within the timeout after the end of input (3 of 6 bytes "
                                  "back)\n"));
    CHECK(took < patience(5s));
}

TEST_CASE("A stream to a server that echoes only after the end of input ends after -t once the "
          "window is full",
          "[e2e][stream]") {
    // The server waits for a FIN that never comes: past 4 MiB the client stops reading its input
    // (the window is full), so it would wait for ever without a bound.
    const FakeTcpServer server([](int fd, const std::shared_future<void>& /*released*/) {
        const std::string got = drain(fd);
        (void)echo::write_all(fd, bytes(got));
    });
    const auto start = std::chrono::steady_clock::now();
    const auto reply =
        run(tcp_client(server.port(), {"-t", "0.5", "-"}), random_bytes(5 * 1024 * 1024, 3), 30s);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.empty());
    CHECK(contains(reply.err, "echo-client: no echo from 127.0.0.1:" + server.port() +
                                  " within the timeout with the window of 4 MiB full and input "
                                  "still open (0 of 4194304 bytes back)\n"));
    CHECK(took < patience(10s));
}

TEST_CASE("A stream waits for its input without a timeout while the input is open",
          "[e2e][stream]") {
    Server server;
    Process client(tcp_client(server.port_text(), {"-t", "0.3", "-"}));
    client.write_stdin("abc");
    client.wait_for_output("abc");
    pollfd nothing{-1, 0, 0};
    ::poll(&nothing, 1, 1000); // the person at the keyboard pauses longer than -t
    client.write_stdin("def");
    const auto reply = client.finish();
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "abcdef");
    CHECK(contains(reply.err, "[+] Sent 6 bytes, received 6 bytes of echo\n"));
}

TEST_CASE("64 MiB stream through echo-server byte for byte in bounded client memory",
          "[e2e][stream][memory]") {
    Server server;
    const std::string data = random_bytes(64 * 1024 * 1024, 64);
    const auto reply = run(measured(tcp_client(server.port_text(), {"-"})), data, 120s);
    CAPTURE(reply.err);
    CHECK(reply.exit_code == 0);
    CHECK(reply.out.size() == data.size());
    CHECK(reply.out == data);
    const long peak = max_rss_kib(reply.err);
    INFO("echo-client maxrss " << peak << " KiB for 64 MiB");
    CHECK(peak < 16 * 1024);
    CHECK(server.process.finish().exit_code == 0);
}

// --- 9: -i reports input errors and limits its line ---

TEST_CASE("Interactive mode with a directory as input is a read error and exit 1",
          "[e2e][interactive]") {
    Server server;
    const auto reply =
        run({"/bin/sh", "-c", "exec \"$0\" -i -H 127.0.0.1 -p " + server.port_text() + " < /tmp",
             client_path()});
    CHECK(reply.exit_code == 1);
    CHECK(contains(reply.err, "echo-client: read standard input: Is a directory\n"));
}

TEST_CASE("Interactive mode refuses a line over 1 MiB with exit 1", "[e2e][interactive]") {
    Server server;
    const std::string line(2 * 1024 * 1024, 'x');
    const auto reply = run(tcp_client(server.port_text(), {"-i"}), "uno\n" + line + "\n");
    CAPTURE(reply.err.substr(0, 500));
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.rfind("uno  (", 0) == 0);
    CHECK(!contains(reply.out, "xxx"));
    CHECK(contains(reply.err, "echo-client: a line of standard input is longer than the limit of "
                              "1 MiB (1048576 bytes, newline included)\n"));
}

TEST_CASE("Interactive mode holds a bounded part of a 64 MiB line", "[e2e][interactive][memory]") {
    Server server;
    const std::string line(64 * 1024 * 1024, 'x');
    const auto reply = run(measured(tcp_client(server.port_text(), {"-i"})), line + "\n", 60s);
    CHECK(reply.exit_code == 1);
    const long peak = max_rss_kib(reply.err);
    INFO("echo-client -i maxrss " << peak << " KiB for a 64 MiB line");
    CHECK(peak < 16 * 1024);
}
