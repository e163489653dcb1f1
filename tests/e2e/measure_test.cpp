// SPDX-License-Identifier: MIT
// echo-client as a measuring instrument and both programs' -v view of the wire, over TCP.
#include "catch.hpp"
#include "process.hpp"
#include "rtt_figures.hpp"
#include "sockets.hpp"
#include "trace_lines.hpp"

#include "echo/address.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"

#include <cstdlib>
#include <sstream>
#include <string>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace echo::test;

namespace {

// A lying TCP peer: echoes everything, but byte `flip` (counted from 0 over the whole
// connection) comes back changed.
struct LyingPeer {
    echo::Socket listener = bind_loopback(SOCK_STREAM);
    std::string port = port_of(listener);

    void serve_one(std::size_t flip) const {
        REQUIRE(echo::wait_for(listener.fd(), POLLIN, 10s));
        auto accepted = echo::accept_peer(listener.fd());
        REQUIRE(accepted);
        echo::set_nonblocking(accepted->socket.fd(), false);
        std::size_t offset = 0;
        char chunk[4096];
        for (;;) {
            const ssize_t n = ::read(accepted->socket.fd(), chunk, sizeof(chunk));
            if (n <= 0) {
                return;
            }
            for (ssize_t i = 0; i < n; ++i, ++offset) {
                if (offset == flip) {
                    chunk[i] = static_cast<char>(chunk[i] ^ 0x20);
                }
            }
            if (echo::write_all(accepted->socket.fd(),
                                std::as_bytes(std::span(chunk, static_cast<std::size_t>(n))))
                    .status != echo::IoStatus::ok) {
                return;
            }
        }
    }
};

} // namespace

TEST_CASE("Statistics over TCP: count matches and min <= median <= max", "[measure]") {
    Server server;
    const auto reply = run(tcp_client(server, {"-c", "20", "-s", "1000"}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out.rfind("--- 127.0.0.1:" + server.port_text() + " tcp echo statistics ---\n",
                          0) == 0);
    CHECK(reply.out.find("20 rounds sent, 20 echoed, 1000 bytes each") != std::string::npos);
    const auto rtt = rtt_figures(reply.out);
    CHECK(rtt[0] > 0);
    CHECK(rtt[0] <= rtt[2]); // min <= median
    CHECK(rtt[2] <= rtt[4]); // median <= max
    CHECK(rtt[0] <= rtt[1]); // min <= avg
    CHECK(rtt[1] <= rtt[4]); // avg <= max
    CHECK(rtt[3] <= rtt[4]); // p99 <= max
    CHECK(reply.out.find("throughput ") != std::string::npos);
    const auto done = server.process.finish();
    CHECK(done.exit_code == 0);
    CHECK(done.err.find("(20000 bytes echoed)") != std::string::npos); // one connection for all
}

TEST_CASE("Verbose statistics print one line per round", "[measure]") {
    Server server;
    const auto reply = run(tcp_client(server, {"-c", "3", "-v", "--interval", "0.01"}));
    CHECK(reply.exit_code == 0);
    for (const char* round : {"round=1 ", "round=2 ", "round=3 "}) {
        CHECK(reply.out.find(std::string("15 bytes from 127.0.0.1:")) != std::string::npos);
        CHECK(reply.out.find(round) != std::string::npos);
    }
    CHECK(reply.out.find("round=4 ") == std::string::npos);
}

TEST_CASE("JSON output (--json) is one parseable object with every figure", "[measure]") {
    Server server;
    const auto reply = run(tcp_client(server, {"-c", "5", "--json"}));
    CHECK(reply.exit_code == 0);
    const std::string check =
        "import json,sys; d=json.loads(sys.stdin.read()); r=d['rtt_us'];"
        "assert d['protocol']=='tcp' and d['rounds_sent']==5 and d['rounds_echoed']==5;"
        "assert d['payload_bytes']==15 and d['loss_percent']==0;"
        "assert 0 < r['min'] <= r['median'] <= r['max'] and r['p99'] <= r['max'];"
        "assert r['stddev'] >= 0 and d['throughput_bytes_per_second'] > 0;"
        "assert d['server'].startswith('127.0.0.1:')";
    const auto parsed = run({"python3", "-c", check}, reply.out);
    CHECK(parsed.exit_code == 0);
    CHECK(parsed.err.empty());
}

TEST_CASE("A lying peer that flips one byte is a mismatch naming byte and round", "[measure]") {
    const LyingPeer liar;
    Process measured(tcp_client(liar.port, {"-c", "5", "-s", "10"}));
    liar.serve_one(2 * 10 + 6); // byte 7 of round 3
    const auto reply = measured.finish();
    CHECK(reply.exit_code == 1);
    CHECK(reply.err.find("echo-client: echo mismatch at byte 7 of round 3\n") != std::string::npos);
    CHECK(reply.out.find("3 rounds sent, 2 echoed") != std::string::npos);
}

TEST_CASE("The server's -v shows the hexdump of the greeting and the FIN", "[measure]") {
    Server server({"-v"});
    const auto reply = run(tcp_client(server, {}));
    CHECK(reply.exit_code == 0);
    const auto done = server.process.finish();
    CHECK(done.exit_code == 0);
    CHECK(untimed(done.err).find("[<] 15 bytes from 127.0.0.1:") != std::string::npos);
    CHECK(done.err.find("00000000  48 6f 6c 61 2c 20 73 65  72 76 69 64 6f 72 21     "
                        "|Hola, servidor!|") != std::string::npos);
    CHECK(untimed(done.err).find("[>] 15 bytes to 127.0.0.1:") != std::string::npos);
    CHECK(done.err.find("closed its write side after 15 bytes (FIN received)") !=
          std::string::npos);
    CHECK(done.err.find("shut down our write side to 127.0.0.1:") != std::string::npos);
    CHECK(done.err.find("15 bytes in (1 chunk), 15 bytes out (1 chunk)") != std::string::npos);
}

TEST_CASE("The client's -v shows what it sent and received", "[measure]") {
    Server server;
    const auto reply = run(tcp_client(server, {"-v", "Hola"}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "Hola\n"); // the trace goes to stderr only
    CHECK(untimed(reply.err).find("[>] 4 bytes to 127.0.0.1:") != std::string::npos);
    CHECK(reply.err.find("48 6f 6c 61") != std::string::npos);
    CHECK(reply.err.find("(FIN sent)") != std::string::npos);
}

TEST_CASE("Quiet and verbose together are a usage error", "[measure]") {
    for (const auto& program : {server_path(), client_path()}) {
        const auto reply = run({program, "-q", "-v"});
        CHECK(reply.exit_code == 2);
        CHECK(reply.err.find("exclude each other (try --help)") != std::string::npos);
    }
}

TEST_CASE("Interactive mode reads lines without a terminal", "[measure]") {
    Server server;
    const auto reply = run(tcp_client(server, {"-i"}), "uno\ndos\n");
    CHECK(reply.exit_code == 0);
    CHECK(reply.out.rfind("uno  (", 0) == 0);
    CHECK(reply.out.find("\ndos  (") != std::string::npos);
    CHECK(reply.out.find(" us)\n") != std::string::npos);
    CHECK(reply.err.find("echo> ") == std::string::npos); // no prompt without a terminal
}

TEST_CASE("Interactive mode through a pseudo-terminal: prompt, echo, Ctrl-D", "[measure]") {
    Server server;
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    REQUIRE(master >= 0);
    REQUIRE(::grantpt(master) == 0);
    REQUIRE(::unlockpt(master) == 0);
    const std::string terminal = ::ptsname(master);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    for (const int fd : {0, 1, 2}) {
        posix_spawn_file_actions_addopen(&actions, fd, terminal.c_str(), O_RDWR, 0);
    }
    const auto argv_strings = tcp_client(server, {"-i"});
    std::vector<char*> argv;
    argv.reserve(argv_strings.size() + 1);
    for (const auto& arg : argv_strings) {
        argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    pid_t pid = -1;
    REQUIRE(::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);

    std::string screen;
    const auto read_until = [&](const std::string& needle) {
        while (screen.find(needle) == std::string::npos) {
            REQUIRE(echo::wait_for(master, POLLIN, 10s));
            char chunk[1024];
            const ssize_t n = ::read(master, chunk, sizeof(chunk));
            REQUIRE(n > 0);
            screen.append(chunk, static_cast<std::size_t>(n));
        }
    };
    read_until("echo> ");
    const std::string typed = "hola pty\n";
    REQUIRE(::write(master, typed.data(), typed.size()) == static_cast<ssize_t>(typed.size()));
    read_until("hola pty  (");
    read_until(" us)");
    const char ctrl_d = 4;
    REQUIRE(::write(master, &ctrl_d, 1) == 1);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    ::close(master);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(server.process.finish().exit_code == 0);
}
