// SPDX-License-Identifier: MIT
#include "sockets.hpp"

#include "catch.hpp"

#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace echo::test {

using namespace std::chrono_literals;

Address address(const std::string& host, std::uint16_t port, int socktype) {
    return resolve(host, port, Family::any, socktype, true).front();
}

std::pair<Socket, Socket> socket_pair(bool nonblocking) {
    int fds[2];
    const int type = SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0);
    REQUIRE(::socketpair(AF_UNIX, type, 0, fds) == 0);
    return {Socket(fds[0]), Socket(fds[1])};
}

StreamPair::StreamPair() {
    std::tie(ours, theirs) = socket_pair();
}

Pipe::Pipe() {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    read_end.reset(fds[0]);
    write_end.reset(fds[1]);
}

Socket bind_loopback(int socktype) {
    return bind_to(resolve("127.0.0.1", 0, Family::ipv4, socktype, true).front(), socktype);
}

std::string port_of(const Socket& socket) {
    return std::to_string(local_address(socket.fd()).port());
}

Socket connect_raw(std::uint16_t port, const std::string& host, int socktype) {
    const auto addresses = resolve(host, port, Family::any, socktype, false);
    Socket socket = connect_any(addresses, socktype, 10s);
    set_nonblocking(socket.fd(), false);
    return socket;
}

Socket reserve_port() {
    Socket reserve = open_socket(AF_INET, SOCK_STREAM);
    const int on = 1;
    ::setsockopt(reserve.fd(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    const Address any = resolve("127.0.0.1", 0, Family::ipv4, SOCK_STREAM, true)[0];
    REQUIRE(::bind(reserve.fd(), any.data(), any.size()) == 0);
    return reserve;
}

Socket connect_when_listening(std::uint16_t port) {
    Socket peer;
    for (int probe = 0; probe < 500 && !peer; ++probe) {
        try {
            peer = connect_raw(port);
        } catch (const std::system_error&) {
            pollfd nothing{-1, 0, 0};
            ::poll(&nothing, 1, 10); // not listening yet: probe again in 10 ms
        }
    }
    REQUIRE(peer);
    return peer;
}

std::string read_to_eof(int fd) {
    std::string all;
    std::array<char, 65536> chunk{};
    for (;;) {
        REQUIRE(wait_for(fd, POLLIN, 20s));
        const ssize_t n = ::read(fd, chunk.data(), chunk.size());
        if (n > 0) {
            all.append(chunk.data(), static_cast<std::size_t>(n));
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            return all;
        }
    }
}

void reset_on_close(int fd) {
    const linger abort_on_close{1, 0};
    REQUIRE(::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close)) == 0);
}

} // namespace echo::test
