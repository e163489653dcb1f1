// SPDX-License-Identifier: MIT
#include "forge.hpp"
#include "catch.hpp"

#include "echo/socket.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>

#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sys/socket.h>

namespace echo::test {

std::optional<std::string> forge_datagram(const Address& from, const Address& to,
                                          const std::string& payload) {
    const int fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
    if (fd < 0 && (errno == EPERM || errno == EACCES)) {
        return "a raw socket needs root or CAP_NET_RAW: " + std::string(std::strerror(errno));
    }
    REQUIRE(fd >= 0);
    const Socket raw(fd);
    sockaddr_in source{};
    sockaddr_in destination{};
    std::memcpy(&source, from.data(), sizeof(source));
    std::memcpy(&destination, to.data(), sizeof(destination));

    iphdr ip{};
    ip.version = 4;
    ip.ihl = sizeof(iphdr) / 4;
    ip.ttl = 64;
    ip.protocol = IPPROTO_UDP;
    ip.tot_len = htons(static_cast<std::uint16_t>(sizeof(iphdr) + sizeof(udphdr) + payload.size()));
    ip.saddr = source.sin_addr.s_addr;
    ip.daddr = destination.sin_addr.s_addr; // the kernel fills in the id and the checksum
    udphdr udp{};
    udp.source = source.sin_port;
    udp.dest = destination.sin_port;
    udp.len = htons(static_cast<std::uint16_t>(sizeof(udphdr) + payload.size()));
    udp.check = 0; // none: allowed over IPv4

    std::string packet(reinterpret_cast<const char*>(&ip), sizeof(ip));
    packet.append(reinterpret_cast<const char*>(&udp), sizeof(udp));
    packet += payload;
    destination.sin_port = 0;
    REQUIRE(::sendto(raw.fd(), packet.data(), packet.size(), 0,
                     reinterpret_cast<const sockaddr*>(&destination),
                     sizeof(destination)) == static_cast<ssize_t>(packet.size()));
    return std::nullopt;
}

} // namespace echo::test
