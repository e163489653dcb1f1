// SPDX-License-Identifier: MIT
#include "echo/net.hpp"

#include "call_report.hpp"
#include "echo/datagram.hpp"
#include "echo/error.hpp"
#include "echo/io.hpp"

#include <cerrno>
#include <system_error>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

namespace echo {

namespace {

// What connect_to() narrates: the connect as a blocking socket returns it, though ours is
// non-blocking and finishes after poll(2) with SO_ERROR.
void report_connect(int fd, const Address& address, int error) {
    if (calls_observed()) [[unlikely]] {
        detail::report_call("connect", std::to_string(fd) + ", " + address.to_string(),
                            error == 0 ? 0 : -1, error);
    }
}

} // namespace

void set_option(int fd, int level, int option, int value, const char* name) {
    const int result = ::setsockopt(fd, level, option, &value, sizeof(value));
    const int error = errno;
    if (calls_observed()) [[unlikely]] {
        detail::report_call("setsockopt",
                            std::to_string(fd) + ", " + name + ", " + std::to_string(value), result,
                            error);
    }
    if (result != 0) {
        throw_error(error, std::string("setsockopt ") + name);
    }
}

int get_option(int fd, int level, int option, const char* name) {
    int value = 0;
    socklen_t length = sizeof(value);
    const int result = ::getsockopt(fd, level, option, &value, &length);
    const int error = errno;
    if (calls_observed()) [[unlikely]] {
        detail::report_call("getsockopt", std::to_string(fd) + ", " + name, result, error, 0, {},
                            result == 0 ? " (" + std::to_string(value) + ")" : std::string());
    }
    if (result != 0) {
        throw_error(error, std::string("getsockopt ") + name);
    }
    return value;
}

Socket bind_to(const Address& address, int socktype) {
    Socket socket = open_socket(address.family(), socktype | SOCK_NONBLOCK);
    // SO_REUSEADDR lets a TCP server restart over connections in TIME_WAIT. UDP has no such
    // state, and there it would let a second server share the port, each one getting only some
    // of the datagrams: datagram sockets go without it, so a taken port is an error.
    // A Unix-domain socket has no TIME_WAIT: the option would mean nothing there.
    if (socktype == SOCK_STREAM && address.family() != AF_UNIX) {
        set_option(socket.fd(), SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
    }
    if (address.family() == AF_INET6) {
        set_option(socket.fd(), IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
    }
    bind_only(socket.fd(), address);
    if (socktype != SOCK_STREAM) {
        return socket;
    }
    const int listening = ::listen(socket.fd(), SOMAXCONN);
    const int error = errno;
    if (calls_observed()) [[unlikely]] {
        detail::report_call("listen",
                            std::to_string(socket.fd()) + ", " + std::to_string(SOMAXCONN),
                            listening, error, SOMAXCONN);
    }
    if (listening != 0) {
        throw_error(error, "listen " + address.to_string());
    }
    return socket;
}

void bind_only(int fd, const Address& address) {
    const int bound = ::bind(fd, address.data(), address.size());
    const int error = errno;
    if (calls_observed()) [[unlikely]] {
        detail::report_call("bind", std::to_string(fd) + ", " + address.to_string(), bound, error);
    }
    if (bound != 0) {
        throw_error(error, "bind " + address.to_string());
    }
}

Socket connect_to(const Address& address, int socktype, std::chrono::milliseconds timeout) {
    return connect_socket(open_socket(address.family(), socktype | SOCK_NONBLOCK), address,
                          timeout);
}

Socket connect_socket(Socket socket, const Address& address, std::chrono::milliseconds timeout) {
    const std::string step = "connect to " + address.to_string();
    if (::connect(socket.fd(), address.data(), address.size()) == 0) {
        report_connect(socket.fd(), address, 0);
        return socket;
    }
    int error = errno;
    if (error != EINPROGRESS && error != EINTR) {
        report_connect(socket.fd(), address, error);
        throw_error(error, step);
    }
    // A non-blocking connect finishes in the background; writable means it is done, one way or
    // the other, and SO_ERROR says which.
    if (!wait_for(socket.fd(), POLLOUT, timeout)) {
        report_connect(socket.fd(), address, ETIMEDOUT);
        throw_error(ETIMEDOUT, step);
    }
    socklen_t length = sizeof(error);
    if (::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
        error = errno;
    }
    report_connect(socket.fd(), address, error);
    if (error != 0) {
        throw_error(error, step);
    }
    return socket;
}

Socket connect_any(const std::vector<Address>& addresses, int socktype,
                   std::chrono::milliseconds timeout) {
    if (addresses.empty()) {
        throw_error(EDESTADDRREQ, "connect");
    }
    for (std::size_t i = 0;; ++i) {
        try {
            return connect_to(addresses[i], socktype, timeout);
        } catch (const std::system_error&) {
            if (i + 1 == addresses.size()) {
                throw;
            }
        }
    }
}

std::optional<Accepted> accept_peer(int listener) {
    for (;;) {
        Address peer;
        socklen_t length = peer.size();
        const int fd = ::accept4(listener, peer.data(), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (calls_observed()) [[unlikely]] {
            const int error = errno;
            // Shown as the tutorial's accept(2); accept4(2) only adds the flags.
            detail::report_call("accept", std::to_string(listener), fd, error, 0, {},
                                fd >= 0 ? ", peer " + Address(peer.data(), length).to_string()
                                        : std::string());
            errno = error;
        }
        if (fd >= 0) {
            Accepted accepted{Socket(fd), Address(peer.data(), length)};
            return accepted;
        }
        switch (errno) {
        case EINTR:
            continue;
        case EAGAIN:
#if EAGAIN != EWOULDBLOCK
        case EWOULDBLOCK:
#endif
        case ECONNABORTED:
        case EPROTO:
            return std::nullopt;
        default:
            throw_errno("accept");
        }
    }
}

} // namespace echo
