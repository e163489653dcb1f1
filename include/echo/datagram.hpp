// SPDX-License-Identifier: MIT
#pragma once

#include "echo/address.hpp"
#include "echo/io.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>

namespace echo {

// The largest UDP payloads: an IP packet holds at most 65,535 bytes, less the UDP header (8)
// and, for IPv4, the IP header (20); IPv6's 40-byte header is not counted in its limit.
inline constexpr std::size_t max_udp_payload_ipv4 = 65507;
inline constexpr std::size_t max_udp_payload_ipv6 = 65527;

// A buffer this large holds any UDP datagram whole.
inline constexpr std::size_t datagram_buffer_size = 65536;

struct Received {
    IoResult io;          // ok with io.bytes stored (0 bytes is an empty datagram, not an end),
                          // would_block, or error (a pending ICMP error reads as ECONNREFUSED...)
    std::size_t size = 0; // the datagram's real size: larger than io.bytes when it was cut
    Address source;
    // The address the datagram was sent to, with `local_port`, from which its answer must
    // leave (a socket bound to a wildcard address would otherwise answer from whichever address
    // the route picks, and a connected client would drop that answer); family 0 when unknown.
    Address local;
    unsigned interface = 0;
};

// Asks the kernel to report each datagram's destination address (IP_PKTINFO, IPV6_RECVPKTINFO),
// for receive_datagram's `local`. Throws std::system_error.
void enable_destination_info(int fd, int family);

// Sets SO_RCVBUF and SO_SNDBUF to `bytes` (the kernel may cap them). Throws std::system_error.
void set_socket_buffers(int fd, int bytes);

// One recvmsg(2). EINTR is retried.
Received receive_datagram(int fd, std::span<std::byte> buffer, std::uint16_t local_port);

// One datagram to the connected peer: send(2). EINTR is retried.
IoResult send_datagram(int fd, std::span<const std::byte> data);

// One datagram to `to`, leaving from `from` when from's family is known (sendmsg(2) with
// IP_PKTINFO or IPV6_PKTINFO; `interface` is used for IPv6, whose link-local addresses need it,
// while IPv4 lets the route choose). EINTR is retried.
IoResult send_datagram(int fd, std::span<const std::byte> data, const Address& to,
                       const Address& from, unsigned interface);

// Room for either kind of packet information (IP_PKTINFO, IPV6_PKTINFO).
struct alignas(cmsghdr) ControlBuffer {
    char bytes[CMSG_SPACE(sizeof(in6_pktinfo)) > CMSG_SPACE(sizeof(in_pktinfo))
                   ? CMSG_SPACE(sizeof(in6_pktinfo))
                   : CMSG_SPACE(sizeof(in_pktinfo))];
};

// Up to `capacity` datagrams at a time: one recvmmsg(2) takes what is waiting, one sendmmsg(2)
// answers the chosen ones, each back to its source from its destination address. Where those
// calls do not exist, one datagram at a time. Buffers take 64 KiB per datagram of address space,
// and memory only as datagrams fill them.
class DatagramBatch final {
  public:
    explicit DatagramBatch(std::size_t capacity);

    // What is waiting on the non-blocking `fd`, without waiting: ok with the number taken, or
    // would_block, or the error the socket reported. EINTR is retried.
    IoResult receive(int fd, std::uint16_t local_port);
    [[nodiscard]] std::size_t size() const noexcept { return count_; }
    [[nodiscard]] const Received& received(std::size_t i) const { return slots_[i].received; }
    [[nodiscard]] std::span<const std::byte> data(std::size_t i) const;

    // Sends datagrams `answers` (indexes of received ones, in order) back: ok when all went, else
    // `sent` of them went and the error (or would_block) is that of answers[sent].
    IoResult send(int fd, std::span<const std::size_t> answers, std::size_t& sent);

  private:
    struct Slot {
        Received received;
        ControlBuffer control;
    };
    std::unique_ptr<std::byte[]> bytes_;
    std::vector<Slot> slots_;
    std::size_t count_ = 0;
};

} // namespace echo
