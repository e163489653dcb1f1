// SPDX-License-Identifier: MIT
// Command lines that ask for two contradictory things are usage errors; several -H are served.
#include "catch.hpp"
#include "process.hpp"

#include <string>
#include <vector>

using namespace echo::test;

namespace {

void check_usage_error(const std::vector<std::string>& command, const std::string& cause) {
    CAPTURE(command);
    const auto result = run(command);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find(cause + " (try --help)\n") != std::string::npos);
    CHECK(result.out.empty());
}

} // namespace

TEST_CASE("The server refuses --no-splice with -k or --udp", "[e2e][options]") {
    const std::string cause = "--no-splice applies to the one-peer TCP mode, not -k or --udp";
    check_usage_error({server_path(), "-k", "--no-splice", "-p", "0"}, cause);
    check_usage_error({server_path(), "--no-splice", "--udp", "-p", "0"}, cause);
    check_usage_error({server_path(), "-u", "-k", "--no-splice", "-p", "0"}, cause);
}

TEST_CASE("Both programs refuse -4 with -6", "[e2e][options]") {
    const std::string cause = "-4 (IPv4 only) and -6 (IPv6 only) exclude each other";
    for (const auto& program : {server_path(), client_path()}) {
        check_usage_error({program, "-4", "-6", "-p", "1"}, cause);
        check_usage_error({program, "-6", "-p", "1", "-4"}, cause);
    }
    // Saying the same twice is no contradiction.
    Server server({"-4", "-4"});
    const auto reply = run({client_path(), "-4", "-4", "-p", server.port_text(), "same"});
    CHECK(reply.out == "same\n");
}

TEST_CASE("The client talks to one server: a second -H is a usage error", "[e2e][options]") {
    check_usage_error({client_path(), "-H", "127.0.0.1", "-H", "::1", "-p", "1"},
                      "-H (--host) given twice: echo-client talks to one server");
}

TEST_CASE("Several -H serve every host given, on one port", "[e2e]") {
    Process server({server_path(), "-k", "-H", "127.0.0.1", "-H", "::1", "-p", "0"});
    const std::uint16_t port = server.wait_listening();
    const std::string second = server.wait_for_line("[+] Listening on ");
    const std::string port_text = std::to_string(port);
    CHECK(server.err().find("[+] Listening on 127.0.0.1:" + port_text + " (TCP)\n") !=
          std::string::npos);
    CHECK(second == "[+] Listening on [::1]:" + port_text + " (TCP)");
    for (const std::string host : {"127.0.0.1", "::1"}) {
        const auto reply = run({client_path(), "-H", host, "-p", port_text, "to", host});
        CHECK(reply.exit_code == 0);
        CHECK(reply.out == "to " + host + "\n");
    }
}

TEST_CASE("Several -H serve every host given over UDP too", "[e2e][udp]") {
    Process server({server_path(), "-u", "-H", "::1", "-H", "127.0.0.1", "-p", "0"});
    const std::uint16_t port = server.wait_listening();
    server.wait_for_line("[+] Listening on ");
    for (const std::string host : {"127.0.0.1", "::1"}) {
        const auto reply =
            run({client_path(), "-u", "-H", host, "-p", std::to_string(port), "datagram"});
        CHECK(reply.exit_code == 0);
        CHECK(reply.out == "datagram\n");
    }
}
