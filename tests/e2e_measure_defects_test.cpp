// SPDX-License-Identifier: MIT
// echo-client's measuring mode (-c, -s) under Ctrl-C, over many rounds, and its figures.
#include "catch.hpp"
#include "process.hpp"

#include "echo/net.hpp"
#include "echo/resolve.hpp"

#include <csignal>
#include <sstream>
#include <string>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace echo::test;

namespace {

std::vector<std::string> measuring(const std::string& port, bool udp,
                                   std::vector<std::string> extra) {
    std::vector<std::string> argv{client_path(), "-H", "127.0.0.1", "-p", port};
    if (udp) {
        argv.emplace_back("-u");
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

struct Rounds {
    unsigned long long sent = 0;
    unsigned long long echoed = 0;
};

// The "N rounds sent, M echoed" of a summary.
Rounds rounds(const std::string& summary) {
    const std::size_t at = summary.find(" rounds sent, ");
    REQUIRE(at != std::string::npos);
    const std::size_t line = summary.rfind('\n', at);
    std::istringstream in(summary.substr(line == std::string::npos ? 0 : line + 1));
    Rounds counted;
    std::string words;
    in >> counted.sent >> words >> words >> counted.echoed;
    REQUIRE(in);
    return counted;
}

// A run of a million rounds, 10 ms apart, stopped by `signal` once three rounds are done: the
// summary of the rounds so far, and the exit of a run whose every round was echoed.
void stop_after_three_rounds(bool udp, int signal) {
    Server server(udp ? std::vector<std::string>{"-u"} : std::vector<std::string>{"-k"});
    Process measured(
        measuring(server.port_text(), udp, {"-c", "1000000", "--interval", "0.01", "-v"}));
    measured.wait_for_output("round=3 ");
    measured.signal(signal);
    const auto reply = measured.finish("", 5s);
    CHECK(reply.exit_code == 0);
    CHECK(reply.out.find(std::string(udp ? " udp" : " tcp") + " echo statistics ---\n") !=
          std::string::npos);
    const Rounds counted = rounds(reply.out);
    CHECK(counted.sent >= 3);
    CHECK(counted.sent < 1000000);
    CHECK(counted.echoed == counted.sent); // the round in flight at the signal is not counted
    CHECK(reply.out.find("rtt min/avg/") != std::string::npos);
}

// A TCP listener that never accepts: the kernel completes the handshake, nobody ever echoes.
struct SilentListener {
    echo::Socket listener = echo::bind_to(
        echo::resolve("127.0.0.1", 0, echo::Family::ipv4, SOCK_STREAM, true)[0], SOCK_STREAM);
    std::string port = std::to_string(echo::local_address(listener.fd()).port());
};

// Runs `argv` with its output to /dev/null and returns its peak resident memory in KiB (what
// /proc/PID/status shows as VmHWM, from wait4's rusage), REQUIREing that it succeeded.
long peak_rss_kib(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const std::string& arg : argv) {
        args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    REQUIRE(posix_spawn_file_actions_init(&actions) == 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(spawned == 0);
    int status = 0;
    rusage usage{};
    REQUIRE(::wait4(pid, &status, 0, &usage) == pid);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    return usage.ru_maxrss;
}

// The peak memory of measuring runs of 1,000 and of 200,000 rounds.
void memory_does_not_grow_with_count(bool udp) {
    Server server(udp ? std::vector<std::string>{"-u"} : std::vector<std::string>{"-k"});
    const long few = peak_rss_kib(measuring(server.port_text(), udp, {"-c", "1000"}));
    const long many = peak_rss_kib(measuring(server.port_text(), udp, {"-c", "200000"}));
    INFO("peak RSS at 1,000 rounds: " << few << " KiB; at 200,000 rounds: " << many << " KiB");
    CHECK(many - few < 1024);
}

} // namespace

TEST_CASE("SIGINT during -c over TCP prints the rounds so far and exits 0", "[measure][stop]") {
    stop_after_three_rounds(false, SIGINT);
}

TEST_CASE("SIGTERM during -c over TCP prints the rounds so far and exits 0", "[measure][stop]") {
    stop_after_three_rounds(false, SIGTERM);
}

TEST_CASE("SIGINT during -c over UDP prints the rounds so far and exits 0",
          "[measure][udp][stop]") {
    stop_after_three_rounds(true, SIGINT);
}

TEST_CASE("SIGTERM during -c over UDP prints the rounds so far and exits 0",
          "[measure][udp][stop]") {
    stop_after_three_rounds(true, SIGTERM);
}

TEST_CASE("SIGINT wakes a pause of --interval at once", "[measure][stop]") {
    Server server({"-k"});
    Process measured(measuring(server.port_text(), false, {"-c", "5", "--interval", "60", "-v"}));
    measured.wait_for_output("round=1 ");
    measured.signal(SIGINT);
    const auto reply = measured.finish("", 5s); // not after the minute's pause
    CHECK(reply.exit_code == 0);
    CHECK(reply.out.find("1 rounds sent, 1 echoed") != std::string::npos);
}

TEST_CASE("SIGINT wakes a TCP round that waits for its echo; no echo at all exits 1",
          "[measure][stop]") {
    const SilentListener silent;
    Process measured(measuring(silent.port, false, {"-c", "5", "-t", "60", "-v"}));
    measured.wait_for_line("[>] 15 bytes to 127.0.0.1:");
    measured.signal(SIGINT);
    const auto reply = measured.finish("", 5s); // not after the minute's timeout
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.find("0 rounds sent, 0 echoed") != std::string::npos);
    CHECK(reply.err.find("echo-client: stopped before any echo came back\n") != std::string::npos);
}

TEST_CASE("SIGINT wakes a UDP round that waits for its echo", "[measure][udp][stop]") {
    // A bound UDP socket that nobody reads: every datagram sent there is lost.
    const echo::Socket sink = echo::bind_to(
        echo::resolve("127.0.0.1", 0, echo::Family::ipv4, SOCK_DGRAM, true)[0], SOCK_DGRAM);
    const std::string port = std::to_string(echo::local_address(sink.fd()).port());
    Process measured(measuring(port, true, {"-c", "5", "-t", "60", "-v"}));
    measured.wait_for_line("[>] 23 bytes to 127.0.0.1:");
    measured.signal(SIGINT);
    const auto reply = measured.finish("", 5s);
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.find("0 rounds sent, 0 echoed") != std::string::npos);
    CHECK(reply.err.find("echo-client: stopped before any echo came back\n") != std::string::npos);
}

TEST_CASE("The memory of -c over TCP does not grow with the count", "[measure][memory]") {
    memory_does_not_grow_with_count(false);
}

TEST_CASE("The memory of -c over UDP does not grow with the count", "[measure][udp][memory]") {
    memory_does_not_grow_with_count(true);
}
