// SPDX-License-Identifier: MIT
#include "unix_client.hpp"

#include "echo/address.hpp"
#include "echo/error.hpp"
#include "echo/net.hpp"

#include <array>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace echo {

namespace {

// What a signal handler removes: fixed buffers, as it may only make async-signal-safe calls.
std::array<char, 4096> signal_path{};
std::array<char, 4096> signal_directory{};
constexpr std::array<int, 3> cleanup_signals{SIGINT, SIGTERM, SIGHUP};

void remove_and_die(int number) {
    ::unlink(signal_path.data());
    ::rmdir(signal_directory.data());
    std::signal(number, SIG_DFL);
    std::raise(number);
}

void remove_on_signals(const std::string& path, const std::string& directory) {
    if (path.size() >= signal_path.size() || directory.size() >= signal_directory.size()) {
        return;
    }
    std::memcpy(signal_path.data(), path.c_str(), path.size() + 1);
    std::memcpy(signal_directory.data(), directory.c_str(), directory.size() + 1);
    for (const int number : cleanup_signals) {
        struct sigaction action {};
        // A signal ignored by whoever started us stays ignored; a handler of ours stays too.
        if (::sigaction(number, nullptr, &action) == 0 && action.sa_handler == SIG_DFL) {
            action.sa_handler = remove_and_die;
            ::sigaction(number, &action, nullptr);
        }
    }
}

} // namespace

const std::string& TemporarySocketPath::create() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = base != nullptr && *base != '\0' ? base : "/tmp";
    pattern += "/echo-client.XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    if (::mkdtemp(name.data()) == nullptr) {
        throw_error(errno, "mkdtemp " + pattern);
    }
    directory_ = name.data();
    path_ = directory_ + "/socket";
    remove_on_signals(path_, directory_);
    return path_;
}

void TemporarySocketPath::open_to_the_server() const {
    // A server that runs as another user (root's echo-server becomes nobody) must be able to
    // send the echo here: through the directory (search only: its names stay private) to the
    // socket (write). Nobody else can: the socket, once connected, takes datagrams from its peer
    // alone.
    if (::chmod(directory_.c_str(), 0711) != 0 || ::chmod(path_.c_str(), 0666) != 0) {
        throw_error(errno, "chmod " + path_);
    }
}

TemporarySocketPath::~TemporarySocketPath() {
    if (!directory_.empty()) {
        ::unlink(path_.c_str());
        ::rmdir(directory_.c_str());
    }
}

Socket connect_unix(const std::string& name, bool datagram, std::chrono::milliseconds timeout,
                    TemporarySocketPath& own) {
    const Address server = Address::unix_domain(name);
    if (!datagram) {
        return connect_to(server, SOCK_STREAM, timeout);
    }
    Socket socket = open_socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK);
    if (server.is_abstract()) {
        const sockaddr family_only{AF_UNIX, {}};
        bind_only(socket.fd(), Address(&family_only, sizeof(sa_family_t)));
    } else {
        bind_only(socket.fd(), Address::unix_domain(own.create()));
        own.open_to_the_server();
    }
    return connect_socket(std::move(socket), server, timeout);
}

} // namespace echo
