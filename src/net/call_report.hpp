// SPDX-License-Identifier: MIT
#pragma once

// The wrapper's own helpers for echo/explain.hpp: each narrating call checks calls_observed()
// first, so that these run only under --explain.

#include "echo/address.hpp"
#include "echo/explain.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace echo::detail {

// Hands "name(arguments) = result" (then `after`) to the observer. A negative `result` is a
// failure: "-1 ENAME (strerror)" with `error`.
void report_call(std::string_view name, const std::string& arguments, long result, int error,
                 std::size_t asked = 0, std::span<const std::byte> data = {},
                 const std::string& after = {});

// "AF_INET", "SOCK_STREAM"
std::string family_name(int family);
std::string type_name(int type);

} // namespace echo::detail
