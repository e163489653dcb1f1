// SPDX-License-Identifier: MIT
#include "echo/net.hpp"

#include "echo/datagram.hpp"
#include "echo/error.hpp"
#include "echo/io.hpp"

#include <cerrno>
#include <system_error>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

namespace echo {

namespace {} // namespace

void set_option(int fd, int level, int option, int value, const char* name) {
    if (::setsockopt(fd, level, option, &value, sizeof(value)) != 0) {
        const int error = errno;
        throw_error(error, std::string("setsockopt ") + name);
    }
}

Socket bind_to(const Address& address, int socktype) {
    Socket socket = open_socket(address.family(), socktype | SOCK_NONBLOCK);
    // SO_REUSEADDR lets a TCP server restart over connections in TIME_WAIT. UDP has no such
    // state, and there it would let a second server share the port, each one getting only some
    // of the datagrams: datagram sockets go without it, so a taken port is an error.
    if (socktype == SOCK_STREAM) {
        set_option(socket.fd(), SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
    }
    if (address.family() == AF_INET6) {
        set_option(socket.fd(), IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
    }
    if (::bind(socket.fd(), address.data(), address.size()) != 0) {
        const int error = errno;
        throw_error(error, "bind " + address.to_string());
    }
    if (socktype == SOCK_STREAM && ::listen(socket.fd(), SOMAXCONN) != 0) {
        const int error = errno;
        throw_error(error, "listen " + address.to_string());
    }
    return socket;
}

Socket connect_to(const Address& address, int socktype, std::chrono::milliseconds timeout) {
    Socket socket = open_socket(address.family(), socktype | SOCK_NONBLOCK);
    const std::string step = "connect to " + address.to_string();
    if (::connect(socket.fd(), address.data(), address.size()) == 0) {
        return socket;
    }
    if (errno != EINPROGRESS && errno != EINTR) {
        throw_errno(step.c_str());
    }
    // A non-blocking connect finishes in the background; writable means it is done, one way or
    // the other, and SO_ERROR says which.
    if (!wait_for(socket.fd(), POLLOUT, timeout)) {
        throw_error(ETIMEDOUT, step);
    }
    int error = 0;
    socklen_t length = sizeof(error);
    if (::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
        throw_errno(step.c_str());
    }
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
