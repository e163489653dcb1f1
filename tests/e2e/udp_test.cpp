// SPDX-License-Identifier: MIT
// UDP mode end to end: the real binaries on loopback and port 0, with sockets of the test itself
// as senders and as fake servers.
#include "catch.hpp"
#include "peers.hpp"
#include "process.hpp"
#include "sockets.hpp"
#include "trace_lines.hpp"

#include "echo/datagram.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <optional>
#include <string>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace echo::test;

namespace {

// A UDP socket of the test on loopback: a sender, or a fake server.
struct Peer {
    explicit Peer(const std::string& host = "127.0.0.1", std::uint16_t port = 0)
        : socket(echo::bind_to(address(host, port), SOCK_DGRAM)),
          own(echo::local_address(socket.fd())) {}

    void send_to(const echo::Address& to, const std::string& data) const {
        REQUIRE(echo::send_datagram(socket.fd(), bytes(data), to, echo::Address(), 0).status ==
                echo::IoStatus::ok);
    }

    // The next datagram and its sender; fails the test after 20 s (a bound, not a timing).
    [[nodiscard]] std::pair<std::string, echo::Address> receive() const {
        REQUIRE(echo::wait_for(socket.fd(), POLLIN, 20s));
        auto got = receive_now();
        REQUIRE(got);
        return *got;
    }

    [[nodiscard]] std::optional<std::pair<std::string, echo::Address>> receive_now() const {
        std::string data(echo::datagram_buffer_size, '\0');
        const echo::Received got =
            echo::receive_datagram(socket.fd(), std::as_writable_bytes(std::span(data)), 0);
        if (got.io.status != echo::IoStatus::ok) {
            return std::nullopt;
        }
        REQUIRE(got.size == got.io.bytes);
        data.resize(got.io.bytes);
        return std::make_pair(data, got.source);
    }

    [[nodiscard]] std::string port_text() const { return std::to_string(own.port()); }

    echo::Socket socket;
    echo::Address own;
};

Server udp_server(const std::string& host = "127.0.0.1") {
    return Server({"-u"}, host);
}

std::string printable(std::size_t size, std::uint32_t seed) {
    std::string text = random_bytes(size, seed);
    for (char& c : text) {
        c = static_cast<char>('a' + static_cast<unsigned char>(c) % 26);
    }
    return text;
}

// A fake server's answer: nothing for the first `drop` datagrams, an echo of the rest.
FakeUdpServer::Answer echo_after_dropping(int drop) {
    return [drop](int n, const std::string& datagram) {
        return n > drop ? std::vector<std::string>{datagram} : std::vector<std::string>{};
    };
}

} // namespace

TEST_CASE("A UDP server says so, serves sender after sender, and stops on SIGTERM", "[udp]") {
    Server server = udp_server();
    CHECK(first_line(server.process.err()) ==
          "[+] Listening on 127.0.0.1:" + server.port_text() + " (UDP)\n");

    const auto greeting = run(udp_client(server, {}));
    CHECK(greeting.exit_code == 0);
    CHECK(greeting.out == "Hola, servidor!\n");
    CHECK(greeting.err == "[+] Sending to 127.0.0.1:" + server.port_text() + " (UDP)\n");
    const auto words = run(udp_client(server, {"hello", "udp"}));
    CHECK(words.exit_code == 0);
    CHECK(words.out == "hello udp\n");

    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    CHECK(done.exit_code == 0);
    CHECK(count_of(done.err, "[+] First datagram from 127.0.0.1:") == 2);
    CHECK(done.err.find("[+] Stopped by signal; 2 datagrams (24 bytes) echoed\n") !=
          std::string::npos);
}

TEST_CASE("UDP with --idle-timeout ends after that long without a datagram", "[udp]") {
    SECTION("none at all") {
        Server server({"-u", "--idle-timeout", "0.3"});
        const auto done = server.process.finish("", 10s);
        CHECK(done.exit_code == 0);
        CHECK(done.err.find("[+] No datagram for 0.3 s; 0 datagrams (0 bytes) echoed\n") !=
              std::string::npos);
    }
    SECTION("after serving: each datagram starts the wait again") {
        Server server({"-u", "--idle-timeout", "5"}); // longer than a client's start (valgrind)
        for (int round = 0; round < 3; ++round) {
            const auto echoed = run(udp_client(server, {"again"}));
            CHECK(echoed.exit_code == 0);
            CHECK(echoed.out == "again\n");
        }
        const auto done = server.process.finish("", 10s);
        CHECK(done.exit_code == 0);
        CHECK(done.err.find("[+] No datagram for 5 s; 3 datagrams (15 bytes) echoed\n") !=
              std::string::npos);
    }
}

TEST_CASE("Three UDP senders at once each get their own echo", "[udp]") {
    Server server = udp_server();
    const echo::Address to = address("127.0.0.1", server.port);
    std::array<Peer, 3> peers;
    const std::array<std::string, 3> payloads{"first sender", printable(9000, 2), ""};
    for (std::size_t i = 0; i < peers.size(); ++i) {
        peers[i].send_to(to, payloads[i]); // all three are sent before any echo is read
    }
    for (std::size_t i = 0; i < peers.size(); ++i) {
        CAPTURE(i);
        const auto [echo, from] = peers[i].receive();
        CHECK(echo == payloads[i]);
        CHECK(from == to);
    }

    // And three echo-client processes running together.
    std::vector<Process> clients;
    for (const char* word : {"alpha", "beta", "gamma"}) {
        clients.emplace_back(udp_client(server, {word}));
    }
    std::vector<std::string> outputs;
    for (Process& client : clients) {
        const auto reply = client.finish();
        CHECK(reply.exit_code == 0);
        outputs.push_back(reply.out);
    }
    CHECK(outputs == std::vector<std::string>{"alpha\n", "beta\n", "gamma\n"});
}

TEST_CASE("OpenBSD nc -u is a UDP client", "[udp]") {
    Server server = udp_server();
    Process nc({"nc", "-u", "-q", "0", "-w", "20", "127.0.0.1", server.port_text()});
    nc.write_stdin("hello\n");
    nc.wait_for_output("hello\n");
    nc.write_stdin("second line\n");
    nc.wait_for_output("second line\n");
    const auto done = nc.finish(); // end of input: -q 0 quits
    CHECK(done.exit_code == 0);
    CHECK(done.out == "hello\nsecond line\n");
    server.process.wait_for_line("[+] First datagram from 127.0.0.1:");
}

TEST_CASE("UDP datagrams of 0, 1, 1472, 9000 and 65507 bytes come back whole", "[udp]") {
    Server server = udp_server();
    const echo::Address to = address("127.0.0.1", server.port);
    Peer peer;
    for (const std::size_t size : {0UL, 1UL, 1472UL, 9000UL, 65507UL}) {
        CAPTURE(size);
        const std::string payload = random_bytes(size, static_cast<std::uint32_t>(size));
        peer.send_to(to, payload);
        const auto [echo, from] = peer.receive();
        CHECK(echo.size() == size);
        CHECK(echo == payload);

        const std::string message = printable(size, 9);
        const auto reply = run(udp_client(server, {"-q", message}));
        CHECK(reply.exit_code == 0);
        CHECK(reply.out == message + "\n");
        CHECK(reply.err.empty());
    }
    const auto too_long = run(udp_client(server, {std::string(65508, 'x')}));
    CHECK(too_long.exit_code == 2);
    CHECK(too_long.out.empty());
    CHECK(too_long.err == "echo-client: a message of 65508 bytes does not fit in one UDP datagram "
                          "(at most 65507 bytes; 65527 over IPv6, with -6) (try --help)\n");
}

TEST_CASE("Three back-to-back UDP datagrams keep their boundaries", "[udp]") {
    Server server = udp_server();
    const echo::Address to = address("127.0.0.1", server.port);
    Peer peer;
    const std::vector<std::string> sent{"one", "", "three three three"};
    for (const std::string& datagram : sent) {
        peer.send_to(to, datagram);
    }
    std::vector<std::string> received;
    for (std::size_t i = 0; i < sent.size(); ++i) {
        received.push_back(peer.receive().first);
    }
    CHECK(received == sent);
}

TEST_CASE("echo-client -u - sends each line as one datagram", "[udp]") {
    Server server = udp_server();
    const std::string lines = "a\nbb\n\nlast";
    const auto reply = run(udp_client(server, {"-"}), lines);
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == lines);
    CHECK(reply.err.find("[+] Sent 4 datagrams (10 bytes), every one echoed\n") !=
          std::string::npos);

    // A line longer than a datagram goes in pieces: 65507 bytes, then the rest with its newline.
    const std::string long_line = printable(70000, 4) + "\nshort\n";
    const auto cut = run(udp_client(server, {"-"}), long_line);
    CHECK(cut.exit_code == 0);
    CHECK(cut.out == long_line);
    CHECK(cut.err.find("[+] Sent 3 datagrams (70007 bytes)") != std::string::npos);

    std::string many;
    for (int i = 1; i <= 2000; ++i) {
        many += "line " + std::to_string(i) + "\n";
    }
    const auto all = run(udp_client(server, {"-q", "-"}), many, 60s);
    CHECK(all.exit_code == 0);
    CHECK(all.out == many);

    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    CHECK(done.err.find("; 2007 datagrams (") != std::string::npos);
}

TEST_CASE("The UDP client sends again when a datagram is lost", "[udp]") {
    const FakeUdpServer peer(echo_after_dropping(1));
    const auto reply = run(udp_client(peer.port(), {}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "Hola, servidor!\n");
    CHECK(reply.err.find("No echo from 127.0.0.1:" + peer.port() +
                         " yet; sending again (try 2 of 3)") != std::string::npos);
    CHECK(peer.received() >= 2);
}

TEST_CASE("The UDP client gives up after its tries when nothing answers, exit 1", "[udp]") {
    Peer silent; // bound, so no ICMP refusal: it just never answers
    const auto reply = run(udp_client(silent.port_text(), {"-t", "0.2"}));
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.empty());
    CHECK(count_of(reply.err, "sending again") == 2);
    CHECK(reply.err.find("echo-client: no reply from 127.0.0.1:" + silent.port_text() +
                         " after 3 tries\n") != std::string::npos);
    for (int i = 0; i < 3; ++i) { // the greeting, sent three times
        CHECK(silent.receive().first == "Hola, servidor!");
    }
    CHECK_FALSE(silent.receive_now());

    const auto once = run(udp_client(silent.port_text(), {"-q", "-t", "0.2", "--retries", "0"}));
    CHECK(once.exit_code == 1);
    CHECK(once.err ==
          "echo-client: no reply from 127.0.0.1:" + silent.port_text() + " after 1 try\n");
}

TEST_CASE("A closed UDP port is Connection refused, exit 1", "[udp]") {
    std::string port;
    {
        Peer gone;
        port = gone.port_text();
    } // closed: nothing listens there now
    const auto reply = run({client_path(), "-u", "-q", "-H", "127.0.0.1", "-p", port});
    CHECK(reply.exit_code == 1);
    CHECK(reply.out.empty());
    CHECK(reply.err == "echo-client: send to 127.0.0.1:" + port + ": Connection refused\n");
}

TEST_CASE("A wrong UDP echo is a mismatch but strays and duplicates are not", "[udp]") {
    Peer fake;
    Peer stranger;
    SECTION("changed bytes") {
        Process client(udp_client(fake.port_text(), {"abcdef"}));
        const auto [datagram, from] = fake.receive();
        CHECK(datagram == "abcdef");
        stranger.send_to(from, "stray"); // from another address: ignored
        fake.send_to(from, "abXdef");
        const auto reply = client.finish();
        CHECK(reply.exit_code == 1);
        CHECK(reply.out.empty());
        CHECK(reply.err.find("echo-client: echo mismatch at byte 3 of 6\n") != std::string::npos);
    }
    SECTION("another size") {
        Process client(udp_client(fake.port_text(), {"abcdef"}));
        const auto from = fake.receive().second;
        fake.send_to(from, "abc");
        const auto reply = client.finish();
        CHECK(reply.exit_code == 1);
        CHECK(reply.err.find("echo-client: echo mismatch: sent 6 bytes, got 3 back\n") !=
              std::string::npos);
    }
    SECTION("strays and duplicated echoes in line mode") {
        Process client(udp_client(fake.port_text(), {"-"}));
        const std::string lines = "one\ntwo\nthree\n";
        client.write_stdin(lines);
        client.close_stdin();
        for (const char* line : {"one\n", "two\n", "three\n"}) {
            const auto [datagram, from] = fake.receive();
            CHECK(datagram == line);
            stranger.send_to(from, "stray");
            fake.send_to(from, datagram);
            fake.send_to(from, datagram); // UDP may duplicate: the copy must not count
        }
        const auto reply = client.finish();
        CHECK(reply.exit_code == 0);
        CHECK(reply.out == lines);
    }
}

TEST_CASE("IPv6 UDP: the server, the client and the largest datagram", "[udp]") {
    Server server = udp_server("::1");
    CHECK(first_line(server.process.err()) ==
          "[+] Listening on [::1]:" + server.port_text() + " (UDP)\n");
    const auto reply = run(udp_client(server.port_text(), {"v6"}, "::1"));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "v6\n");
    CHECK(reply.err.find("Sending to [::1]:") != std::string::npos);

    Peer peer("::1");
    const std::string largest = random_bytes(65527, 6);
    peer.send_to(address("::1", server.port), largest);
    CHECK(peer.receive().first == largest);

    const std::string message = printable(65527, 8);
    const auto big = run(udp_client(server.port_text(), {"-q", message}, "::1"));
    CHECK(big.exit_code == 0);
    CHECK(big.out == message + "\n");
    CHECK(run(udp_client(server.port_text(), {message + "x"}, "::1")).exit_code == 2);
}

TEST_CASE("The loop guard ignores small-service ports, once logged, and serves others", "[udp]") {
    Server server = udp_server();
    const echo::Address to = address("127.0.0.1", server.port);
    std::optional<Peer> echo_port;
    std::optional<Peer> chargen_port;
    try {
        echo_port.emplace("127.0.0.1", 7);
        chargen_port.emplace("127.0.0.1", 19);
    } catch (const std::system_error& error) {
        // Ports below 1024 need root (or CAP_NET_BIND_SERVICE); CI runs as root.
        WARN("loop guard test skipped: " << error.what());
        return;
    }
    echo_port->send_to(to, "loop?");
    echo_port->send_to(to, "loop again?");
    chargen_port->send_to(to, "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ");

    // The server answers in order on one socket: once this echo is back, the three datagrams
    // before it were dealt with, and their answers, had there been any, sent.
    Peer normal;
    normal.send_to(to, "normal");
    CHECK(normal.receive().first == "normal");
    CHECK_FALSE(echo_port->receive_now());
    CHECK_FALSE(chargen_port->receive_now());

    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    CHECK(done.exit_code == 0);
    CHECK(count_of(done.err, "[+] Ignoring datagrams from 127.0.0.1:7: source port 7 (echo) could "
                             "start an endless echo loop\n") == 1);
    CHECK(count_of(done.err,
                   "[+] Ignoring datagrams from 127.0.0.1:19: source port 19 (chargen)") == 1);
    CHECK(done.err.find("1 datagram (6 bytes) echoed, 3 refused by the loop guard\n") !=
          std::string::npos);
}

TEST_CASE("A UDP server keeps serving after a sender vanished", "[udp]") {
    Server server = udp_server();
    const echo::Address to = address("127.0.0.1", server.port);
    for (int i = 0; i < 20; ++i) {
        Peer gone;
        gone.send_to(to, "and I am gone"); // its echo earns an ICMP "port unreachable"
    }
    Peer stays;
    stays.send_to(to, "still served");
    CHECK(stays.receive().first == "still served");
    const auto reply = run(udp_client(server, {"me", "too"}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "me too\n");
}

TEST_CASE("A UDP server on a wildcard address answers from the address it was sent to", "[udp]") {
    // 127.0.0.2 is not the address the route would pick to answer 127.0.0.1: without
    // IP_PKTINFO the echo would leave from 127.0.0.1 and the connected client would drop it.
    Server server({"-u"}, "0.0.0.0");
    const auto reply = run(
        udp_client(server.port_text(), {"-t", "5", "--retries", "0", "via", "two"}, "127.0.0.2"));
    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    INFO("server: " << done.err << "client: " << reply.err);
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "via two\n");
    CHECK(done.err.find("; 1 datagram (7 bytes) echoed") != std::string::npos);
}

TEST_CASE("SIGTERM and SIGINT stop a UDP server with exit 0, even under a flood", "[udp]") {
    for (const int signal : {SIGTERM, SIGINT}) {
        CAPTURE(signal);
        Server server = udp_server();
        Peer flood;
        const echo::Address to = address("127.0.0.1", server.port);
        for (int i = 0; i < 200; ++i) {
            flood.send_to(to, printable(1000, static_cast<std::uint32_t>(i)));
        }
        server.process.signal(signal);
        const auto done = server.process.finish("", 10s);
        CHECK(done.exit_code == 0);
        CHECK(done.err.find("[+] Stopped by signal; ") != std::string::npos);
    }
}

TEST_CASE("A UDP port in use is one line naming the address, exit 1", "[udp]") {
    Server first = udp_server();
    const auto second = run({server_path(), "-u", "-H", "127.0.0.1", "-p", first.port_text()});
    CHECK(second.exit_code == 1);
    CHECK(second.err ==
          "echo-server: bind 127.0.0.1:" + first.port_text() + ": Address already in use\n");
}

TEST_CASE("Verbose mode shows every UDP datagram with a hexdump, in both programs", "[udp]") {
    Server server({"-u", "-v"});
    const auto reply = run(udp_client(server, {"-v", "Hola"}));
    CHECK(reply.exit_code == 0);
    CHECK(reply.out == "Hola\n");
    const std::string at = "127.0.0.1:" + server.port_text();
    const std::string client_err = untimed(reply.err); // -v's timestamps: see verbose_test.cpp
    CHECK(client_err.find("[>] 4 bytes to " + at + "\n00000000  48 6f 6c 61") != std::string::npos);
    CHECK(client_err.find("[<] 4 bytes from " + at + "\n00000000  48 6f 6c 61") !=
          std::string::npos);

    server.process.signal(SIGTERM);
    const auto done = server.process.finish("", 10s);
    CHECK(done.exit_code == 0);
    CHECK(untimed(done.err).find("[<] 4 bytes from 127.0.0.1:") != std::string::npos);
    CHECK(untimed(done.err).find("[>] 4 bytes to 127.0.0.1:") != std::string::npos);
    CHECK(count_of(done.err, "48 6f 6c 61") == 2);
}
