// SPDX-License-Identifier: MIT
#pragma once

namespace echo {

// SIGINT and SIGTERM ask the program to stop. The handler only sets a flag and writes one byte to
// a pipe (the self-pipe trick), so that every poll(2) loop that also watches stop_fd() wakes up.
// A SIGINT ignored by whoever started us (a background job of a script) stays ignored.
void install_stop_handlers();

// Readable once a stop was requested; -1 before install_stop_handlers().
int stop_fd() noexcept;

bool stop_requested() noexcept;

// While it lives, a stop also shuts `socket` (unless -1) down (SHUT_RDWR), so that a blocking recv,
// send or splice on it returns (end of stream, EPIPE) instead of waiting on: a loop of blocking
// calls then needs no poll(2) per chunk to notice a stop. Destroy it before closing the socket.
class ShutdownOnStop {
  public:
    explicit ShutdownOnStop(int socket) noexcept;
    ~ShutdownOnStop();
    ShutdownOnStop(const ShutdownOnStop&) = delete;
    ShutdownOnStop& operator=(const ShutdownOnStop&) = delete;
};

} // namespace echo
