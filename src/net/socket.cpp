// SPDX-License-Identifier: MIT
#include "echo/socket.hpp"

#include "echo/error.hpp"

#include <cerrno>
#include <system_error>

#include <sys/socket.h>
#include <unistd.h>

namespace echo {

void Socket::reset(int fd) noexcept {
    if (fd_ >= 0 && fd_ != fd) {
        // Never retry close() on EINTR: on Linux the descriptor is already gone.
        ::close(fd_);
    }
    fd_ = fd;
}

Socket open_socket(int family, int type, int protocol) {
    const int fd = ::socket(family, type | SOCK_CLOEXEC, protocol);
    if (fd < 0) {
        throw_errno("socket");
    }
    return Socket(fd);
}

} // namespace echo
