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

void set_option(int fd, int level, int option, int value, const char* name) {
    if (::setsockopt(fd, level, option, &value, sizeof(value)) != 0) {
        throw std::system_error(errno, std::generic_category(), std::string("setsockopt ") + name);
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

// Fills `message` to send `data` to `to`, leaving from `from` when its family is known
// (IP_PKTINFO or IPV6_PKTINFO in `control`; `interface` for IPv6 link-local addresses).
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

DatagramBatch::DatagramBatch(std::size_t capacity)
    // Not value-initialised: pages of the buffers are touched only by datagrams that fill them.
    : bytes_(new std::byte[capacity * datagram_buffer_size]), slots_(capacity) {}

std::span<const std::byte> DatagramBatch::data(std::size_t i) const {
    return {bytes_.get() + i * datagram_buffer_size, slots_[i].received.io.bytes};
}

#if defined(__linux__)

IoResult DatagramBatch::receive(int fd, std::uint16_t local_port) {
    const std::size_t capacity = slots_.size();
    std::vector<mmsghdr> messages(capacity);
    std::vector<iovec> buffers(capacity);
    for (std::size_t i = 0; i < capacity; ++i) {
        buffers[i] = {bytes_.get() + i * datagram_buffer_size, datagram_buffer_size};
        slots_[i] = Slot{};
        msghdr& message = messages[i].msg_hdr;
        message.msg_name = slots_[i].received.source.data();
        message.msg_namelen = sizeof(sockaddr_storage);
        message.msg_iov = &buffers[i];
        message.msg_iovlen = 1;
        message.msg_control = &slots_[i].control;
        message.msg_controllen = sizeof(ControlBuffer);
    }
    count_ = 0;
    int got = -1;
    do {
        // MSG_TRUNC: each datagram's real size, so that a cut one is never taken as whole.
        got = ::recvmmsg(fd, messages.data(), static_cast<unsigned>(capacity), MSG_TRUNC, nullptr);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
        return io_failure(errno);
    }
    count_ = static_cast<std::size_t>(got);
    for (std::size_t i = 0; i < count_; ++i) {
        Received& got_one = slots_[i].received;
        got_one.size = messages[i].msg_len;
        got_one.io = {IoStatus::ok, std::min(got_one.size, datagram_buffer_size), 0};
        got_one.source = Address(got_one.source.data(), messages[i].msg_hdr.msg_namelen);
        read_destination(messages[i].msg_hdr, local_port, got_one);
    }
    return {IoStatus::ok, count_, 0};
}

IoResult DatagramBatch::send(int fd, std::span<const std::size_t> answers, std::size_t& sent) {
    std::vector<mmsghdr> messages(answers.size());
    std::vector<iovec> payloads(answers.size());
    for (std::size_t k = 0; k < answers.size(); ++k) {
        Slot& slot = slots_[answers[k]];
        address_answer(messages[k].msg_hdr, payloads[k], slot.control, data(answers[k]),
                       slot.received.source, slot.received.local, slot.received.interface);
    }
    sent = 0;
    while (sent < answers.size()) {
        const int n = ::sendmmsg(fd, messages.data() + sent,
                                 static_cast<unsigned>(answers.size() - sent), MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
        } else if (n < 0 && errno != EINTR) {
            return io_failure(errno); // the datagram at `sent` failed
        }
    }
    return {IoStatus::ok, sent, 0};
}

#else

// One at a time where there is no recvmmsg(2)/sendmmsg(2).
IoResult DatagramBatch::receive(int fd, std::uint16_t local_port) {
    count_ = 0;
    slots_[0].received =
        receive_datagram(fd, std::span(bytes_.get(), datagram_buffer_size), local_port);
    if (slots_[0].received.io.status != IoStatus::ok) {
        return slots_[0].received.io;
    }
    count_ = 1;
    return {IoStatus::ok, 1, 0};
}

IoResult DatagramBatch::send(int fd, std::span<const std::size_t> answers, std::size_t& sent) {
    for (sent = 0; sent < answers.size(); ++sent) {
        const Received& asked = slots_[answers[sent]].received;
        const IoResult io =
            send_datagram(fd, data(answers[sent]), asked.source, asked.local, asked.interface);
        if (io.status != IoStatus::ok) {
            return io;
        }
    }
    return {IoStatus::ok, sent, 0};
}

#endif

} // namespace echo
