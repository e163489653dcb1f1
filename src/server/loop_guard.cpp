// SPDX-License-Identifier: MIT
#include "loop_guard.hpp"
#include "i18n.hpp"
#include "peer_host.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

#include <ifaddrs.h>
#include <netinet/in.h>

namespace echo {

namespace {

bool loopback(const PeerHost& host) {
    static constexpr std::array<unsigned char, 16> ipv6_loopback{0, 0, 0, 0, 0, 0, 0, 0,
                                                                 0, 0, 0, 0, 0, 0, 0, 1};
    return (host.family == AF_INET && host.bytes[0] == 127) ||
           (host.family == AF_INET6 && host.bytes == ipv6_loopback);
}

bool of_this_host(const Address& source, std::span<const Address> own,
                  std::span<const Address> host) {
    const PeerHost sender = host_of(source);
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
