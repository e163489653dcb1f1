// SPDX-License-Identifier: MIT
// echo-client's measuring mode (-c, -s) under Ctrl-C, over many rounds, and its figures.
#include "catch.hpp"
#include "process.hpp"
#include "sockets.hpp"
#include "trace_lines.hpp"

#include "client_options.hpp"
#include "echo/datagram.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"
#include "rtt_histogram.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <csignal>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace echo::test;

namespace {

std::vector<std::string> measuring(const std::string& port, bool udp,
                                   std::vector<std::string> extra) {
    if (udp) {
        extra.insert(extra.begin(), "-u");
    }
    return tcp_client(port, extra);
}

struct Rounds {
    unsigned long long sent = 0;
    unsigned long long echoed = 0;
};

// The "N rounds sent, M echoed" ("1 round sent") of a summary: the line after its heading.
Rounds rounds(const std::string& summary) {
    const std::string heading = " echo statistics ---\n";
    const std::size_t at = summary.find(heading);
    REQUIRE(at != std::string::npos);
    std::istringstream in(summary.substr(at + heading.size()));
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
    echo::Socket listener = bind_loopback(SOCK_STREAM);
    std::string port = port_of(listener);
};

// Runs `argv` with its output to /dev/null and returns its peak resident memory in KiB (what
// /proc/PID/status shows as VmHWM, from wait4's rusage), REQUIREing that it succeeded.
long peak_rss_kib(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
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

// The figures of a summary's "rtt NAME/NAME/... = VALUE/VALUE/... us" line, by name.
std::map<std::string, double> rtt_line(const std::string& summary) {
    const std::size_t at = summary.find("\nrtt ");
    REQUIRE(at != std::string::npos);
    const std::size_t equals = summary.find(" = ", at);
    REQUIRE(equals != std::string::npos);
    std::istringstream names(summary.substr(at + 5, equals - at - 5));
    std::istringstream values(summary.substr(equals + 3));
    std::map<std::string, double> figures;
    std::string name;
    while (std::getline(names, name, '/')) {
        double value = 0;
        values >> value;
        REQUIRE(values);
        figures[name] = value;
        values.ignore(1); // the '/'
    }
    return figures;
}

// "throughput N bytes/s (M Mbit/s) each way": N and M.
std::pair<double, double> throughput_line(const std::string& summary) {
    const std::size_t at = summary.find("\nthroughput ");
    REQUIRE(at != std::string::npos);
    std::istringstream in(summary.substr(at + 12));
    double bytes = 0;
    double mbits = 0;
    std::string unit;
    char open = 0;
    in >> bytes >> unit >> open >> mbits;
    REQUIRE(in);
    CHECK(unit == "bytes/s");
    CHECK(summary.find(" Mbit/s) each way\n", at) != std::string::npos);
    return {bytes, mbits};
}

// A usage error: exit 2, nothing on stdout, one line on stderr; returns that line.
std::string usage_line(const Process::Result& reply) {
    CHECK(reply.exit_code == 2);
    CHECK(reply.out.empty());
    CHECK(std::count(reply.err.begin(), reply.err.end(), '\n') == 1);
    return reply.err;
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
    CHECK(reply.out.find("1 round sent, 1 echoed") != std::string::npos);
}

TEST_CASE("SIGINT wakes a TCP round that waits for its echo and no echo at all exits 1",
          "[measure][stop]") {
    const SilentListener silent;
    Process measured(measuring(silent.port, false, {"-c", "5", "-t", "60", "-v"}));
    CHECK(untimed(measured.wait_for_line(" 15 bytes to 127.0.0.1:")).rfind("[>] 15 bytes", 0) == 0);
    measured.signal(SIGINT);
    const auto reply = measured.finish("", 5s); // not after the minute's timeout
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.find("0 rounds sent, 0 echoed") != std::string::npos);
    CHECK(reply.err.find("echo-client: stopped before any echo came back\n") != std::string::npos);
}

TEST_CASE("SIGINT wakes a UDP round that waits for its echo", "[measure][udp][stop]") {
    // A bound UDP socket that nobody reads: every datagram sent there is lost.
    const echo::Socket sink = bind_loopback(SOCK_DGRAM);
    const std::string port = port_of(sink);
    Process measured(measuring(port, true, {"-c", "5", "-t", "60", "-v"}));
    CHECK(untimed(measured.wait_for_line(" 23 bytes to 127.0.0.1:")).rfind("[>] 23 bytes", 0) == 0);
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

TEST_CASE("The RTT histogram's percentiles are within 1% of the exact ones", "[histogram]") {
    // Round trips from about 2 us to 100 ms, log-normal like real ones, and a few outliers.
    std::mt19937_64 random(20261129);
    std::lognormal_distribution<double> rtt(std::log(50.0), 1.2);
    std::vector<double> values;
    echo::RttHistogram histogram;
    for (int i = 0; i < 200000; ++i) {
        const double us = std::clamp(rtt(random), 2.0, 100000.0);
        values.push_back(us);
        histogram.record(us);
    }
    std::sort(values.begin(), values.end());
    const auto exact = [&](double percent) {
        const auto rank = static_cast<std::size_t>(
            std::ceil(percent / 100 * static_cast<double>(values.size()) - 1e-9));
        return values[std::max<std::size_t>(rank, 1) - 1];
    };
    double worst = 0;
    for (const double percent :
         {0.1, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
        const double error =
            std::abs(histogram.percentile(percent) - exact(percent)) / exact(percent);
        INFO("p" << percent << ": " << histogram.percentile(percent) << " against "
                 << exact(percent));
        CHECK(error <= 0.01);
        worst = std::max(worst, error);
    }
    CHECK(worst < 0.01); // the largest relative error seen, shown by -s
    CHECK(histogram.count() == values.size());
    CHECK(histogram.min() == values.front());
    CHECK(histogram.max() == values.back());
    double sum = 0;
    for (const double us : values) {
        sum += us;
    }
    const double mean = sum / static_cast<double>(values.size());
    double squares = 0;
    for (const double us : values) {
        squares += (us - mean) * (us - mean);
    }
    CHECK(histogram.mean() == Approx(mean).epsilon(1e-9));
    CHECK(histogram.sum() == Approx(sum).epsilon(1e-9));
    CHECK(histogram.stddev() ==
          Approx(std::sqrt(squares / static_cast<double>(values.size()))).epsilon(1e-6));
}

TEST_CASE("The RTT histogram when empty and with one value and with values past its range",
          "[histogram]") {
    echo::RttHistogram histogram;
    CHECK(histogram.count() == 0);
    CHECK(histogram.percentile(50) == 0);
    CHECK(histogram.max() == 0);
    CHECK(histogram.stddev() == 0);
    histogram.record(42.5);
    CHECK(histogram.min() == 42.5);
    CHECK(histogram.percentile(50) == 42.5); // a percentile never leaves [min, max]
    CHECK(histogram.percentile(100) == 42.5);
    CHECK(histogram.stddev() == 0);
    histogram.record(5e9); // over an hour: counted in the last bucket, max still exact
    CHECK(histogram.max() == 5e9);
    CHECK(histogram.percentile(100) == 5e9);
    CHECK(histogram.percentile(50) == 42.5);
    histogram.record(0.1); // below a microsecond: nanosecond buckets, exact
    CHECK(histogram.percentile(1) == Approx(0.1));
    CHECK(histogram.count() == 3);
}

TEST_CASE("A size of 0 (-s 0) over TCP is a usage error", "[measure][options]") {
    const std::string line = usage_line(run(measuring("9", false, {"-c", "3", "-s", "0"})));
    CHECK(line.rfind("echo-client: -s", 0) == 0);
    CHECK(line.find("at least 1") != std::string::npos);
}

TEST_CASE("Over UDP -s is the datagram's size with the round number in it", "[measure][udp]") {
    Server server({"-u", "-v"});
    const auto reply = run(measuring(server.port_text(), true, {"-c", "3", "-s", "32"}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out.find("3 rounds sent, 3 echoed, 0.0% loss") != std::string::npos);
    CHECK(reply.out.find(", 32 bytes each\n") != std::string::npos);
    const std::string received = server.process.wait_for_line(" bytes from 127.0.0.1:");
    CHECK(untimed(received).find("[<] 32 bytes from") != std::string::npos); // what it received

    // The smallest: the round number alone.
    Server bare({"-u"});
    const auto smallest = run(measuring(bare.port_text(), true, {"-c", "2", "-s", "8"}));
    CHECK(smallest.exit_code == 0);
    CHECK(smallest.out.find("2 rounds sent, 2 echoed") != std::string::npos);
    CHECK(smallest.out.find(", 8 bytes each\n") != std::string::npos);
    const std::string line = usage_line(run(measuring("9", true, {"-c", "2", "-s", "7"})));
    CHECK(line.find("at least 8") != std::string::npos);
}

TEST_CASE("The help says how many bytes of -s carry the round number over UDP", "[measure]") {
    const auto help = run({client_path(), "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("8 of them carry the round number") != std::string::npos);
}

TEST_CASE("The summary has p90 p95 p99.9 Mbit/s and the connect time in order", "[measure]") {
    Server server({"-k"});
    const auto reply = run(measuring(server.port_text(), false, {"-c", "300", "-s", "200"}));
    CHECK(reply.exit_code == 0);
    auto rtt = rtt_line(reply.out);
    for (const char* name :
         {"min", "avg", "median", "p90", "p95", "p99", "p99.9", "max", "stddev"}) {
        INFO(name);
        CHECK(rtt.count(name) == 1);
    }
    CHECK(rtt["min"] > 0);
    CHECK(rtt["min"] <= rtt["median"]);
    CHECK(rtt["median"] <= rtt["p90"]);
    CHECK(rtt["p90"] <= rtt["p95"]);
    CHECK(rtt["p95"] <= rtt["p99"]);
    CHECK(rtt["p99"] <= rtt["p99.9"]);
    CHECK(rtt["p99.9"] <= rtt["max"]);
    CHECK(rtt["min"] <= rtt["avg"]);
    CHECK(rtt["avg"] <= rtt["max"]);
    const auto [bytes, mbits] = throughput_line(reply.out);
    CHECK(bytes > 0);
    CHECK(std::abs(mbits - bytes * 8 / 1e6) <= 0.0051); // two decimals
    const std::size_t at = reply.out.find("\nconnect ");
    REQUIRE(at != std::string::npos);
    std::istringstream in(reply.out.substr(at + 9));
    double connect_us = 0;
    std::string unit;
    in >> connect_us >> unit;
    CHECK(connect_us > 0);
    CHECK(unit == "us");
}

TEST_CASE("UDP summaries have the new figures but no connect time", "[measure][udp]") {
    Server server({"-u"});
    const auto reply = run(measuring(server.port_text(), true, {"-c", "50"}));
    CHECK(reply.exit_code == 0);
    const auto rtt = rtt_line(reply.out);
    CHECK(rtt.count("p99.9") == 1);
    CHECK(rtt.at("p99.9") <= rtt.at("max"));
    const auto [bytes, mbits] = throughput_line(reply.out);
    CHECK(std::abs(mbits - bytes * 8 / 1e6) <= 0.0051);
    CHECK(reply.out.find("\nconnect ") == std::string::npos); // a UDP connect sends nothing
}

TEST_CASE("The JSON output has every new figure and they agree", "[measure][udp]") {
    Server tcp_server({"-k"});
    const auto tcp = run(measuring(tcp_server.port_text(), false, {"-c", "100", "--json"}));
    CHECK(tcp.exit_code == 0);
    const std::string check =
        "import json,sys; d=json.loads(sys.stdin.read()); r=d['rtt_us'];"
        "assert 0 < r['min'] <= r['median'] <= r['p90'] <= r['p95'] <= r['p99'] <= r['p99_9']"
        " <= r['max'], r;"
        "b=d['throughput_bytes_per_second']; m=d['throughput_mbit_per_second'];"
        "assert b > 0 and abs(m - b * 8 / 1e6) <= 0.00051, (b, m);"
        "assert (d['protocol'] == 'tcp') == ('connect_us' in d), d;"
        "assert d['protocol'] == 'udp' or d['connect_us'] > 0, d;"
        "assert d['protocol'] == 'tcp' or d['too_old'] == 0, d";
    const auto parsed = run({"python3", "-c", check}, tcp.out);
    CHECK(parsed.exit_code == 0);
    CHECK(parsed.err.empty());

    Server udp_server({"-u"});
    const auto udp = run(measuring(udp_server.port_text(), true, {"-c", "100", "--json"}));
    CHECK(udp.exit_code == 0);
    const auto parsed_udp = run({"python3", "-c", check}, udp.out);
    CHECK(parsed_udp.exit_code == 0);
    CHECK(parsed_udp.err.empty());
}

TEST_CASE("UDP: an echo of a round older than the window is counted as too old",
          "[measure][udp][memory]") {
    // A UDP echo peer that also sends round 1's datagram again just before the echo of round
    // `window` (still in the window: a duplicate) and of round `window` + 1 (out of it).
    constexpr std::uint64_t window = echo::udp_round_window;
    const echo::Socket peer = bind_loopback(SOCK_DGRAM);
    const std::string port = port_of(peer);
    std::thread echoing([&peer] {
        std::vector<std::byte> buffer(echo::datagram_buffer_size);
        std::vector<std::byte> first;
        for (std::uint64_t n = 0; n < window + 1 && echo::wait_for(peer.fd(), POLLIN, 10s);) {
            const echo::Received got = echo::receive_datagram(peer.fd(), buffer, 0);
            if (got.io.status != echo::IoStatus::ok) {
                continue;
            }
            const auto datagram = std::span(buffer).first(got.io.bytes);
            if (++n == 1) {
                first.assign(datagram.begin(), datagram.end());
            }
            if (n >= window) {
                (void)echo::send_datagram(peer.fd(), first, got.source, echo::Address(), 0);
            }
            (void)echo::send_datagram(peer.fd(), datagram, got.source, echo::Address(), 0);
        }
    });
    const auto reply = run(measuring(port, true, {"-c", std::to_string(window + 1)}), "", 120s);
    echoing.join();
    CHECK(reply.exit_code == 0);
    CHECK(reply.out.find(std::to_string(window + 1) + " rounds sent, " +
                         std::to_string(window + 1) +
                         " echoed, 0.0% loss, 1 duplicate, 0 reordered, 0 retries, 1 too old "
                         "to check, ") != std::string::npos);
}

TEST_CASE("A measured TCP round without its echo gives up after -t with the rounds so far",
          "[measure]") {
    const SilentListener silent;
    const auto reply = run(measuring(silent.port, false, {"-c", "3", "-t", "0.3"}));
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.find("1 round sent, 0 echoed") != std::string::npos);
    CHECK(reply.err.find("\necho-client: no echo from 127.0.0.1:" + silent.port +
                         " within the timeout (0 of 15 bytes back)\n") != std::string::npos);
}

TEST_CASE("A server that closes in the middle of a measured round: how much came back",
          "[measure]") {
    const SilentListener listener;
    Process measured(measuring(listener.port, false, {"-c", "3", "-s", "10"}));
    REQUIRE(echo::wait_for(listener.listener.fd(), POLLIN, 10s));
    auto accepted = echo::accept_peer(listener.listener.fd());
    REQUIRE(accepted);
    std::array<std::byte, 10> round{};
    std::size_t got = 0;
    while (got < round.size() && echo::wait_for(accepted->socket.fd(), POLLIN, 10s)) {
        const echo::IoResult r =
            echo::read_some(accepted->socket.fd(), std::span(round).subspan(got));
        REQUIRE(r.status == echo::IoStatus::ok);
        got += r.bytes;
    }
    REQUIRE(echo::write_all(accepted->socket.fd(), std::span(round).first(4)).status ==
            echo::IoStatus::ok);
    accepted->socket.reset();
    const auto reply = measured.finish();
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.find("1 round sent, 0 echoed") != std::string::npos);
    CHECK(reply.err.find("\necho-client: server 127.0.0.1:" + listener.port +
                         " closed the connection after 4 of 10 bytes of echo\n") !=
          std::string::npos);
}

TEST_CASE("A measured round of 8 MiB is sent while its echo is read", "[measure]") {
    Server server({"-k"});
    const auto reply = run(measuring(server.port_text(), false, {"-c", "2", "-s", "8388608"}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out.find("2 rounds sent, 2 echoed, 8388608 bytes each") != std::string::npos);
}
