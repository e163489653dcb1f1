// SPDX-License-Identifier: MIT
#include "privileges.hpp"
#include "echo/error.hpp"
#include "i18n.hpp"

#include <stdexcept>
#include <vector>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace echo {

namespace {

struct Account {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
};

Account look_up(const std::string& name) {
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
        throw std::runtime_error(fill(tr("--user %s: that is root; name an unprivileged user"),
                                      {name}));
    }
    return {name, entry.pw_uid, entry.pw_gid};
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

void drop_privileges(const std::optional<std::string>& user, const Status& status) {
    if (::geteuid() != 0) {
        if (user) {
            status.line(fill(tr("Not started as root: --user %s ignored, running as uid %s"),
                             {*user, std::to_string(::geteuid())}));
        }
        return;
    }
    const Account account = look_up(user.value_or(default_user));
    // The groups first, while we may still change them; the user last, as it ends our rights.
    if (::initgroups(account.name.c_str(), account.gid) != 0) {
        throw_errno("initgroups");
    }
    if (::setgid(account.gid) != 0) {
        throw_errno("setgid");
    }
    if (::setuid(account.uid) != 0) {
        throw_errno("setuid");
    }
    if (!dropped_for_good(account)) {
        throw std::runtime_error(fill(tr("could not drop root's privileges for user %s"),
                                      {account.name}));
    }
    if (user || status.verbose()) { // the default drop is silent: root's usual lines stay as they are
        status.line(
            fill(tr("Running as %s (uid %s)"), {account.name, std::to_string(account.uid)}));
    }
}

} // namespace echo
