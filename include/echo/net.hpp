// SPDX-License-Identifier: MIT
#pragma once

#include "echo/address.hpp"
#include "echo/socket.hpp"

#include <chrono>
#include <optional>
#include <vector>

namespace echo {

// setsockopt(2) with an int value. Throws std::system_error whose what() reads
// "setsockopt SO_REUSEADDR: ...", `name` being the option's.
void set_option(int fd, int level, int option, int value, const char* name);

// getsockopt(2) of an int value, such as SO_TYPE or SO_ACCEPTCONN. Throws std::system_error whose
// what() reads "getsockopt SO_TYPE: Socket operation on non-socket".
int get_option(int fd, int level, int option, const char* name);

// A non-blocking socket of `socktype` bound to `address`, with IPV6_V6ONLY for IPv6 (so that
// 127.0.0.1 and ::1 can share a port). Stream sockets get SO_REUSEADDR and listen. Datagram
// sockets do not get SO_REUSEADDR, which would let two UDP servers share one port.
// Throws std::system_error whose what() reads "bind 127.0.0.1:1234: Address already in use".
Socket bind_to(const Address& address, int socktype);

// A non-blocking socket of `socktype` connected to `address` within `timeout`.
// Throws std::system_error whose what() reads "connect to 127.0.0.1:9: Connection refused".
Socket connect_to(const Address& address, int socktype, std::chrono::milliseconds timeout);

// bind(2) alone, without listen: for a client that must have an address of its own (a Unix
// datagram client, so that the echo can come back). An address of family AF_UNIX and of the
// length of sa_family_t alone asks Linux to pick an unused abstract name (autobind).
// Throws std::system_error whose what() reads "bind /tmp/x.sock: Address already in use".
void bind_only(int fd, const Address& address);

// Connects `socket`, a non-blocking one that may be bound already, to `address` within
// `timeout`; connect_to() with a socket of the caller's.
Socket connect_socket(Socket socket, const Address& address, std::chrono::milliseconds timeout);

// Tries each address in turn with a fresh socket; if none answers, throws the last failure.
Socket connect_any(const std::vector<Address>& addresses, int socktype,
                   std::chrono::milliseconds timeout);

struct Accepted {
    Socket socket; // non-blocking, close-on-exec, urgent data inline (SO_OOBINLINE)
    Address peer;
};

// One accept4(2) on a non-blocking listener: nullopt when no peer is waiting (or the peer left
// before we took it). Other failures, such as EMFILE, throw std::system_error.
std::optional<Accepted> accept_peer(int listener);

} // namespace echo
