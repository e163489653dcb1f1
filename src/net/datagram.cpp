// SPDX-License-Identifier: MIT
#include "echo/datagram.hpp"

#include "echo/net.hpp"
#include "echo/packet_info.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <netinet/in.h>
#include <sys/socket.h>

namespace echo {

namespace {

IoResult send_message(int fd, const msghdr& message, std::size_t size) {
    for (;;) {
        if (::sendmsg(fd, &message, MSG_NOSIGNAL) >= 0) {
            return {IoStatus::ok, size, 0};
        }
        if (errno != EINTR) {
            return io_failure(errno);
        }
    }
}

} // namespace

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
            received.io = io_failure(errno);
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
            return io_failure(errno);
        }
    }
}

IoResult send_datagram(int fd, std::span<const std::byte> data, const Address& to,
                       const Address& from, unsigned interface) {
    iovec payload{};
    ControlBuffer control{};
    msghdr message{};
    address_answer(message, payload, control, data, to, from, interface);
    return send_message(fd, message, data.size());
}

} // namespace echo
