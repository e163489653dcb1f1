// SPDX-License-Identifier: MIT
#pragma once

// The sticks' listening socket: TCP on 127.0.0.1:PORT with SO_REUSEADDR, `backlog` deep. On
// failure, says why after `program` and returns -1. `flags` go to socket(2) (SOCK_NONBLOCK).

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

inline int listen_loopback(const char* port, int backlog, const char* program, int flags = 0) {
    const int listener = ::socket(AF_INET, SOCK_STREAM | flags, 0);
    const int on = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(std::atoi(port)));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listener < 0 ||
        ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(listener, backlog) != 0) {
        std::fprintf(stderr, "%s: bind: %s\n", program, std::strerror(errno));
        return -1;
    }
    return listener;
}
