// SPDX-License-Identifier: MIT
// Privileges and confinement: started as root, echo-server binds, then serves as an unprivileged
// user ([privileges]); in every mode it serves under PR_SET_NO_NEW_PRIVS and a seccomp filter
// ([sandbox]). Both are read from /proc/PID/status while a peer is being served.
#include "catch.hpp"
#include "process.hpp"
#include "sockets.hpp"

#include "echo/address.hpp"
#include "echo/io.hpp"
#include "echo/socket.hpp"

#include <algorithm>
#include <csignal>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace echo::test;

namespace {

// The value of a "Field:\t..." line of /proc/PID/status ("" if missing).
std::string status_field(pid_t pid, const std::string& field) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind(field + ":", 0) == 0) {
            const std::size_t value = line.find_first_not_of(" \t", field.size() + 1);
            return value == std::string::npos ? "" : line.substr(value);
        }
    }
    return "";
}

std::vector<long> numbers(const std::string& text) {
    std::istringstream stream(text);
    std::vector<long> values;
    for (long value = 0; stream >> value;) {
        values.push_back(value);
    }
    return values;
}

// The uid and gid of `user`, or nullopt if there is no such user.
std::optional<std::pair<uid_t, gid_t>> ids_of(const char* user) {
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (::getpwnam_r(user, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
        return std::nullopt;
    }
    return std::pair{entry.pw_uid, entry.pw_gid};
}

// The coverage build's server serves unconfined (gcov writes its counts at exit): see main.cpp.
// There the checks of confinement below are skipped, and say so.
#if defined(ECHO_COVERAGE_BUILD)
#define ECHO_SKIP_UNCONFINED()                                                                     \
    do {                                                                                           \
        WARN("SKIPPED: the coverage build serves unconfined, so that gcov can write its counts");  \
        return;                                                                                    \
    } while (false)
#else
#define ECHO_SKIP_UNCONFINED() static_cast<void>(0)
#endif

bool root() {
    if (::geteuid() == 0) {
        return true;
    }
    WARN("SKIPPED: needs root");
    return false;
}

// Sends `text` on a connected socket and reads its echo back, leaving the connection open.
std::string round_trip(const echo::Socket& peer, const std::string& text) {
    REQUIRE(echo::write_all(peer.fd(), bytes(text)).status == echo::IoStatus::ok);
    std::string echo;
    while (echo.size() < text.size()) {
        REQUIRE(echo::wait_for(peer.fd(), POLLIN, patience(10s)));
        std::string chunk(text.size() - echo.size(), '\0');
        const ssize_t n = ::recv(peer.fd(), chunk.data(), chunk.size(), 0);
        REQUIRE(n > 0);
        echo.append(chunk.data(), static_cast<std::size_t>(n));
    }
    return echo;
}

void check_confined(pid_t pid) {
    ECHO_SKIP_UNCONFINED();
    CHECK(status_field(pid, "Seccomp") == "2");
    CHECK(status_field(pid, "NoNewPrivs") == "1");
}

// `err` holds `line`, which a confined server prints.
void check_said(const std::string& err, const std::string& line) {
    ECHO_SKIP_UNCONFINED();
    CHECK(err.find(line) != std::string::npos);
}

// Every uid (real, effective, saved, filesystem) and gid is `user`'s, and the groups its own.
void check_runs_as(pid_t pid, const char* user) {
    ECHO_SKIP_UNCONFINED();
    const auto ids = ids_of(user);
    REQUIRE(ids);
    const auto [uid, gid] = *ids;
    CHECK(numbers(status_field(pid, "Uid")) == std::vector<long>(4, static_cast<long>(uid)));
    CHECK(numbers(status_field(pid, "Gid")) == std::vector<long>(4, static_cast<long>(gid)));
    std::vector<gid_t> groups(64);
    int count = static_cast<int>(groups.size());
    REQUIRE(::getgrouplist(user, gid, groups.data(), &count) >= 0);
    for (const long group : numbers(status_field(pid, "Groups"))) {
        CHECK(std::find(groups.begin(), groups.begin() + count, static_cast<gid_t>(group)) !=
              groups.begin() + count);
    }
}

} // namespace

TEST_CASE("Started as root echo-server binds then serves as nobody", "[privileges]") {
    if (!root()) {
        return;
    }
    const bool udp = GENERATE(false, true);
    Process server({server_path(), "-p", "0", udp ? "-u" : "-k"});
    const std::uint16_t port = server.wait_listening();
    const echo::Socket peer = connect_raw(port, "127.0.0.1", udp ? SOCK_DGRAM : SOCK_STREAM);
    CHECK(round_trip(peer, "still echoing") == "still echoing");
    check_runs_as(server.pid(), "nobody");
    server.signal(SIGTERM);
    const auto done = server.finish();
    CHECK(done.exit_code == 0);
    CHECK(done.err.find("Running as") == std::string::npos); // silent unless -v or --user
}

TEST_CASE("The user named by --user is the one the server becomes", "[privileges]") {
    if (!root()) {
        return;
    }
    const auto daemon = ids_of("daemon");
    if (!daemon) {
        WARN("SKIPPED: no user daemon here");
        return;
    }
    Process server({server_path(), "-p", "0", "--user", "daemon"});
    const echo::Socket peer = connect_raw(server.wait_listening());
    CHECK(round_trip(peer, "as daemon") == "as daemon");
    check_runs_as(server.pid(), "daemon");
    server.signal(SIGTERM);
    const auto done = server.finish();
    check_said(done.err, "[+] Running as daemon (uid " + std::to_string(daemon->first) + ")\n");
}

TEST_CASE("An unknown user or root for --user is an error line and exit 1", "[privileges]") {
    if (!root()) {
        return;
    }
    const auto unknown = run({server_path(), "-p", "0", "--user", "no-such-user-here"});
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err == "echo-server: --user no-such-user-here: no such user\n");
    const auto as_root = run({server_path(), "-p", "0", "--user", "root"});
    CHECK(as_root.exit_code == 1);
    CHECK(as_root.err == "echo-server: --user root: that is root; name an unprivileged user\n");
}

TEST_CASE("The sandbox is on while serving one peer by splice and by copy", "[sandbox]") {
    const bool splice = GENERATE(true, false);
    Process server(splice ? std::vector<std::string>{server_path(), "-p", "0"}
                          : std::vector<std::string>{server_path(), "-p", "0", "--no-splice"});
    const echo::Socket peer = connect_raw(server.wait_listening());
    CHECK(round_trip(peer, "confined") == "confined");
    check_confined(server.pid());
}

TEST_CASE("The sandbox is on with -k and --udp and -v and --explain", "[sandbox]") {
    const std::vector<std::string> mode = GENERATE(
        std::vector<std::string>{"-k"}, std::vector<std::string>{"-u"},
        std::vector<std::string>{"-k", "-v"}, std::vector<std::string>{"-v"},
        std::vector<std::string>{"-k", "--explain"}, std::vector<std::string>{"-u", "--explain"});
    std::vector<std::string> command{server_path(), "-p", "0"};
    command.insert(command.end(), mode.begin(), mode.end());
    Process server(command);
    const bool udp = mode.front() == "-u";
    const echo::Socket peer =
        connect_raw(server.wait_listening(), "127.0.0.1", udp ? SOCK_DGRAM : SOCK_STREAM);
    CHECK(round_trip(peer, "confined") == "confined");
    check_confined(server.pid());
    server.signal(SIGTERM);
    CHECK(server.finish().exit_code == 0);
}

TEST_CASE("The sandbox is on with --inetd for TCP and UDP", "[sandbox][inetd]") {
    const echo::Socket listener = bind_loopback(SOCK_STREAM);
    const echo::Socket peer = connect_raw(echo::local_address(listener.fd()).port());
    echo::Socket accepted(::accept4(listener.fd(), nullptr, nullptr, 0));
    REQUIRE(accepted);
    const std::string exec_on_socket =
        "import os, sys; fd = int(sys.argv[1]); os.dup2(fd, 0); os.execv(sys.argv[2], "
        "sys.argv[2:])";
    Process tcp(
        {"python3", "-c", exec_on_socket, std::to_string(accepted.fd()), server_path(), "--inetd"});
    accepted.reset();
    CHECK(round_trip(peer, "inetd") == "inetd");
    check_confined(tcp.pid());

    const std::string exec_on_udp =
        "import os, socket, sys; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
        "s.bind(('127.0.0.1', 0)); print(s.getsockname()[1], flush=True); "
        "os.dup2(s.fileno(), 0); os.execv(sys.argv[1], sys.argv[1:])";
    Process udp({"python3", "-c", exec_on_udp, server_path(), "--inetd", "--udp"});
    const auto port = static_cast<std::uint16_t>(std::stoul(udp.wait_for_output("\n")));
    const echo::Socket sender = connect_raw(port, "127.0.0.1", SOCK_DGRAM);
    CHECK(round_trip(sender, "inetd udp") == "inetd udp");
    check_confined(udp.pid());
    udp.signal(SIGTERM);
    CHECK(udp.finish().exit_code == 0);
}

TEST_CASE("The sandbox is on with sockets passed and TCP and UDP on two threads", "[sandbox]") {
    const char* const activate = "/usr/bin/systemd-socket-activate";
    if (::access(activate, X_OK) != 0) {
        WARN("SKIPPED: systemd-socket-activate is not installed (Debian package systemd)");
        return;
    }
    const echo::Socket reserve = reserve_port();
    const std::uint16_t port = echo::local_address(reserve.fd()).port();
    const std::string where = "127.0.0.1:" + std::to_string(port);
    Process server(
        {activate, "-l", where, activate, "--datagram", "-l", where, server_path(), "-k"});
    const echo::Socket first = connect_when_listening(port);
    server.wait_for_line("Listening on " + where + " (UDP)");
    CHECK(round_trip(first, "tcp") == "tcp");
    const echo::Socket sender = connect_raw(port, "127.0.0.1", SOCK_DGRAM);
    CHECK(round_trip(sender, "udp") == "udp");
    check_confined(server.pid());
    server.signal(SIGTERM);
    CHECK(server.finish().exit_code == 0);
}

TEST_CASE("The sandbox is on with --unix, and the socket file still goes at the end",
          "[sandbox][unix]") {
    std::string directory = "/tmp/echo-confined.XXXXXX";
    REQUIRE(::mkdtemp(directory.data()) != nullptr);
    REQUIRE(::chmod(directory.c_str(), 01777) == 0); // as /tmp: nobody may remove its own file
    const std::string path = directory + "/echo.sock";
    Process server({server_path(), "-k", "--unix", path});
    server.wait_for_line("Listening on " + path);
    const echo::Socket peer = echo::open_socket(AF_UNIX, SOCK_STREAM);
    const echo::Address address = echo::Address::unix_domain(path);
    REQUIRE(::connect(peer.fd(), address.data(), address.size()) == 0);
    CHECK(round_trip(peer, "confined") == "confined");
    check_confined(server.pid());
    if (::geteuid() == 0) {
        check_runs_as(server.pid(), "nobody");
    }
    server.signal(SIGTERM);
    CHECK(server.finish().exit_code == 0);
    CHECK(::access(path.c_str(), F_OK) != 0); // removed by nobody, under the filter
    ::unlink(path.c_str());
    ::rmdir(directory.c_str());
}

TEST_CASE("With --no-sandbox the server is unconfined", "[sandbox]") {
    Process server({server_path(), "-p", "0", "-k", "--no-sandbox"});
    const echo::Socket peer = connect_raw(server.wait_listening());
    CHECK(round_trip(peer, "free") == "free");
    CHECK(status_field(server.pid(), "Seccomp") == "0");
}
