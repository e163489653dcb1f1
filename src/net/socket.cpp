// SPDX-License-Identifier: MIT
#include "echo/socket.hpp"

#include "call_report.hpp"
#include "echo/error.hpp"

#include <cerrno>
#include <system_error>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace echo {

namespace {

bool is_socket(int fd) {
    struct stat about {};
    return ::fstat(fd, &about) == 0 && S_ISSOCK(about.st_mode);
}

} // namespace

void Socket::reset(int fd) noexcept {
    if (fd_ >= 0 && fd_ != fd) {
        const bool narrated = calls_observed() && is_socket(fd_); // pipes use Socket too
        // Never retry close() on EINTR: on Linux the descriptor is already gone.
        const int result = ::close(fd_);
        if (narrated) [[unlikely]] {
            const int error = errno;
            try {
                detail::report_call("close", std::to_string(fd_), result, error);
            } catch (...) { // NOLINT(bugprone-empty-catch): a line lost, never a close
            }
        }
    }
    fd_ = fd;
}

Socket open_socket(int family, int type, int protocol) {
    const int fd = ::socket(family, type | SOCK_CLOEXEC, protocol);
    if (calls_observed()) [[unlikely]] {
        const int error = errno;
        detail::report_call("socket", detail::family_name(family) + ", " + detail::type_name(type),
                            fd, error);
        errno = error;
    }
    if (fd < 0) {
        throw_errno("socket");
    }
    return Socket(fd);
}

} // namespace echo
