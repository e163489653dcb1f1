// SPDX-License-Identifier: MIT
#pragma once

#include "echo/datagram.hpp"
#include "echo/io.hpp"
#include "echo/packet_info.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace echo {

// Up to `capacity` datagrams at a time: one recvmmsg(2) takes what is waiting, one sendmmsg(2)
// answers the chosen ones, each back to its source from its destination address. Where those
// calls do not exist, one datagram at a time. Buffers take 64 KiB per datagram of address space,
// and memory only as datagrams fill them. Each receive takes at most `read_size` bytes of a
// datagram (--read-size; at most 64 KiB): a longer one is cut, and its received().size says by
// how much.
class DatagramBatch final {
  public:
    explicit DatagramBatch(std::size_t capacity, std::size_t read_size = datagram_buffer_size);

    // What is waiting on the non-blocking `fd`, without waiting: ok with the number taken, or
    // would_block, or the error the socket reported. EINTR is retried.
    IoResult receive(int fd, std::uint16_t local_port);
    [[nodiscard]] std::size_t size() const noexcept { return count_; }
    [[nodiscard]] const Received& received(std::size_t i) const { return slots_[i].received; }
    [[nodiscard]] std::span<const std::byte> data(std::size_t i) const;

    // Sends datagrams `answers` (indexes of received ones, in order) back: ok when all went, else
    // `sent` of them went and the error (or would_block) is that of answers[sent].
    IoResult send(int fd, std::span<const std::size_t> answers, std::size_t& sent);

    // The same, one datagram per call, with the tutorial's calls (--explain): recvfrom and
    // sendto, or, with `destination` (a socket on a wildcard address, whose answers must leave
    // from the address each datagram came to), recvmsg and sendmsg.
    IoResult receive_one(int fd, std::uint16_t local_port, bool destination);
    IoResult send_each(int fd, std::span<const std::size_t> answers, std::size_t& sent);

  private:
    struct Slot {
        Received received;
        ControlBuffer control;
    };
    std::unique_ptr<std::byte[]> bytes_;
    std::vector<Slot> slots_;
    std::size_t count_ = 0;
    std::size_t read_size_;
};

} // namespace echo
