// SPDX-License-Identifier: MIT
#include "cli.hpp"
#include "i18n.hpp"

#include <charconv>

#include <getopt.h>

namespace echo {

namespace {

// Built by appending: g++ 12 -O2 warns falsely (-Wrestrict) on "'" + std::string(text).
std::string quoted(std::string_view text) {
    std::string result;
    result.reserve(text.size() + 2);
    result += '\'';
    result += text;
    result += '\'';
    return result;
}

} // namespace

std::string parse_host(std::string_view text) {
    if (text.empty()) {
        throw UsageError(tr("--host needs a host name or address, not ''"));
    }
    return std::string(text);
}

std::string parse_unix_path(std::string_view text) {
    const bool abstract = !text.empty() && text.front() == '@';
    const std::size_t length = text.size() - (abstract ? 1 : 0);
    if (length == 0) {
        throw UsageError(tr("--unix needs a socket path, or @name for an abstract socket"));
    }
    if (length > max_unix_name) {
        throw UsageError(fill(tr("--unix: a socket path or name of at most %s bytes, not %s"),
                              {std::to_string(max_unix_name), std::to_string(length)}));
    }
    return std::string(text);
}

std::uint16_t parse_port(std::string_view text, bool allow_zero) {
    unsigned long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    const unsigned long low = allow_zero ? 0 : 1;
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < low ||
        value > 65535) {
        throw UsageError(fill(tr("port must be a whole number in %s..65535, not %s"),
                              {std::to_string(low), quoted(text)}));
    }
    return static_cast<std::uint16_t>(value);
}

std::string seconds_text(std::chrono::milliseconds duration) {
    std::string text = std::to_string(duration.count() / 1000);
    if (const auto millis = duration.count() % 1000; millis != 0) {
        std::string fraction = std::to_string(1000 + millis).substr(1);
        text += '.'; // not "." + ...: g++ 12 -O3 warns falsely about it (-Wrestrict)
        text += fraction.substr(0, fraction.find_last_not_of('0') + 1);
    }
    return text + " s";
}

std::chrono::milliseconds parse_seconds(std::string_view text, std::string_view option,
                                        bool allow_zero) {
    // Decimal digits only, read exactly (no floating point, so no libm in echo-server): whole
    // seconds, then the fraction rounded up to whole milliseconds.
    constexpr std::uint64_t one_day_ms = 86400 * 1000;
    const std::size_t point = text.find('.');
    const std::string_view whole = text.substr(0, point);
    const std::string_view fraction =
        point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
    const auto digits = [](std::string_view part) {
        return part.find_first_not_of("0123456789") == std::string_view::npos;
    };
    std::uint64_t ms = 0;
    bool valid = !(whole.empty() && fraction.empty()) && digits(whole) && digits(fraction);
    for (const char c : whole) {
        ms = ms * 10 + static_cast<std::uint64_t>(c - '0') * 1000;
        valid = valid && ms <= one_day_ms;
    }
    for (std::size_t i = 0; valid && i < fraction.size(); ++i) {
        const auto digit = static_cast<std::uint64_t>(fraction[i] - '0');
        if (i < 3) {
            ms += digit * (i == 0 ? 100 : i == 1 ? 10 : 1);
        } else if (digit != 0) {
            ++ms; // a remainder below one millisecond rounds up
            break;
        }
    }
    if (!valid || (ms == 0 && !allow_zero) || ms > one_day_ms) {
        throw UsageError(fill(allow_zero
                                  ? tr("%s takes seconds from 0 and at most 86400, not %s")
                                  : tr("%s takes seconds greater than 0 and at most 86400, not %s"),
                              {option, quoted(text)}));
    }
    return std::chrono::milliseconds(ms);
}

std::uint64_t parse_count(std::string_view text, std::string_view option, std::uint64_t min,
                          std::uint64_t max) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < min ||
        value > max) {
        throw UsageError(fill(tr("%s takes a whole number in %s..%s, not %s"),
                              {option, std::to_string(min), std::to_string(max), quoted(text)}));
    }
    return value;
}

bool apply_common_option(int option, const char* value, bool allow_port_zero,
                         CommonOptions& options) {
    switch (option) {
    case 'p':
        options.port = parse_port(value, allow_port_zero);
        return true;
    case '4':
    case '6': {
        const Family family = option == '4' ? Family::ipv4 : Family::ipv6;
        if (options.family != Family::any && options.family != family) {
            throw UsageError(tr("-4 (IPv4 only) and -6 (IPv6 only) exclude each other"));
        }
        options.family = family;
        return true;
    }
    case 'q':
        options.quiet = true;
        return true;
    case 'v':
        options.verbose = true;
        return true;
    case explain_option:
        options.explain = true;
        return true;
    case unix_option:
        options.unix_path = parse_unix_path(value);
        return true;
    case 'h':
        options.help = true;
        return true;
    case 'V':
        options.version = true;
        return true;
    default:
        return false;
    }
}

void check_common_options(const CommonOptions& options) {
    if (options.quiet && options.verbose) {
        throw UsageError(tr("-q (quiet) and -v (verbose) exclude each other"));
    }
    if (options.quiet && options.explain) {
        throw UsageError(tr("-q (quiet) and --explain exclude each other"));
    }
}

std::string rejected_option(int argc, char* const argv[], bool missing_value) {
    const std::string_view last =
        optind > 0 && optind <= argc && argv[optind - 1] != nullptr ? argv[optind - 1] : "";
    const bool long_option = last.starts_with("--");
    if ((missing_value && long_option) || (!missing_value && optopt == 0)) {
        return std::string(last.substr(0, last.find('=')));
    }
    return std::string("-") + static_cast<char>(optopt);
}

std::string rejection(int argc, char* const argv[], const option* long_options) {
    // "--quiet=1": getopt_long(3) has moved past it and reports the option's own letter.
    const std::string_view last =
        optind > 0 && optind <= argc && argv[optind - 1] != nullptr ? argv[optind - 1] : "";
    if (optopt != 0 && last.starts_with("--") && last.find('=') != std::string_view::npos) {
        const std::string_view name = last.substr(2, last.find('=') - 2);
        for (const option* entry = long_options; entry->name != nullptr; ++entry) {
            if (name == entry->name && entry->has_arg == no_argument && entry->val == optopt) {
                return fill(tr("option --%s takes no value"), {name});
            }
        }
    }
    return fill(tr("unknown option %s"), {rejected_option(argc, argv, false)});
}

std::string version_line(std::string_view program) {
    return std::string(program) + " " + ECHO_PAIR_VERSION + "\n";
}

} // namespace echo
