// SPDX-License-Identifier: MIT
// The systemd units in dist/systemd/ say what the README says (port 7, TCP and UDP, -k), and the
// service's ExecStart parses as echo-server's command line. (systemd-analyze verify checks the
// rest: tests/CMakeLists.txt.)
#include "catch.hpp"

#include "server_options.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string read_file(const std::string& path) {
    std::ifstream file(path);
    REQUIRE(file);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

} // namespace

TEST_CASE("The systemd units: port 7, TCP and UDP, and an ExecStart echo-server parses",
          "[install]") {
    const std::string socket = read_file(ECHO_SYSTEMD_DIR "/echo-server.socket");
    CHECK(socket.find("\nListenStream=7\n") != std::string::npos);
    CHECK(socket.find("\nListenDatagram=7\n") != std::string::npos);
    CHECK(socket.find("\nWantedBy=sockets.target\n") != std::string::npos);

    const std::string service = read_file(ECHO_SYSTEMD_DIR "/echo-server.service.in");
    const std::string key = "\nExecStart=@ECHO_SERVER_PATH@";
    const auto start = service.find(key);
    REQUIRE(start != std::string::npos);
    const auto end = service.find('\n', start + 1);
    std::istringstream line(service.substr(start + key.size(), end - start - key.size()));
    std::vector<std::string> words{"echo-server"};
    for (std::string word; line >> word;) {
        words.push_back(word);
    }
    std::vector<char*> argv;
    argv.reserve(words.size() + 1);
    for (std::string& word : words) {
        argv.push_back(word.data());
    }
    argv.push_back(nullptr);
    const echo::ServerOptions options =
        echo::parse_server_options(static_cast<int>(words.size()), argv.data());
    CHECK(options.keep_open);
    CHECK_FALSE(options.udp);
    CHECK_FALSE(options.address_given); // the passed sockets would refuse -H, -p, -4, -6
    CHECK_FALSE(options.inetd);
}
