// SPDX-License-Identifier: MIT
#pragma once

// The wrapper's one hook for --explain. Every socket call the wrapper makes (socket, setsockopt,
// bind, listen, getsockname, accept, connect, getpeername, recv, send, recvfrom, sendto, recvmsg,
// sendmsg, shutdown, close) is handed, as it returns, to the observer set here, already written
// out as "name(arguments) = result". What becomes of it (a status line, an explanation) is the
// business of the layers above. Without an observer, the default, a call costs one predictable
// branch more and nothing is formatted.

#include <cstddef>
#include <span>
#include <string_view>

namespace echo {

struct Call {
    std::string_view name;           // "recv"
    std::string_view text;           // "recv(4, 1024) = 15", "connect(3, 127.0.0.1:9) = -1
                                     // ECONNREFUSED (Connection refused)"
    long result = 0;                 // what the call returned: -1 when it failed
    int error = 0;                   // its errno when it failed, else 0
    std::size_t asked = 0;           // the size asked for (recv: the buffer; listen: the backlog)
    std::span<const std::byte> data; // the bytes a receiving call got
};

using CallObserver = void (*)(void* context, const Call& call);

// Sets the observer (nullptr: none) and the context it is called with. Set it once, before the
// program's first socket; it is not synchronised with calls in other threads.
void observe_calls(CallObserver observer, void* context) noexcept;

namespace detail {
extern CallObserver call_observer;
} // namespace detail

[[nodiscard]] inline bool calls_observed() noexcept {
    return detail::call_observer != nullptr;
}

} // namespace echo
