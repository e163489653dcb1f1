// SPDX-License-Identifier: MIT
// echo-stick-udp PORT [BATCH]: the measuring stick for UDP. recvfrom(2) one datagram, sendto(2)
// it back to its sender, forever (until a signal ends the process). With BATCH > 1, the batched
// form instead: recvmmsg(2) takes what is waiting (up to BATCH, blocking only for the first) and
// one sendmmsg(2) answers them all, which tells whether batching pays.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

[[noreturn]] void one_at_a_time(int fd) {
    static char buffer[65536];
    for (;;) {
        sockaddr_storage from{};
        socklen_t length = sizeof(from);
        const ssize_t n =
            ::recvfrom(fd, buffer, sizeof(buffer), 0, reinterpret_cast<sockaddr*>(&from), &length);
        if (n >= 0) {
            ::sendto(fd, buffer, static_cast<std::size_t>(n), 0, reinterpret_cast<sockaddr*>(&from),
                     length);
        }
    }
}

[[noreturn]] void batched(int fd, unsigned batch) {
    constexpr std::size_t room = 65536;
    std::vector<char> buffers(batch * room);
    std::vector<sockaddr_storage> from(batch);
    std::vector<iovec> iov(batch);
    std::vector<mmsghdr> in(batch);
    std::vector<mmsghdr> out(batch);
    for (;;) {
        for (unsigned i = 0; i < batch; ++i) {
            iov[i] = {buffers.data() + i * room, room};
            in[i] = {};
            in[i].msg_hdr.msg_name = &from[i];
            in[i].msg_hdr.msg_namelen = sizeof(from[i]);
            in[i].msg_hdr.msg_iov = &iov[i];
            in[i].msg_hdr.msg_iovlen = 1;
        }
        const int received = ::recvmmsg(fd, in.data(), batch, MSG_WAITFORONE, nullptr);
        const std::size_t got = received > 0 ? static_cast<std::size_t>(received) : 0;
        for (std::size_t i = 0; i < got; ++i) {
            iov[i].iov_len = in[i].msg_len;
            out[i] = {};
            out[i].msg_hdr = in[i].msg_hdr;
        }
        for (std::size_t sent = 0; sent < got;) {
            const int n = ::sendmmsg(fd, out.data() + sent, static_cast<unsigned>(got - sent), 0);
            if (n <= 0) {
                break;
            }
            sent += static_cast<std::size_t>(n);
        }
    }
}

} // namespace

int main(int argc, char* argv[]) {
    if (argc != 2 && argc != 3) {
        std::fputs("Usage: echo-stick-udp PORT [BATCH]\n", stderr);
        return 2;
    }
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[1])));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
        std::perror("echo-stick-udp: bind");
        return 1;
    }
    const int batch = argc == 3 ? std::atoi(argv[2]) : 1;
    if (batch > 1) {
        batched(fd, static_cast<unsigned>(batch));
    }
    one_at_a_time(fd);
}
