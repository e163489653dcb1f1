// SPDX-License-Identifier: MIT
#include "echo/resolve.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include <netdb.h>

namespace echo {

namespace {

int to_ai_family(Family family) {
    switch (family) {
    case Family::ipv4:
        return AF_INET;
    case Family::ipv6:
        return AF_INET6;
    case Family::any:
        break;
    }
    return AF_UNSPEC;
}

} // namespace

std::vector<Address> resolve(const std::string& host, std::uint16_t port, Family family,
                             int socktype, bool passive) {
    addrinfo hints{};
    hints.ai_family = to_ai_family(family);
    hints.ai_socktype = socktype;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);

    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    const int status = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
    if (status != 0) {
        const char* cause = status == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(status);
        throw ResolveError("resolve " + host + ": " + cause);
    }
    const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(found, &::freeaddrinfo);

    std::vector<Address> addresses;
    for (const addrinfo* entry = found; entry != nullptr; entry = entry->ai_next) {
        if (entry->ai_family != AF_INET && entry->ai_family != AF_INET6) {
            continue;
        }
        const Address address(entry->ai_addr, entry->ai_addrlen);
        if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) {
            addresses.push_back(address);
        }
    }
    if (addresses.empty()) {
        throw ResolveError("resolve " + host + ": no IPv4 or IPv6 address");
    }
    return addresses;
}

} // namespace echo
