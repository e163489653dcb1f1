// SPDX-License-Identifier: MIT
#pragma once

// Which address a datagram was sent to, and how to answer from that address: the IP_PKTINFO and
// IPV6_PKTINFO control messages of recvmsg(2) and sendmsg(2). A server bound to a wildcard
// address needs them, or its answers leave from whichever address the route picks.

#include "echo/address.hpp"
#include "echo/datagram.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

#include <netinet/in.h>
#include <sys/socket.h>

namespace echo {

// Asks the kernel to report each datagram's destination address (IP_PKTINFO, IPV6_RECVPKTINFO),
// for receive_datagram's `local`. Throws std::system_error.
void enable_destination_info(int fd, int family);

// Room for either kind of packet information (IP_PKTINFO, IPV6_PKTINFO).
struct alignas(cmsghdr) ControlBuffer {
    char bytes[CMSG_SPACE(sizeof(in6_pktinfo)) > CMSG_SPACE(sizeof(in_pktinfo))
                   ? CMSG_SPACE(sizeof(in6_pktinfo))
                   : CMSG_SPACE(sizeof(in_pktinfo))];
};

// Fills `received.local` and `received.interface` from the control messages of `message`;
// `local_port` is the receiving socket's.
void read_destination(const msghdr& message, std::uint16_t local_port, Received& received);

// Fills `message` to send `data` to `to`, leaving from `from` when its family is known
// (IP_PKTINFO or IPV6_PKTINFO in `control`; `interface` for IPv6 link-local addresses).
void address_answer(msghdr& message, iovec& payload, ControlBuffer& control,
                    std::span<const std::byte> data, const Address& to, const Address& from,
                    unsigned interface);

} // namespace echo
