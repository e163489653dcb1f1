// SPDX-License-Identifier: MIT
#pragma once

#include "connection_trace.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace echo {

// One round over a connected, non-blocking stream socket: sends `message` while reading its echo
// (a large message would otherwise fill both socket buffers and stall) until exactly
// message.size() bytes of echo are in `echo`. TCP delivers the echo in pieces of any size: one
// recv is never trusted. With `finish`, our FIN follows the whole echo, not the message: a server
// that ends everything at our FIN (ncat --exec /bin/cat) would otherwise never send the echo.
// Throws std::system_error when a send or recv fails, std::runtime_error when no progress is made
// within `timeout` or the server closes before the whole echo is back. Returns true with the
// whole echo in `echo`, false only when `stop_fd` (the stop pipe; -1 for none) woke a wait.
bool exchange(int sock, std::span<const std::byte> message, std::span<std::byte> echo,
              std::chrono::milliseconds timeout, ConnectionTrace& trace, bool finish,
              int stop_fd = -1);

// What a server sent after the whole echo and our FIN.
struct AfterEcho {
    std::uint64_t surplus = 0; // bytes beyond the echo: an honest server sends none
    bool closed = false;       // its FIN came within the timeout
};

// After exchange(..., finish): reads until the server's FIN, for at most `timeout` in all, and
// counts what came. Throws std::system_error when a recv fails.
AfterEcho await_close(int sock, std::chrono::milliseconds timeout, ConnectionTrace& trace);

// "5 bytes more than sent came back from 127.0.0.1:1234"; "at least 5 bytes..." when the count
// was cut short by the timeout before the server's FIN.
std::string surplus_text(std::uint64_t surplus, bool counted_to_end, const std::string& server);

} // namespace echo
