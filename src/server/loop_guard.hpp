// SPDX-License-Identifier: MIT
#pragma once

#include "echo/address.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace echo {

// Why answering a datagram from `source` could start an endless exchange between two services
// that answer everything (CVE-1999-0103), or nullopt when it is safe to answer:
// - a source port of 0 (nothing can legitimately send from it) or of a small service (7 echo,
//   13 daytime, 19 chargen, 37 time);
// - a source that is one of `own` addresses (our own address and port: we would be answering
//   ourselves);
// - a source with the port of one of `own` on an address of this host: a loopback address
//   (127.0.0.0/8, ::1), the address of one of `own`, or one of `host` (see host_addresses()),
//   IPv4-mapped IPv6 addresses taken as the IPv4 address they map. A server bound to a wildcard
//   address answers on every address of the host, so that source may well be itself again.
std::optional<std::string> loop_risk(const Address& source, std::span<const Address> own,
                                     std::span<const Address> host = {});

// The addresses of this host's network interfaces (getifaddrs(3)), with port 0; empty when they
// cannot be listed.
std::vector<Address> host_addresses();

} // namespace echo
