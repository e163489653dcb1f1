// SPDX-License-Identifier: MIT
// echo-stick-tcp PORT: the measuring stick for one TCP peer. The least a server can do: blocking
// accept of one peer on 127.0.0.1, read(2) into 64 KiB, write(2) all of it, until end of stream.
// No poll, no signals, no checks beyond errors: what is left is the kernel's own cost.
#include "listen_loopback.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char* argv[]) {
    if (argc != 2) {
        std::fputs("Usage: echo-stick-tcp PORT\n", stderr);
        return 2;
    }
    const int listener = listen_loopback(argv[1], 16, "echo-stick-tcp");
    if (listener < 0) {
        return 1;
    }
    const int peer = ::accept(listener, nullptr, nullptr);
    if (peer < 0) {
        std::perror("echo-stick-tcp: accept");
        return 1;
    }
    static char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(peer, buffer, sizeof(buffer));
        if (n <= 0) {
            break;
        }
        for (ssize_t done = 0; done < n;) {
            const ssize_t w = ::write(peer, buffer + done, static_cast<std::size_t>(n - done));
            if (w <= 0) {
                return 1;
            }
            done += w;
        }
    }
    ::shutdown(peer, SHUT_WR);
    ::close(peer);
    return 0;
}
