// SPDX-License-Identifier: MIT
// --unix end to end: stream and datagram echo over Unix-domain sockets, paths and abstract names,
// the server's socket file (stale, live, not a socket, removed at exit), -k, -v, --explain,
// measuring, and real peers (nc -U, socat).
#include "catch.hpp"
#include "process.hpp"
#include "sockets.hpp"

#include "echo/address.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace echo::test;

namespace {

// A fresh directory for one test's socket files, removed with what is left in it.
class TempDir {
  public:
    TempDir() {
        std::string pattern = "/tmp/echo-unix-test.XXXXXX";
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        // As /tmp is: a server started as root serves as nobody, and must remove its file.
        REQUIRE(::chmod(pattern.c_str(), 01777) == 0);
        path_ = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    [[nodiscard]] std::string operator/(const std::string& name) const {
        return path_ + "/" + name;
    }
    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& entry : std::filesystem::directory_iterator(path_)) {
            names.push_back(entry.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }

  private:
    std::string path_;
};

// An abstract name no other test or run uses.
std::string abstract_name(const std::string& what) {
    return "@echo-unix-test-" + std::to_string(::getpid()) + "-" + what;
}

bool exists(const std::string& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0;
}

bool is_socket(const std::string& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode);
}

bool have(const char* program) {
    if (::access(program, X_OK) == 0) {
        return true;
    }
    WARN("SKIPPED: " << program << " is not installed");
    return false;
}

std::vector<std::string> server(const std::string& name, std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {server_path(), "--unix", name});
    return extra;
}

std::vector<std::string> client(const std::string& name, std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {client_path(), "--unix", name});
    return extra;
}

// A blocking stream socket of the test connected to the server at `name`.
echo::Socket connect_stream(const std::string& name) {
    echo::Socket socket =
        echo::connect_to(echo::Address::unix_domain(name), SOCK_STREAM, patience(10s));
    echo::set_nonblocking(socket.fd(), false);
    return socket;
}

// `count` bytes from a blocking socket, or fewer at its end.
std::string read_some(int fd, std::size_t count) {
    std::string text(count, '\0');
    std::size_t got = 0;
    while (got < count) {
        const ssize_t n = ::recv(fd, text.data() + got, count - got, 0);
        if (n <= 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    return text;
}

// A socket of the test bound at `path` (a stream one listening) and left open: a live server.
echo::Socket live_socket(const std::string& path, int socktype) {
    return echo::bind_to(echo::Address::unix_domain(path), socktype);
}

// The client's temporary directories in `dir` (valgrind, when it wraps the client, puts files
// of its own there too).
std::size_t client_directories(const TempDir& dir) {
    const std::vector<std::string> names = dir.entries();
    return static_cast<std::size_t>(std::count_if(names.begin(), names.end(), [](const auto& name) {
        return name.starts_with("echo-client.");
    }));
}

// Runs `command` with TMPDIR set to `directory` (for the client's own datagram socket).
Process::Result run_with_tmpdir(const std::string& directory,
                                const std::vector<std::string>& command) {
    const char* before = std::getenv("TMPDIR");
    const std::string saved = before != nullptr ? before : "";
    ::setenv("TMPDIR", directory.c_str(), 1);
    Process::Result result = run(command);
    if (before != nullptr) {
        ::setenv("TMPDIR", saved.c_str(), 1);
    } else {
        ::unsetenv("TMPDIR");
    }
    return result;
}

} // namespace

TEST_CASE("Unix stream: the client's message echoed and the socket removed at exit",
          "[e2e][unix]") {
    const TempDir dir;
    const std::string path = dir / "echo.sock";
    Process echo_server(server(path));
    CHECK(echo_server.wait_for_line("Listening on") ==
          "[+] Listening on " + path + " (Unix stream)");
    CHECK(is_socket(path));
    const auto done = run(client(path, {"hello", "unix"}));
    CHECK(done.exit_code == 0);
    CHECK(done.out == "hello unix\n");
    CHECK(done.err.find("[+] Connected to " + path + " (Unix stream)") != std::string::npos);
    const auto served = echo_server.finish();
    CHECK(served.exit_code == 0);
    CHECK(served.err.find("Client connected: (unnamed)") != std::string::npos);
    CHECK_FALSE(exists(path));
}

TEST_CASE("Unix stream: the client's stream mode, with and without splice", "[e2e][unix]") {
    const TempDir dir;
    const std::string path = dir / "echo.sock";
    const std::string input = random_bytes(1 << 20);
    for (const bool splice : {true, false}) {
        CAPTURE(splice);
        Process echo_server(server(path, splice ? std::vector<std::string>{}
                                                : std::vector<std::string>{"--no-splice"}));
        echo_server.wait_for_line("Listening on");
        const auto done = run(client(path, {"-"}), input);
        CHECK(done.exit_code == 0);
        CHECK(done.out == input);
        CHECK(echo_server.finish().exit_code == 0);
    }
}

TEST_CASE("Unix datagrams: the client's echo, and its own socket removed", "[e2e][unix]") {
    const TempDir dir;
    const std::string path = dir / "echo.sock";
    Process echo_server(server(path, {"-u"}));
    CHECK(echo_server.wait_for_line("Listening on") ==
          "[+] Listening on " + path + " (Unix datagram)");
    const auto done = run_with_tmpdir(dir.path(), client(path, {"-u", "one", "datagram"}));
    CHECK(done.exit_code == 0);
    CHECK(done.out == "one datagram\n");
    CHECK(done.err.find("[+] Sending to " + path + " (Unix datagram)") != std::string::npos);
    CHECK(client_directories(dir) == 0); // the client's socket and directory are gone
    echo_server.wait_for_line("First datagram from " + dir.path() + "/echo-client.");
    echo_server.signal(SIGTERM);
    const auto served = echo_server.finish();
    CHECK(served.exit_code == 0);
    CHECK_FALSE(exists(path));
}

TEST_CASE("Unix datagrams: the client's temporary socket removed after SIGTERM", "[e2e][unix]") {
    const TempDir dir;
    const std::string path = dir / "echo.sock";
    const echo::Socket silent = live_socket(path, SOCK_DGRAM); // receives, never answers
    const char* before = std::getenv("TMPDIR");
    ::setenv("TMPDIR", dir.path().c_str(), 1);
    Process echo_client(client(path, {"-u", "-i"}));
    if (before == nullptr) {
        ::unsetenv("TMPDIR");
    }
    echo_client.wait_for_line("Sending to");
    CHECK(client_directories(dir) == 1);
    echo_client.signal(SIGTERM);
    CHECK(echo_client.finish().exit_code == 128 + SIGTERM);
    CHECK(client_directories(dir) == 0);
}

TEST_CASE("Unix sockets in the abstract namespace, stream and datagram", "[e2e][unix]") {
    const std::string stream_name = abstract_name("stream");
    Process stream_server(server(stream_name));
    CHECK(stream_server.wait_for_line("Listening on") ==
          "[+] Listening on " + stream_name + " (Unix stream)");
    const auto streamed = run(client(stream_name, {"abstract"}));
    CHECK(streamed.exit_code == 0);
    CHECK(streamed.out == "abstract\n");
    CHECK(stream_server.finish().exit_code == 0);

    const std::string datagram_name = abstract_name("datagram");
    Process datagram_server(server(datagram_name, {"-u"}));
    datagram_server.wait_for_line("Listening on");
    const auto sent = run(client(datagram_name, {"-u", "abstract"}));
    CHECK(sent.exit_code == 0);
    CHECK(sent.out == "abstract\n");
    // The client's name was picked by Linux (autobind): five hex digits after the '@'.
    datagram_server.wait_for_line("First datagram from @");
}

TEST_CASE("A stale socket file is replaced but a live one and a regular file are refused",
          "[e2e][unix]") {
    const TempDir dir;
    const std::string path = dir / "echo.sock";
    for (const int socktype : {SOCK_STREAM, SOCK_DGRAM}) {
        const bool udp = socktype == SOCK_DGRAM;
        CAPTURE(udp);
        const std::vector<std::string> extra =
            udp ? std::vector<std::string>{"-u"} : std::vector<std::string>{};
        SECTION("stale") {
            live_socket(path, socktype); // closed at once: its file stays behind
            REQUIRE(is_socket(path));
            Process echo_server(server(path, extra));
            echo_server.wait_for_line("Listening on");
            std::vector<std::string> words = extra;
            words.emplace_back("fresh");
            const auto done = run_with_tmpdir(dir.path(), client(path, words));
            CHECK(done.out == "fresh\n");
            echo_server.signal(SIGTERM);
            CHECK(echo_server.finish().exit_code == 0);
            CHECK_FALSE(exists(path));
        }
        SECTION("live") {
            const echo::Socket live = live_socket(path, socktype);
            const auto done = run(server(path, extra));
            CHECK(done.exit_code == 1);
            CHECK(done.err ==
                  "echo-server: " + path + " is in use: a running server listens on it\n");
            CHECK(is_socket(path));
        }
        SECTION("live, of the other type") {
            const echo::Socket live = live_socket(path, udp ? SOCK_STREAM : SOCK_DGRAM);
            CHECK(run(server(path, extra)).exit_code == 1);
            CHECK(is_socket(path));
        }
        SECTION("a regular file") {
            std::ofstream(path) << "precious";
            const auto done = run(server(path, extra));
            CHECK(done.exit_code == 1);
            CHECK(done.err == "echo-server: " + path + " exists and is not a socket; left alone\n");
            std::ifstream kept(path);
            std::stringstream content;
            content << kept.rdbuf();
            CHECK(content.str() == "precious");
        }
    }
}

TEST_CASE("Unix stream with -k: several peers at once and the socket removed after SIGTERM",
          "[e2e][unix]") {
    const TempDir dir;
    const std::string path = dir / "echo.sock";
    Process echo_server(server(path, {"-k"}));
    echo_server.wait_for_line("Listening on");
    std::vector<echo::Socket> peers;
    peers.reserve(3);
    for (int i = 0; i < 3; ++i) {
        peers.push_back(connect_stream(path));
    }
    for (std::size_t i = 3; i-- > 0;) { // all connected at once, answered in any order
        const std::string text = "peer " + std::to_string(i);
        REQUIRE(echo::write_all(peers[i].fd(), bytes(text)).status == echo::IoStatus::ok);
        CHECK(read_some(peers[i].fd(), text.size()) == text);
    }
    peers.clear();
    const auto measured = run(client(path, {"-c", "5", "-q"}));
    CHECK(measured.exit_code == 0);
    CHECK(measured.out.find("unix-stream echo statistics") != std::string::npos);
    CHECK(measured.out.find("5 rounds sent, 5 echoed") != std::string::npos);
    echo_server.signal(SIGTERM);
    const auto served = echo_server.finish();
    CHECK(served.exit_code == 0);
    CHECK(served.err.find("Served 4 clients") != std::string::npos);
    CHECK_FALSE(exists(path));
}

TEST_CASE("Unix datagrams: measuring with -c", "[e2e][unix]") {
    const TempDir dir;
    const std::string path = dir / "echo.sock";
    Process echo_server(server(path, {"-u"}));
    echo_server.wait_for_line("Listening on");
    const auto measured = run_with_tmpdir(dir.path(), client(path, {"-u", "-c", "5", "-s", "100"}));
    CHECK(measured.exit_code == 0);
    CHECK(measured.out.find("unix-dgram echo statistics") != std::string::npos);
    CHECK(measured.out.find("5 rounds sent, 5 echoed, 0.0% loss") != std::string::npos);
    CHECK(client_directories(dir) == 0);
}

TEST_CASE("Unix sockets with -v and --explain", "[e2e][unix]") {
    const TempDir dir;
    const std::string path = dir / "echo.sock";
    Process echo_server(server(path, {"--explain"}));
    echo_server.wait_for_line("Listening on");
    const auto done = run(client(path, {"-v", "--explain", "seen"}));
    CHECK(done.exit_code == 0);
    CHECK(done.err.find("[call] socket(AF_UNIX, SOCK_STREAM) = ") != std::string::npos);
    CHECK(done.err.find("[call] connect(") != std::string::npos);
    CHECK(done.err.find(path) != std::string::npos);
    CHECK(done.err.find("|seen|") != std::string::npos); // -v's hexdump
    const auto served = echo_server.finish();
    CHECK(served.err.find("[call] bind(") != std::string::npos);
    CHECK(served.err.find(", " + path + ") = 0") != std::string::npos);
    CHECK(served.err.find("[call] accept(") != std::string::npos);
    CHECK(served.err.find("SO_REUSEADDR") == std::string::npos); // no TCP options on AF_UNIX
}

TEST_CASE("Unix sockets against real peers: nc -U and socat", "[e2e][unix]") {
    const TempDir dir;
    const std::string path = dir / "echo.sock";
    Process echo_server(server(path, {"-k"}));
    echo_server.wait_for_line("Listening on");
    if (have("/usr/bin/nc")) {
        const auto done = run({"nc", "-U", "-N", path}, "from nc\n");
        CHECK(done.out == "from nc\n");
    }
    if (have("/usr/bin/socat")) {
        const auto done = run({"socat", "-", "UNIX-CONNECT:" + path}, "from socat\n");
        CHECK(done.out == "from socat\n");
    }
    const std::string datagram_path = dir / "datagram.sock";
    Process datagram_server(server(datagram_path, {"-u"}));
    datagram_server.wait_for_line("Listening on");
    if (have("/usr/bin/nc")) {
        // nc binds a socket of its own for the answer (-u with -U); -w1: its wait. umask 0: a
        // server started as root answers as nobody, who must be let write there.
        // -s: its socket in our directory (else nc's own, which only root may enter).
        const auto done = run({"sh", "-c", R"(umask 0; exec nc -U -u -w1 -s "$0" "$1")",
                               dir / "nc.sock", datagram_path},
                              "nc datagram\n");
        CHECK(done.out == "nc datagram\n");
    }
    if (have("/usr/bin/socat")) {
        const auto done = run({"sh", "-c", R"(umask 0; exec socat - "$0")",
                               "UNIX-SENDTO:" + datagram_path + ",bind=" + (dir / "socat.sock")},
                              "socat datagram\n");
        CHECK(done.out == "socat datagram\n");
        ::unlink((dir / "socat.sock").c_str());
        // Unbound, socat cannot be answered: said once, and the server carries on.
        run({"socat", "-", "UNIX-SENDTO:" + datagram_path}, "unbound\n", 5s);
        datagram_server.wait_for_line("Ignoring datagrams from unbound Unix sockets");
    }
}

TEST_CASE("A Unix-domain socket passed by systemd-socket-activate is served", "[e2e][unix]") {
    const char* const activate = "/usr/bin/systemd-socket-activate";
    if (!have(activate)) {
        return;
    }
    const TempDir dir;
    const std::string path = dir / "passed.sock";
    Process echo_server({activate, "-l", path, server_path(), "-k"});
    echo_server.wait_for_line("Listening on " + path + " as 3"); // the server starts on a peer
    const auto done = run(client(path, {"passed"}));
    CHECK(done.out == "passed\n");
    echo_server.wait_for_line("Listening on " + path + " (Unix stream)");
    CHECK(run({server_path(), "--unix", path}, "", 10s).exit_code == 1); // live: refused
}
