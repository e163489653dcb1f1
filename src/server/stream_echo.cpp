// SPDX-License-Identifier: MIT
#include "stream_echo.hpp"

#include "stream_echo_paths.hpp"

#include <array>
#include <cerrno>
#include <system_error>

#include <poll.h>

namespace echo {

namespace detail {

bool wait_or_stop(int peer, short events, int stop_fd) {
    std::array<pollfd, 2> fds{{{peer, events, 0}, {stop_fd, POLLIN, 0}}};
    const nfds_t count = stop_fd >= 0 ? 2 : 1;
    while (::poll(fds.data(), count, events == 0 ? 0 : -1) < 0) {
        if (errno != EINTR) {
            throw std::system_error(errno, std::generic_category(), "poll");
        }
    }
    return count == 2 && fds[1].revents != 0;
}

} // namespace detail

// The one place where the fast path is chosen: splice where the kernel takes it and nobody
// needs to see the bytes, and the portable loop for the rest of the stream as soon as the kernel
// refuses.
EchoOutcome echo_until_eof(int peer, int stop_fd, ConnectionTrace* trace, EchoPath path) {
    if (path == EchoPath::fastest && trace == nullptr) {
        detail::SpliceEnd spliced = detail::echo_by_splice(peer, stop_fd);
        if (!spliced.unsupported) {
            return spliced.outcome;
        }
        return detail::echo_by_copy(peer, stop_fd, nullptr, spliced.outcome, spliced.pending);
    }
    return detail::echo_by_copy(peer, stop_fd, trace, EchoOutcome{}, {});
}

} // namespace echo
