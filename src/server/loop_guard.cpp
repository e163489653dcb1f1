// SPDX-License-Identifier: MIT
#include "loop_guard.hpp"
#include "i18n.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

#include <ifaddrs.h>
#include <netinet/in.h>

namespace echo {

namespace {

// An address without its port; an IPv4-mapped IPv6 address (::ffff:127.0.0.1) as the IPv4
// address it maps, since the kernel may show one sender either way.
struct Host {
    int family = 0;
    std::array<unsigned char, 16> bytes{};
    friend bool operator==(const Host&, const Host&) = default;
};

Host host_of(const Address& address) {
    Host host;
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

bool loopback(const Host& host) {
    static constexpr std::array<unsigned char, 16> ipv6_loopback{0, 0, 0, 0, 0, 0, 0, 0,
                                                                 0, 0, 0, 0, 0, 0, 0, 1};
    return (host.family == AF_INET && host.bytes[0] == 127) ||
           (host.family == AF_INET6 && host.bytes == ipv6_loopback);
}

bool of_this_host(const Address& source, std::span<const Address> own,
                  std::span<const Address> host) {
    const Host sender = host_of(source);
    const auto same = [&sender](const Address& address) { return host_of(address) == sender; };
    return loopback(sender) || std::any_of(own.begin(), own.end(), same) ||
           std::any_of(host.begin(), host.end(), same);
}

} // namespace

std::optional<std::string> loop_risk(const Address& source, std::span<const Address> own,
                                     std::span<const Address> host) {
    static constexpr std::array<std::pair<std::uint16_t, std::string_view>, 5> risky{{
        {0, tr_noop("no service")},
        {7, "echo"},
        {13, "daytime"},
        {19, "chargen"},
        {37, "time"},
    }};
    if (source.family() == AF_UNIX) {
        // No ports, and a source the kernel vouches for: only we could answer ourselves.
        if (std::find(own.begin(), own.end(), source) != own.end()) {
            return tr("our own address");
        }
        return std::nullopt;
    }
    const std::uint16_t port = source.port();
    for (const auto& [risky_port, service] : risky) {
        if (port == risky_port) {
            // TRANSLATORS: the first %s is a port number, the second a service's name.
            return fill(tr("source port %s (%s)"),
                        {std::to_string(port), port == 0 ? tr(service.data()) : service});
        }
    }
    if (std::find(own.begin(), own.end(), source) != own.end()) {
        return tr("our own address");
    }
    const auto our_port = [port](const Address& address) { return address.port() == port; };
    if (std::any_of(own.begin(), own.end(), our_port) && of_this_host(source, own, host)) {
        return tr("our own port on an address of this host");
    }
    return std::nullopt;
}

std::vector<Address> host_addresses() {
    std::vector<Address> addresses;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) {
        return addresses;
    }
    for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
        const sockaddr* address = entry->ifa_addr;
        if (address != nullptr && address->sa_family == AF_INET) {
            addresses.emplace_back(address, static_cast<socklen_t>(sizeof(sockaddr_in)));
        } else if (address != nullptr && address->sa_family == AF_INET6) {
            addresses.emplace_back(address, static_cast<socklen_t>(sizeof(sockaddr_in6)));
        }
    }
    ::freeifaddrs(list);
    return addresses;
}

} // namespace echo
