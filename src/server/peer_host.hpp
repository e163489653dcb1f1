// SPDX-License-Identifier: MIT
#pragma once

#include "echo/address.hpp"

#include <array>
#include <cstddef>

namespace echo {

// An address without its port; an IPv4-mapped IPv6 address (::ffff:127.0.0.1) as the IPv4
// address it maps, since the kernel may show one sender either way. What the loop guard and the
// abuse limits (--max-per-address, --rate) take as "one host".
struct PeerHost {
    int family = 0; // AF_INET or AF_INET6; 0 for any other kind of address
    std::array<unsigned char, 16> bytes{};
    friend bool operator==(const PeerHost&, const PeerHost&) = default;
};

PeerHost host_of(const Address& address);

struct PeerHostHash {
    std::size_t operator()(const PeerHost& host) const noexcept;
};

} // namespace echo
