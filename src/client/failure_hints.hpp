// SPDX-License-Identifier: MIT
#pragma once

#include <string_view>
#include <system_error>
#include <vector>

namespace echo {

// What to try next after a failed call, for the failures a class meets first: a refused TCP
// connection, a UDP port where nothing listens, a reset during the echo. main prints these lines
// as hints after the error line; none for other failures.
std::vector<std::string_view> failure_hints(const std::system_error& error, bool udp);

} // namespace echo
