// SPDX-License-Identifier: MIT
#include "echo/packet_info.hpp"

#include "echo/net.hpp"

#include <cstring>

namespace echo {

void enable_destination_info(int fd, int family) {
    if (family == AF_INET) {
        set_option(fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO");
    } else if (family == AF_INET6) {
        set_option(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
    }
}

void read_destination(const msghdr& message, std::uint16_t local_port, Received& received) {
    for (const cmsghdr* entry = CMSG_FIRSTHDR(&message); entry != nullptr;
         entry = CMSG_NXTHDR(const_cast<msghdr*>(&message), const_cast<cmsghdr*>(entry))) {
        if (entry->cmsg_level == IPPROTO_IP && entry->cmsg_type == IP_PKTINFO) {
            in_pktinfo info{};
            std::memcpy(&info, CMSG_DATA(entry), sizeof(info));
            sockaddr_in local{};
            local.sin_family = AF_INET;
            // ipi_spec_dst, not ipi_addr: for a broadcast it is the interface's own address.
            local.sin_addr = info.ipi_spec_dst;
            received.local = Address(reinterpret_cast<const sockaddr*>(&local), sizeof(local));
            received.interface = static_cast<unsigned>(info.ipi_ifindex);
        } else if (entry->cmsg_level == IPPROTO_IPV6 && entry->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info{};
            std::memcpy(&info, CMSG_DATA(entry), sizeof(info));
            sockaddr_in6 local{};
            local.sin6_family = AF_INET6;
            local.sin6_addr = info.ipi6_addr;
            received.local = Address(reinterpret_cast<const sockaddr*>(&local), sizeof(local));
            received.interface = info.ipi6_ifindex;
        }
    }
    if (received.local.family() != 0) {
        received.local.set_port(local_port);
    }
}

void address_answer(msghdr& message, iovec& payload, ControlBuffer& control,
                    std::span<const std::byte> data, const Address& to, const Address& from,
                    unsigned interface) {
    payload = {const_cast<std::byte*>(data.data()), data.size()};
    control = ControlBuffer{};
    message = msghdr{};
    message.msg_name = const_cast<sockaddr*>(to.data());
    message.msg_namelen = to.size();
    message.msg_iov = &payload;
    message.msg_iovlen = 1;
    if (from.family() == AF_INET || from.family() == AF_INET6) {
        message.msg_control = &control;
        message.msg_controllen = sizeof(control);
        cmsghdr* entry = CMSG_FIRSTHDR(&message);
        if (from.family() == AF_INET) {
            in_pktinfo info{};
            info.ipi_spec_dst = reinterpret_cast<const sockaddr_in*>(from.data())->sin_addr;
            entry->cmsg_level = IPPROTO_IP;
            entry->cmsg_type = IP_PKTINFO;
            entry->cmsg_len = CMSG_LEN(sizeof(info));
            std::memcpy(CMSG_DATA(entry), &info, sizeof(info));
            message.msg_controllen = CMSG_SPACE(sizeof(info));
        } else {
            in6_pktinfo info{};
            info.ipi6_addr = reinterpret_cast<const sockaddr_in6*>(from.data())->sin6_addr;
            info.ipi6_ifindex = interface;
            entry->cmsg_level = IPPROTO_IPV6;
            entry->cmsg_type = IPV6_PKTINFO;
            entry->cmsg_len = CMSG_LEN(sizeof(info));
            std::memcpy(CMSG_DATA(entry), &info, sizeof(info));
            message.msg_controllen = CMSG_SPACE(sizeof(info));
        }
    }
}

} // namespace echo
