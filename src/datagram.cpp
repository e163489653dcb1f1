// SPDX-License-Identifier: MIT
#include "echo/datagram.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <netinet/in.h>
#include <sys/socket.h>

namespace echo {

namespace {

IoResult failure(int error) {
    if (error == EAGAIN || error == EWOULDBLOCK) {
        return {IoStatus::would_block, 0, 0};
    }
    return {IoStatus::error, 0, error};
}

void set_option(int fd, int level, int option, int value, const char* name) {
    if (::setsockopt(fd, level, option, &value, sizeof(value)) != 0) {
        throw std::system_error(errno, std::generic_category(), std::string("setsockopt ") + name);
    }
}

// Room for either kind of packet information.
union ControlBuffer {
    char ipv4[CMSG_SPACE(sizeof(in_pktinfo))];
    char ipv6[CMSG_SPACE(sizeof(in6_pktinfo))];
    cmsghdr align;
};

void read_destination(msghdr& message, std::uint16_t local_port, Received& received) {
    for (cmsghdr* entry = CMSG_FIRSTHDR(&message); entry != nullptr;
         entry = CMSG_NXTHDR(&message, entry)) {
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

IoResult send_message(int fd, const msghdr& message, std::size_t size) {
    for (;;) {
        if (::sendmsg(fd, &message, MSG_NOSIGNAL) >= 0) {
            return {IoStatus::ok, size, 0};
        }
        if (errno != EINTR) {
            return failure(errno);
        }
    }
}

} // namespace

void enable_destination_info(int fd, int family) {
    if (family == AF_INET) {
        set_option(fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO");
    } else if (family == AF_INET6) {
        set_option(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
    }
}

void set_socket_buffers(int fd, int bytes) {
    set_option(fd, SOL_SOCKET, SO_RCVBUF, bytes, "SO_RCVBUF");
    set_option(fd, SOL_SOCKET, SO_SNDBUF, bytes, "SO_SNDBUF");
}

Received receive_datagram(int fd, std::span<std::byte> buffer, std::uint16_t local_port) {
    Received received;
    iovec data{buffer.data(), buffer.size()};
    ControlBuffer control{};
    msghdr message{};
    message.msg_name = received.source.data();
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    for (;;) {
        message.msg_namelen = sizeof(sockaddr_storage);
        message.msg_control = &control;
        message.msg_controllen = sizeof(control);
        // MSG_TRUNC: return the datagram's real size, so that a cut one is never taken as whole.
        const ssize_t n = ::recvmsg(fd, &message, MSG_TRUNC);
        if (n >= 0) {
            received.size = static_cast<std::size_t>(n);
            received.io = {IoStatus::ok, std::min(received.size, buffer.size()), 0};
            received.source = Address(received.source.data(), message.msg_namelen);
            read_destination(message, local_port, received);
            return received;
        }
        if (errno != EINTR) {
            received.io = failure(errno);
            return received;
        }
    }
}

IoResult send_datagram(int fd, std::span<const std::byte> data) {
    for (;;) {
        if (::send(fd, data.data(), data.size(), MSG_NOSIGNAL) >= 0) {
            return {IoStatus::ok, data.size(), 0};
        }
        if (errno != EINTR) {
            return failure(errno);
        }
    }
}

IoResult send_datagram(int fd, std::span<const std::byte> data, const Address& to,
                       const Address& from, unsigned interface) {
    iovec payload{const_cast<std::byte*>(data.data()), data.size()};
    ControlBuffer control{};
    msghdr message{};
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
    return send_message(fd, message, data.size());
}

} // namespace echo
