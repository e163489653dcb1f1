// SPDX-License-Identifier: MIT
// echo-stick-epoll PORT: the measuring stick for many TCP peers. One level-triggered epoll set,
// one buffer shared by every peer, no per-peer state beyond the descriptor: a readable peer gets
// one read(2) into the buffer and a blocking write(2) of all of it (peers stay blocking, so a
// partial write waits here instead of needing a per-peer queue); end of stream or an error closes
// it. A readable listener gets one accept. Runs until a signal ends it.
#include "listen_loopback.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

bool write_all(int fd, const char* data, std::size_t size) {
    for (std::size_t done = 0; done < size;) {
        const ssize_t w = ::write(fd, data + done, size - done);
        if (w <= 0) {
            return false;
        }
        done += static_cast<std::size_t>(w);
    }
    return true;
}

} // namespace

int main(int argc, char* argv[]) {
    if (argc != 2) {
        std::fputs("Usage: echo-stick-epoll PORT\n", stderr);
        return 2;
    }
    const int listener = listen_loopback(argv[1], 4096, "echo-stick-epoll", SOCK_NONBLOCK);
    if (listener < 0) {
        return 1;
    }
    const int poller = ::epoll_create1(0);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = listener;
    ::epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event);
    static char buffer[64 * 1024];
    epoll_event ready[256];
    for (;;) {
        const int count = ::epoll_wait(poller, ready, 256, -1);
        for (int i = 0; i < count; ++i) {
            const int fd = ready[i].data.fd;
            if (fd == listener) {
                const int peer = ::accept(listener, nullptr, nullptr); // blocking: no SOCK_NONBLOCK
                if (peer >= 0) {
                    event.events = EPOLLIN;
                    event.data.fd = peer;
                    ::epoll_ctl(poller, EPOLL_CTL_ADD, peer, &event);
                }
                continue;
            }
            const ssize_t n = ::read(fd, buffer, sizeof(buffer));
            if (n <= 0 || !write_all(fd, buffer, static_cast<std::size_t>(n))) {
                ::close(fd); // also leaves the epoll set
            }
        }
    }
}
