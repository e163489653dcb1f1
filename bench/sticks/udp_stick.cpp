// SPDX-License-Identifier: MIT
// echo-stick-udp PORT: the measuring stick for UDP. recvfrom(2) one datagram, sendto(2) it back
// to its sender, forever (until a signal ends the process).
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char* argv[]) {
    if (argc != 2) {
        std::fputs("Usage: echo-stick-udp PORT\n", stderr);
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
