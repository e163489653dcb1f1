// SPDX-License-Identifier: MIT
#include "i18n.hpp"

#include <clocale>
#include <string>
#include <vector>

#include <libintl.h>
#include <unistd.h>

namespace echo {

namespace {

constexpr const char* text_domain = "echo-pair";

// The folder the running program sits in, or "" when /proc cannot say.
std::string program_folder() {
    std::vector<char> path(4096);
    const ssize_t length = ::readlink("/proc/self/exe", path.data(), path.size());
    if (length <= 0 || static_cast<std::size_t>(length) >= path.size()) {
        return {};
    }
    const std::string exe(path.data(), static_cast<std::size_t>(length));
    const std::size_t slash = exe.rfind('/');
    return slash == std::string::npos ? std::string() : exe.substr(0, slash);
}

// A program in the build tree reads the catalogues compiled there; an installed one those
// installed beside it (bin/../share/locale, whatever the prefix given to cmake --install);
// without /proc, the install prefix configured at build time.
std::string catalogue_folder() {
    const std::string folder = program_folder();
    if (folder.empty()) {
        return ECHO_INSTALL_LOCALEDIR;
    }
    if (folder == ECHO_BUILD_DIR) {
        return ECHO_BUILD_DIR "/locale";
    }
    return folder + "/" ECHO_BIN_TO_LOCALEDIR;
}

struct Step {
    std::string_view english; // as the wrapper writes it, before its argument
    const char* msgid;
};

// TRANSLATORS: the steps below come before an address or a name, then ": " and the system's
// reason, e.g. "echo-client: connect to 127.0.0.1:9: Connection refused".
constexpr Step steps[] = {
    {"connect to", tr_noop("connect to %s")}, {"bind", tr_noop("bind %s")},
    {"listen", tr_noop("listen %s")},         {"resolve", tr_noop("resolve %s")},
    {"setsockopt", tr_noop("setsockopt %s")}, {"send to", tr_noop("send to %s")},
    {"recv from", tr_noop("recv from %s")},   {"recv on", tr_noop("recv on %s")},
};

} // namespace

std::string translated_step(std::string_view step, std::string_view argument) {
    for (const Step& known : steps) {
        if (step == known.english) {
            std::string text = fill(tr(known.msgid), {argument});
            while (argument.empty() && !text.empty() && text.back() == ' ') {
                text.pop_back(); // the step alone: "send to: Broken pipe"
            }
            return text;
        }
    }
    std::string text(step);
    if (!argument.empty()) {
        text += ' ';
        text += argument;
    }
    return text;
}

std::string translated_error(const std::exception& error) {
    const std::string_view what = error.what();
    for (const Step& known : steps) {
        const std::size_t size = known.english.size();
        if (what.size() > size && what.starts_with(known.english) && what[size] == ' ') {
            // Addresses and names hold no ": ", so the first one ends the argument.
            const std::size_t colon = what.find(": ", size + 1);
            if (colon == std::string_view::npos) {
                break;
            }
            std::string_view cause = what.substr(colon + 2);
            if (cause == "no IPv4 or IPv6 address") {
                cause = tr("no IPv4 or IPv6 address");
            }
            return translated_step(known.english, what.substr(size + 1, colon - size - 1)) + ": " +
                   std::string(cause);
        }
    }
    return std::string(what);
}

void init_translations() {
    std::setlocale(LC_ALL, "");
    std::setlocale(LC_NUMERIC, "C");
    ::bindtextdomain(text_domain, catalogue_folder().c_str());
    ::textdomain(text_domain);
}

const char* tr(const char* msgid) noexcept {
    return ::gettext(msgid);
}

const char* tr_plural(const char* singular, const char* plural, std::uint64_t count) noexcept {
    return ::ngettext(singular, plural, static_cast<unsigned long>(count));
}

std::string fill(std::string_view pattern, std::initializer_list<std::string_view> args) {
    std::string out;
    out.reserve(pattern.size() + 32);
    std::size_t next = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '%' || i + 1 == pattern.size()) {
            out += pattern[i];
            continue;
        }
        std::size_t j = i + 1;
        std::size_t index = next;
        if (pattern[j] >= '1' && pattern[j] <= '9' && j + 2 < pattern.size() &&
            pattern[j + 1] == '$') {
            index = static_cast<std::size_t>(pattern[j] - '1');
            j += 2;
        } else if (pattern[j] == 's') {
            ++next;
        }
        if (pattern[j] == '%') {
            out += '%';
        } else if (pattern[j] == 's' && index < args.size()) {
            out += *(args.begin() + index);
        } else {
            out += pattern.substr(i, j + 1 - i); // not ours: kept as written
        }
        i = j;
    }
    return out;
}

} // namespace echo
