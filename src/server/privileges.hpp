// SPDX-License-Identifier: MIT
#pragma once

#include "status.hpp"

#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace echo {

// The user a server started as root becomes once its sockets are bound (--user's default).
inline constexpr const char* default_user = "nobody";

// Whom to become, looked up while files may still be opened (before binding, as a bind can take
// the last free descriptor).
struct Account {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups; // its group list, as initgroups(3) would set it
};

// Started as root (effective uid 0): the account `user` names (default_user when nullopt); throws
// if there is none, or if it is root. Not root: nullopt, and a note if `user` was asked for.
std::optional<Account> account_to_become(const std::optional<std::string>& user,
                                         const Status& status);

// Becomes `account`: its groups, its group, its user, in that order; then checks that root cannot
// be had back. Throws if any of it fails, as the server must not serve then. `announce`: say so in
// a status line.
void drop_privileges(const Account& account, bool announce, const Status& status);

} // namespace echo
