// SPDX-License-Identifier: MIT
#include "datagram_batch.hpp"

#include <algorithm>
#include <cerrno>

#include <sys/socket.h>

namespace echo {

DatagramBatch::DatagramBatch(std::size_t capacity, std::size_t read_size)
    // Not value-initialised: pages of the buffers are touched only by datagrams that fill them.
    : bytes_(new std::byte[capacity * datagram_buffer_size]), slots_(capacity),
      read_size_(std::clamp<std::size_t>(read_size, 1, datagram_buffer_size)) {}

std::span<const std::byte> DatagramBatch::data(std::size_t i) const {
    return {bytes_.get() + i * datagram_buffer_size, slots_[i].received.io.bytes};
}

#if defined(__linux__)

IoResult DatagramBatch::receive(int fd, std::uint16_t local_port) {
    const std::size_t capacity = slots_.size();
    std::vector<mmsghdr> messages(capacity);
    std::vector<iovec> buffers(capacity);
    for (std::size_t i = 0; i < capacity; ++i) {
        buffers[i] = {bytes_.get() + i * datagram_buffer_size, read_size_};
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
        got_one.io = {IoStatus::ok, std::min(got_one.size, read_size_), 0};
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
    return receive_one(fd, local_port, true);
}

IoResult DatagramBatch::send(int fd, std::span<const std::size_t> answers, std::size_t& sent) {
    return send_each(fd, answers, sent);
}

#endif

IoResult DatagramBatch::receive_one(int fd, std::uint16_t local_port, bool destination) {
    count_ = 0;
    const std::span<std::byte> buffer(bytes_.get(), read_size_);
    slots_[0].received =
        destination ? receive_datagram(fd, buffer, local_port) : receive_from(fd, buffer);
    if (slots_[0].received.io.status != IoStatus::ok) {
        return slots_[0].received.io;
    }
    count_ = 1;
    return {IoStatus::ok, 1, 0};
}

IoResult DatagramBatch::send_each(int fd, std::span<const std::size_t> answers, std::size_t& sent) {
    for (sent = 0; sent < answers.size(); ++sent) {
        const Received& asked = slots_[answers[sent]].received;
        // Without its destination (recvfrom), a datagram is answered with sendto.
        const IoResult io = asked.local.family() == 0
                                ? send_to(fd, data(answers[sent]), asked.source)
                                : send_datagram(fd, data(answers[sent]), asked.source, asked.local,
                                                asked.interface);
        if (io.status != IoStatus::ok) {
            return io;
        }
    }
    return {IoStatus::ok, sent, 0};
}

} // namespace echo
