// SPDX-License-Identifier: MIT
#include "privileges.hpp"
#include "echo/error.hpp"
#include "i18n.hpp"

#include <stdexcept>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace echo {

namespace {

std::vector<gid_t> group_list(const char* name, gid_t gid) {
    std::vector<gid_t> groups(64);
    for (;;) {
        int count = static_cast<int>(groups.size());
        if (::getgrouplist(name, gid, groups.data(), &count) >= 0) {
            groups.resize(static_cast<std::size_t>(count));
            return groups;
        }
        groups.resize(static_cast<std::size_t>(count) > groups.size()
                          ? static_cast<std::size_t>(count)
                          : groups.size() * 2);
    }
}

// True when every one of real, effective and saved ids is the account's, and root is out of reach.
bool dropped_for_good(const Account& account) {
    uid_t real = 0;
    uid_t effective = 0;
    uid_t saved = 0;
    gid_t real_group = 0;
    gid_t effective_group = 0;
    gid_t saved_group = 0;
    if (::getresuid(&real, &effective, &saved) != 0 ||
        ::getresgid(&real_group, &effective_group, &saved_group) != 0) {
        return false;
    }
    const bool ids = real == account.uid && effective == account.uid && saved == account.uid &&
                     real_group == account.gid && effective_group == account.gid &&
                     saved_group == account.gid;
    return ids && ::setuid(0) != 0 && ::setgid(0) != 0;
}

} // namespace

std::optional<Account> account_to_become(const std::optional<std::string>& user,
                                         const Status& status) {
    if (::geteuid() != 0) {
        if (user) {
            status.line(fill(tr("Not started as root: --user %s ignored, running as uid %s"),
                             {*user, std::to_string(::geteuid())}));
        }
        return std::nullopt;
    }
    const std::string name = user.value_or(default_user);
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    const int error = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (error != 0) {
        throw_error(error, "getpwnam " + name);
    }
    if (found == nullptr) {
        throw std::runtime_error(fill(tr("--user %s: no such user"), {name}));
    }
    if (entry.pw_uid == 0) {
        throw std::runtime_error(
            fill(tr("--user %s: that is root; name an unprivileged user"), {name}));
    }
    return Account{name, entry.pw_uid, entry.pw_gid, group_list(name.c_str(), entry.pw_gid)};
}

void drop_privileges(const Account& account, bool announce, const Status& status) {
    // The groups first, while we may still change them; the user last, as it ends our rights.
    if (::setgroups(account.groups.size(), account.groups.data()) != 0) {
        throw_errno("setgroups");
    }
    if (::setgid(account.gid) != 0) {
        throw_errno("setgid");
    }
    if (::setuid(account.uid) != 0) {
        throw_errno("setuid");
    }
    if (!dropped_for_good(account)) {
        throw std::runtime_error(
            fill(tr("could not drop root's privileges for user %s"), {account.name}));
    }
    if (announce) {
        status.line(
            fill(tr("Running as %s (uid %s)"), {account.name, std::to_string(account.uid)}));
    }
}

} // namespace echo
