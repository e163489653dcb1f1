// SPDX-License-Identifier: MIT
#include "stream_echo.hpp"

#include "stream_echo_paths.hpp"

#include "connection_trace.hpp"

namespace echo {

// The one place where the fast path is chosen: splice where the kernel takes it, nobody needs
// to see the bytes and no read size is asked for (the lesson of --read-size is our own reads),
// and the portable loop for the rest of the stream as soon as the kernel refuses.
EchoOutcome echo_until_eof(int peer, int stop_fd, ConnectionTrace& trace, EchoPath path,
                           std::size_t read_size) {
    if (path == EchoPath::fastest && !trace.shows_bytes() && read_size == 0) {
        detail::SpliceEnd spliced = detail::echo_by_splice(peer, stop_fd);
        if (!spliced.unsupported) {
            return spliced.outcome;
        }
        return detail::echo_by_copy(peer, stop_fd, trace, spliced.outcome, spliced.pending, 0);
    }
    return detail::echo_by_copy(peer, stop_fd, trace, EchoOutcome{}, {}, read_size);
}

} // namespace echo
