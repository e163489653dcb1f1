// SPDX-License-Identifier: MIT
#pragma once

#include "echo/address.hpp"
#include "echo/socket.hpp"

#include <vector>

namespace echo {

class Status;

struct Listener {
    Socket socket;
    Address address; // as bound: with the real port when port 0 was asked
};

// Binds a socket of `socktype` on every address, all on the same port: when the port is 0, the
// first bind picks a free one and the others follow it. An address whose family this machine
// cannot use (EADDRNOTAVAIL, EAFNOSUPPORT) is skipped with an error line, as long as one address
// remains; any other failure, "Address already in use" included, throws std::system_error.
std::vector<Listener> open_listeners(std::vector<Address> addresses, int socktype,
                                     const Status& status);

// What every listener needs before its first peer, whoever bound it (bind_all_once below, or a
// service manager): urgent data inline for TCP, each datagram's destination for UDP.
void prepare_listener(int fd, int socktype, int family);

// After the Listening lines: when every listener is on a loopback address, hints once that only
// this machine can connect, and how to accept others.
void hint_if_loopback_only(const std::vector<Listener>& listeners, const Status& status);

} // namespace echo
