// SPDX-License-Identifier: MIT
#pragma once

#include "echo/address.hpp"
#include "echo/socket.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include <sys/socket.h>

namespace echo::test {

// The bytes of `text`, for the wrapper's I/O calls.
inline std::span<const std::byte> bytes(const std::string& text) {
    return std::as_bytes(std::span(text));
}

// The text of some bytes received.
inline std::string text_of(std::span<const std::byte> data) {
    return {reinterpret_cast<const char*>(data.data()), data.size()};
}

// `host` and `port` resolved for `socktype` (UDP unless said), the first address.
Address address(const std::string& host, std::uint16_t port, int socktype = SOCK_DGRAM);

// A connected AF_UNIX stream pair, close-on-exec; non-blocking unless asked otherwise.
std::pair<Socket, Socket> socket_pair(bool nonblocking = true);

// The same pair by role: `ours` for the code under test, `theirs` for the test's peer.
struct StreamPair {
    StreamPair();
    Socket ours;
    Socket theirs;
};

// A pipe, close-on-exec.
struct Pipe {
    Pipe();
    Socket read_end;
    Socket write_end;
};

// A socket of the test on 127.0.0.1, port 0: listening when `socktype` is SOCK_STREAM.
Socket bind_loopback(int socktype);

// The port a socket is bound to, as text for a command line.
std::string port_of(const Socket& socket);

// A blocking socket connected to `host` and `port` (for UDP: with that default destination).
Socket connect_raw(std::uint16_t port, const std::string& host = "127.0.0.1",
                   int socktype = SOCK_STREAM);

// A TCP port on 127.0.0.1 that no other test takes, yet a server may bind: a socket bound to it
// with SO_REUSEADDR, not listening. Its port is local_address(fd).port().
Socket reserve_port();

// connect_raw to a server started on a reserved port, probed every 10 ms (500 probes at most)
// until it listens: each probe a real check, not a sleep. Fails the test if it never does.
Socket connect_when_listening(std::uint16_t port);

// Everything `fd` reads until end of stream or a reset (blocking or not); each wait bounded to
// 20 s, after which the test fails.
std::string read_to_eof(int fd);

// Makes close() send a reset instead of a FIN.
void reset_on_close(int fd);

} // namespace echo::test
