// SPDX-License-Identifier: MIT
#include "echo/datagram.hpp"

#include "call_report.hpp"
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

IoResult send_message(int fd, const msghdr& message, std::size_t size, const Address& to) {
    for (;;) {
        const ssize_t n = ::sendmsg(fd, &message, MSG_NOSIGNAL);
        if (calls_observed()) [[unlikely]] {
            const int error = errno;
            detail::report_call(
                "sendmsg", std::to_string(fd) + ", " + std::to_string(size) + ", " + to.to_string(),
                n, error, size);
            errno = error;
        }
        if (n >= 0) {
            return {IoStatus::ok, size, 0};
        }
        if (errno != EINTR) {
            return io_failure(errno);
        }
    }
}

// "recvfrom(3, 65536) = 15, from 127.0.0.1:55780"
void report_received(std::string_view name, int fd, std::span<const std::byte> buffer, ssize_t n,
                     const Received& received) {
    const int error = errno;
    detail::report_call(name, std::to_string(fd) + ", " + std::to_string(buffer.size()), n, error,
                        buffer.size(), buffer.first(received.io.bytes),
                        n >= 0 ? ", from " + received.source.to_string() : std::string());
    errno = error;
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
        }
        if (calls_observed()) [[unlikely]] {
            report_received("recvmsg", fd, buffer, n, received);
        }
        if (n >= 0) {
            return received;
        }
        if (errno != EINTR) {
            received.io = io_failure(errno);
            return received;
        }
    }
}

Received receive_from(int fd, std::span<std::byte> buffer) {
    Received received;
    for (;;) {
        socklen_t length = sizeof(sockaddr_storage);
        // MSG_TRUNC: return the datagram's real size, so that a cut one is never taken as whole.
        const ssize_t n = ::recvfrom(fd, buffer.data(), buffer.size(), MSG_TRUNC,
                                     received.source.data(), &length);
        if (n >= 0) {
            received.size = static_cast<std::size_t>(n);
            received.io = {IoStatus::ok, std::min(received.size, buffer.size()), 0};
            received.source = Address(received.source.data(), length);
        }
        if (calls_observed()) [[unlikely]] {
            report_received("recvfrom", fd, buffer, n, received);
        }
        if (n >= 0) {
            return received;
        }
        if (errno != EINTR) {
            received.io = io_failure(errno);
            return received;
        }
    }
}

IoResult send_to(int fd, std::span<const std::byte> data, const Address& to) {
    for (;;) {
        const ssize_t n =
            ::sendto(fd, data.data(), data.size(), MSG_NOSIGNAL, to.data(), to.size());
        if (calls_observed()) [[unlikely]] {
            const int error = errno;
            detail::report_call("sendto",
                                std::to_string(fd) + ", " + std::to_string(data.size()) + ", " +
                                    to.to_string(),
                                n, error, data.size());
            errno = error;
        }
        if (n >= 0) {
            return {IoStatus::ok, data.size(), 0};
        }
        if (errno != EINTR) {
            return io_failure(errno);
        }
    }
}

IoResult send_datagram(int fd, std::span<const std::byte> data) {
    for (;;) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (calls_observed()) [[unlikely]] {
            const int error = errno;
            detail::report_call("send", std::to_string(fd) + ", " + std::to_string(data.size()), n,
                                error, data.size());
            errno = error;
        }
        if (n >= 0) {
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
    return send_message(fd, message, data.size(), to);
}

} // namespace echo
