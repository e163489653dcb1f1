// SPDX-License-Identifier: MIT
// echo-stick-splice PORT: the measuring stick for one TCP peer through splice(2). Blocking accept
// of one peer on 127.0.0.1, then socket -> pipe -> socket with blocking splice calls: everything
// one splice brings into the pipe is spliced back out before the next, until end of stream. The
// pipe is 1 MiB, as in echo-server. No poll, no signals: the kernel's own cost of a splice echo.
#include "listen_loopback.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char* argv[]) {
    if (argc != 2) {
        std::fputs("Usage: echo-stick-splice PORT\n", stderr);
        return 2;
    }
    const int listener = listen_loopback(argv[1], 16, "echo-stick-splice");
    if (listener < 0) {
        return 1;
    }
    const int peer = ::accept(listener, nullptr, nullptr);
    if (peer < 0) {
        std::perror("echo-stick-splice: accept");
        return 1;
    }
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) {
        std::perror("echo-stick-splice: pipe");
        return 1;
    }
    const int pipe_bytes = ::fcntl(pipe_fds[1], F_SETPIPE_SZ, 1024 * 1024);
    const std::size_t chunk = pipe_bytes > 0 ? static_cast<std::size_t>(pipe_bytes) : 64 * 1024;
    for (;;) {
        const ssize_t n = ::splice(peer, nullptr, pipe_fds[1], nullptr, chunk, SPLICE_F_MOVE);
        if (n < 0) {
            std::perror("echo-stick-splice: splice");
            return 1;
        }
        if (n == 0) {
            break;
        }
        for (ssize_t done = 0; done < n;) {
            const ssize_t w = ::splice(pipe_fds[0], nullptr, peer, nullptr,
                                       static_cast<std::size_t>(n - done), SPLICE_F_MOVE);
            if (w <= 0) {
                std::perror("echo-stick-splice: splice");
                return 1;
            }
            done += w;
        }
    }
    ::shutdown(peer, SHUT_WR);
    ::close(peer);
    return 0;
}
