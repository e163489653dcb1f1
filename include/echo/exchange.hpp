// SPDX-License-Identifier: MIT
#pragma once

#include "echo/connection_trace.hpp"

#include <chrono>
#include <cstddef>
#include <span>

namespace echo {

// One round over a connected, non-blocking stream socket: sends `message` while reading its echo
// (a large message would otherwise fill both socket buffers and stall) until exactly
// message.size() bytes of echo are in `echo`. TCP delivers the echo in pieces of any size: one
// recv is never trusted. With `finish`, our FIN follows the message.
// Throws std::system_error when a send or recv fails, std::runtime_error when no progress is made
// within `timeout` or the server closes before the whole echo is back.
void exchange(int sock, std::span<const std::byte> message, std::span<std::byte> echo,
              std::chrono::milliseconds timeout, ConnectionTrace& trace, bool finish);

} // namespace echo
