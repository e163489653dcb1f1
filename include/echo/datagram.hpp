// SPDX-License-Identifier: MIT
#pragma once

#include "echo/address.hpp"
#include "echo/io.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

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

// Sets SO_RCVBUF and SO_SNDBUF to `bytes` (the kernel may cap them). Throws std::system_error.
void set_socket_buffers(int fd, int bytes);

// One recvmsg(2). EINTR is retried.
Received receive_datagram(int fd, std::span<std::byte> buffer, std::uint16_t local_port);

// One recvfrom(2), the tutorial's call: as receive_datagram, without the destination (`local`
// stays unknown). EINTR is retried.
Received receive_from(int fd, std::span<std::byte> buffer);

// One datagram to `to` with sendto(2), the tutorial's call: it leaves from whichever address the
// route picks. EINTR is retried.
IoResult send_to(int fd, std::span<const std::byte> data, const Address& to);

// One datagram to the connected peer: send(2). EINTR is retried.
IoResult send_datagram(int fd, std::span<const std::byte> data);

// One datagram to `to`, leaving from `from` when from's family is known (sendmsg(2) with
// IP_PKTINFO or IPV6_PKTINFO; `interface` is used for IPv6, whose link-local addresses need it,
// while IPv4 lets the route choose). EINTR is retried.
IoResult send_datagram(int fd, std::span<const std::byte> data, const Address& to,
                       const Address& from, unsigned interface);

} // namespace echo
