// SPDX-License-Identifier: MIT
#pragma once

#include "echo/address.hpp"

#include <optional>
#include <span>
#include <string>

namespace echo {

// Why answering a datagram from `source` could start an endless exchange between two services
// that answer everything (CVE-1999-0103), or nullopt when it is safe to answer: a source port of
// 0 (nothing can legitimately send from it), of a small service (7 echo, 13 daytime, 19 chargen,
// 37 time), or a source that is one of `own` addresses (our own address and port: we would be
// answering ourselves).
std::optional<std::string> loop_risk(const Address& source, std::span<const Address> own);

} // namespace echo
