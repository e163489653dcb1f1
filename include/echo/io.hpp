// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string_view>

#include <poll.h>

namespace echo {

// What one I/O call did. End of stream and "would block" are ordinary outcomes, not exceptions;
// `error` holds the errno when status is error.
enum class IoStatus { ok, eof, would_block, error };

struct IoResult {
    IoStatus status = IoStatus::ok;
    std::size_t bytes = 0;
    int error = 0;
};

// Where an exchange with a peer failed: the call ("recv from", "send to") and its errno.
struct IoFailure {
    const char* step = "";
    int error = 0;
};

// The IoResult of a call that failed with `error`: would_block for EAGAIN/EWOULDBLOCK, else error.
IoResult io_failure(int error);

// One read(2): some bytes, eof (0 bytes from a non-empty buffer), would_block or error.
// EINTR is retried. Works on sockets, pipes and terminals.
IoResult read_some(int fd, std::span<std::byte> buffer);

// One write(2) of at most buffer.size() bytes. EINTR is retried. SIGPIPE must be ignored by the
// program: a vanished peer is then an EPIPE error value.
IoResult write_some(int fd, std::span<const std::byte> data);

// The same on a socket, as recv(2) and send(2) (with MSG_NOSIGNAL): the calls --explain shows
// (echo/explain.hpp), where read_some and write_some, which also serve pipes and terminals, show
// nothing.
IoResult receive_some(int sock, std::span<std::byte> buffer);
IoResult send_some(int sock, std::span<const std::byte> data);

// shutdown(2) of our write side: our FIN. A peer already gone makes it fail, which loses nothing.
void shutdown_write(int sock);

// Writes every byte, across partial writes, waiting with poll(2) when `fd` is non-blocking.
IoResult write_all(int fd, std::span<const std::byte> data);

// Waits until `fd` has any of `events`; false on timeout. A negative timeout waits forever.
bool wait_for(int fd, short events, std::chrono::milliseconds timeout);

enum class Wakeup { ready, timed_out, stopped };

// The same, but also wakes when `stop_fd` becomes readable (the stop pipe); -1 for none.
Wakeup wait_for(int fd, short events, std::chrono::milliseconds timeout, int stop_fd);

// The one poll(2): how many of `fds` are ready, 0 when `timeout` passed first (negative: no
// timeout). EINTR is retried with the time left; other failures throw std::system_error.
int poll_for(std::span<pollfd> fds, std::chrono::milliseconds timeout);

void set_nonblocking(int fd, bool on);

// SO_RCVTIMEO: a blocking read of `sock` waits at most `timeout`, then fails as "would block".
void set_receive_timeout(int sock, std::chrono::milliseconds timeout);

} // namespace echo
