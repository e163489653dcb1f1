// SPDX-License-Identifier: MIT
#pragma once

#include "status.hpp"

#include <optional>
#include <string>

namespace echo {

// The user a server started as root becomes once its sockets are bound (--user's default).
inline constexpr const char* default_user = "nobody";

// Started as root (effective uid 0): becomes `user` (default_user when nullopt), its group list
// included, and checks that root cannot be regained; throws if any of it fails, as the server must
// not serve then; says so in a status line when `user` was named or the status is verbose. Not
// root: changes nothing (a note if `user` was asked for).
void drop_privileges(const std::optional<std::string>& user, const Status& status);

} // namespace echo
