// SPDX-License-Identifier: MIT
#include "peer_host.hpp"

#include <cstdint>
#include <cstring>

#include <netinet/in.h>

namespace echo {

PeerHost host_of(const Address& address) {
    PeerHost host;
    if (address.family() == AF_INET) {
        sockaddr_in in{};
        std::memcpy(&in, address.data(), sizeof(in));
        host.family = AF_INET;
        std::memcpy(host.bytes.data(), &in.sin_addr, sizeof(in.sin_addr));
    } else if (address.family() == AF_INET6) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, address.data(), sizeof(in6));
        if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) {
            host.family = AF_INET;
            std::memcpy(host.bytes.data(), &in6.sin6_addr.s6_addr[12], 4);
        } else {
            host.family = AF_INET6;
            std::memcpy(host.bytes.data(), &in6.sin6_addr, sizeof(in6.sin6_addr));
        }
    }
    return host;
}

// FNV-1a over the family and the bytes.
std::size_t PeerHostHash::operator()(const PeerHost& host) const noexcept {
    std::uint64_t hash = 14695981039346656037ULL;
    const auto mix = [&hash](unsigned char byte) {
        hash ^= byte;
        hash *= 1099511628211ULL;
    };
    mix(static_cast<unsigned char>(host.family));
    for (const unsigned char byte : host.bytes) {
        mix(byte);
    }
    return static_cast<std::size_t>(hash);
}

} // namespace echo
