// SPDX-License-Identifier: MIT
#pragma once

#include "echo/address.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace echo {

enum class Family { any, ipv4, ipv6 };

// A name that getaddrinfo could not turn into addresses; what() names the host and the cause.
class ResolveError final : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Every address of `host` for `socktype` (SOCK_STREAM or SOCK_DGRAM), in resolver order, without
// duplicates. `passive` asks for addresses to bind to rather than to connect to.
std::vector<Address> resolve(const std::string& host, std::uint16_t port, Family family,
                             int socktype, bool passive);

} // namespace echo
