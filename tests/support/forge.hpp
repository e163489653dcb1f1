// SPDX-License-Identifier: MIT
#pragma once

#include "echo/address.hpp"

#include <optional>
#include <string>

namespace echo::test {

// Sends one UDP datagram that claims to come from `from` (IPv4, any address and port) to `to`,
// built by hand: an IPv4 header and a UDP header, through a raw socket. nullopt when sent; why
// not when this process may not open a raw socket (it needs root or CAP_NET_RAW).
std::optional<std::string> forge_datagram(const Address& from, const Address& to,
                                          const std::string& payload);

} // namespace echo::test
