// SPDX-License-Identifier: MIT
// Real packet loss: each test case moves into a private network namespace (only its own `lo`,
// so nothing it does reaches the host), has nftables drop a random share of the packets there,
// and runs the programs, which inherit the namespace, through it. Needs CAP_SYS_ADMIN and the
// `nft` program; without either the test says "SKIPPED: ..." and returns (CTest shows it as
// skipped). Each run proves its loss was real: nftables' own counter of dropped packets.
#include "catch.hpp"
#include "peers.hpp"
#include "process.hpp"

#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <regex>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace echo::test;

namespace {

std::string errno_text(const std::string& call) {
    return call + ": " + std::strerror(errno);
}

// This thread (and every process it starts from now on) in a new network namespace with `lo` up;
// back in the original one at the end of the scope. why_not() is empty once it worked.
class PrivateNetwork {
  public:
    PrivateNetwork() : original_(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) {
        if (original_ < 0) {
            why_not_ = errno_text("open /proc/self/ns/net");
        } else if (::unshare(CLONE_NEWNET) != 0) {
            why_not_ = errno_text("unshare(CLONE_NEWNET)") + " (needs CAP_SYS_ADMIN)";
        } else {
            entered_ = true;
            bring_loopback_up();
        }
    }
    PrivateNetwork(const PrivateNetwork&) = delete;
    PrivateNetwork& operator=(const PrivateNetwork&) = delete;
    ~PrivateNetwork() {
        if (entered_) {
            ::setns(original_, CLONE_NEWNET); // the namespace, with its rules, goes with us
        }
        if (original_ >= 0) {
            ::close(original_);
        }
    }

    [[nodiscard]] const std::string& why_not() const noexcept { return why_not_; }

  private:
    void bring_loopback_up() {
        const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ifreq request{};
        std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
        if (fd < 0 || ::ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
            why_not_ = errno_text("SIOCGIFFLAGS lo");
        } else {
            request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
            if (::ioctl(fd, SIOCSIFFLAGS, &request) != 0) {
                why_not_ = errno_text("SIOCSIFFLAGS lo");
            }
        }
        if (fd >= 0) {
            ::close(fd);
        }
    }

    int original_;
    bool entered_ = false;
    std::string why_not_;
};

// Runs `nft` with `arguments` and `input`; its output. Throws std::system_error when the program
// cannot be started, fails the test when it says no.
std::string nft(const std::vector<std::string>& arguments, const std::string& input = "") {
    std::vector<std::string> argv{"nft"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    const auto done = run(argv, input, 10s);
    INFO("nft stderr: " << done.err);
    REQUIRE(done.exit_code == 0);
    return done.out;
}

// Table `inet loss`: on the INPUT hook (a drop on OUTPUT would fail the sender's call with EPERM
// instead of losing the packet), the packets that `match` counted in `seen`, and `percent` of them
// at random dropped and counted in `dropped`. Empty once installed; else why it could not be.
std::string drop_at_random(const std::string& match, int percent) {
    const std::string rules = "table inet loss {\n"
                              "  counter seen {}\n"
                              "  counter dropped {}\n"
                              "  chain input {\n"
                              "    type filter hook input priority 0; policy accept;\n"
                              "    " +
                              match + " counter name seen\n    " + match +
                              " numgen random mod 100 < " + std::to_string(percent) +
                              " counter name dropped drop\n"
                              "  }\n"
                              "}\n";
    try {
        nft({"-f", "-"}, rules);
    } catch (const std::system_error& error) {
        return std::string(error.what()) + " (the nft program, package nftables)";
    }
    return "";
}

// The packets a counter of table `inet loss` has counted.
long counted(const std::string& counter) {
    const std::string listing = nft({"list", "counter", "inet", "loss", counter});
    std::smatch found;
    REQUIRE(std::regex_search(listing, found, std::regex("packets ([0-9]+)")));
    return std::stol(found[1]);
}

} // namespace

TEST_CASE("Under 20% UDP loss each way the client's retries bring every message and line back",
          "[netns]") {
    const PrivateNetwork network;
    if (!network.why_not().empty()) {
        WARN("SKIPPED: " << network.why_not());
        return;
    }
    Server server({"-u"});
    // Every UDP packet in the namespace, requests and echoes alike: a round is lost 36% of the
    // time (1 - 0.8^2), so one message in three needs its retries, and 21 tries make a message
    // fail once in 10^9.
    if (const std::string why_not = drop_at_random("meta l4proto udp", 20); !why_not.empty()) {
        WARN("SKIPPED: " << why_not);
        return;
    }
    const std::vector<std::string> patient{"-t", "0.1", "--retries", "20"};
    std::string resends;
    for (int i = 0; i < 10; ++i) {
        std::vector<std::string> extra = patient;
        extra.push_back("message " + std::to_string(i));
        const auto reply = run(udp_client(server, extra), "", 60s);
        INFO("stderr: " << reply.err);
        CHECK(reply.exit_code == 0);
        CHECK(reply.out == "message " + std::to_string(i) + "\n");
        resends += reply.err;
    }
    std::string lines;
    for (int i = 0; i < 40; ++i) {
        lines += "line " + std::to_string(i) + " of the stream\n";
    }
    std::vector<std::string> extra = patient;
    extra.emplace_back("-");
    const auto stream = run(udp_client(server, extra), lines, 120s);
    INFO("stderr: " << stream.err);
    CHECK(stream.exit_code == 0);
    CHECK(stream.out == lines);
    resends += stream.err;

    const long dropped = counted("dropped");
    const std::size_t tries = count_of(resends, "; sending again (try ");
    WARN("UDP, 20% dropped each way: " << counted("seen") << " packets seen, " << dropped
                                       << " dropped, " << tries << " datagrams sent again");
    CHECK(dropped > 0);
    CHECK(tries > 0);
}

TEST_CASE("Measuring over UDP with 20% of the requests dropped reports about 20% loss", "[netns]") {
    const PrivateNetwork network;
    if (!network.why_not().empty()) {
        WARN("SKIPPED: " << network.why_not());
        return;
    }
    Server server({"-u"});
    // One direction only (datagrams to the server): a round is lost exactly when its request is,
    // so the expected round loss is the injected 20%. No retries: one datagram per round.
    const std::string match = "udp dport " + server.port_text();
    if (const std::string why_not = drop_at_random(match, 20); !why_not.empty()) {
        WARN("SKIPPED: " << why_not);
        return;
    }
    const auto measured =
        run(udp_client(server, {"-c", "2000", "-t", "0.03", "--retries", "0", "--json"}), "", 120s);
    INFO("stdout: " << measured.out << "stderr: " << measured.err);
    std::smatch field;
    REQUIRE(std::regex_search(measured.out, field, std::regex(R"("rounds_sent":([0-9]+))")));
    const long sent = std::stol(field[1]);
    REQUIRE(std::regex_search(measured.out, field, std::regex(R"("rounds_echoed":([0-9]+))")));
    const long echoed = std::stol(field[1]);
    REQUIRE(std::regex_search(measured.out, field, std::regex(R"("loss_percent":([0-9.]+))")));
    const double loss = std::stod(field[1]);
    const long requests = counted("seen");
    const long dropped = counted("dropped");
    WARN("UDP measure, 20% of requests dropped: " << requests << " requests, " << dropped
                                                  << " dropped; client: " << sent << " rounds, "
                                                  << echoed << " echoed, " << loss << "% loss");
    CHECK(sent == 2000);
    CHECK(requests == 2000);
    CHECK(dropped > 0);
    CHECK(std::abs(loss - 20.0) <= 5.0);
    CHECK(std::abs(loss - 100.0 * static_cast<double>(sent - echoed) / 2000.0) < 0.01);
    // A round whose only datagram was dropped cannot have been echoed.
    CHECK(sent - echoed >= dropped);
    // Rounds without an echo are a failure of the run, said once.
    CHECK(measured.exit_code == 1);
    CHECK(count_of(measured.err, "echo-client: " + std::to_string(sent - echoed) +
                                     " of 2000 rounds "
                                     "got no echo") == 1);
}

TEST_CASE("Under 5% TCP loss 50 peers each get 1 MiB back byte for byte from -k", "[netns]") {
    const PrivateNetwork network;
    if (!network.why_not().empty()) {
        WARN("SKIPPED: " << network.why_not());
        return;
    }
    Server server({"-k"});
    // Every TCP packet in the namespace, either way, handshakes and FINs included.
    if (const std::string why_not = drop_at_random("meta l4proto tcp", 5); !why_not.empty()) {
        WARN("SKIPPED: " << why_not);
        return;
    }
    const auto start = std::chrono::steady_clock::now();
    std::vector<echo::Socket> peers;
    std::vector<std::string> data;
    const auto addresses =
        echo::resolve("127.0.0.1", server.port, echo::Family::ipv4, SOCK_STREAM, false);
    for (std::uint32_t i = 0; i < 50; ++i) {
        // A lost SYN is sent again after 1 s, then 2 s...
        peers.push_back(echo::connect_any(addresses, SOCK_STREAM, 30s));
        data.push_back(random_bytes(1024 * 1024, 5000 + i));
    }
    const std::vector<std::string> got = exchange_all(peers, data, 150s);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    std::size_t intact = 0;
    for (std::size_t i = 0; i < peers.size(); ++i) {
        CAPTURE(i);
        CHECK(got[i].size() == data[i].size());
        const bool same = got[i] == data[i]; // not the 1 MiB strings in a failure message
        CHECK(same);
        intact += same ? 1U : 0U;
    }
    const long dropped = counted("dropped");
    WARN("TCP, 5% dropped each way: " << counted("seen") << " packets seen, " << dropped
                                      << " dropped; " << intact << " of 50 peers got 1 MiB back "
                                      << "intact in " << took.count() << " ms");
    CHECK(dropped > 0);
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 20s);
    CHECK(done.exit_code == 0);
    CHECK(count_of(done.err, " disconnected (1048576 bytes echoed)\n") == 50);
}
