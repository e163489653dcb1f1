// SPDX-License-Identifier: MIT
// parse_port, parse_seconds and parse_count from fuzz input: the first byte picks the parser
// (and the bounds), the rest is the text. Whatever is accepted lies within the bounds and means
// what strtoul/strtoull say (for seconds: the exact decimal value, rounded up to milliseconds);
// everything else is a UsageError naming the text.
#include "fuzz_argv.hpp"

#include "cli.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <string>

namespace {

bool only(std::string_view text, std::string_view allowed) {
    return text.find_first_not_of(allowed) == std::string_view::npos;
}

// The rejection names the text as given, quoted. (Text from a command line has no NUL byte; one
// from fuzz input may, and what() stops there.)
void require_quoted(const echo::UsageError& error, std::string_view text) {
    const std::string what = error.what();
    if (text.find('\0') == std::string_view::npos &&
        !what.ends_with("'" + std::string(text) + "'")) {
        std::abort();
    }
}

void check_port(std::string_view text, bool allow_zero) {
    try {
        const std::uint16_t port = echo::parse_port(text, allow_zero);
        if (!only(text, "0123456789") || (port == 0 && !allow_zero) ||
            std::strtoul(std::string(text).c_str(), nullptr, 10) != port) {
            std::abort();
        }
    } catch (const echo::UsageError& error) {
        require_quoted(error, text);
    }
}

// Digits with at most one '.', and at least one digit: "5", "0.5", ".5", "5.".
bool decimal(std::string_view text) {
    return only(text, "0123456789.") && std::count(text.begin(), text.end(), '.') <= 1 &&
           text.find_first_of("0123456789") != std::string_view::npos;
}

// Compares two decimals by value, exactly: negative, zero or positive.
int compare_decimal(std::string_view a, std::string_view b) {
    const auto split = [](std::string_view number) {
        const std::size_t point = number.find('.');
        std::string_view whole = number.substr(0, point);
        std::string_view fraction =
            point == std::string_view::npos ? std::string_view() : number.substr(point + 1);
        whole.remove_prefix(std::min(whole.find_first_not_of('0'), whole.size()));
        fraction = fraction.substr(0, fraction.find_last_not_of('0') + 1);
        return std::pair(whole, fraction);
    };
    const auto [whole_a, fraction_a] = split(a);
    const auto [whole_b, fraction_b] = split(b);
    if (whole_a.size() != whole_b.size()) {
        return whole_a.size() < whole_b.size() ? -1 : 1;
    }
    if (const int order = whole_a.compare(whole_b); order != 0) {
        return order;
    }
    return fraction_a.compare(fraction_b); // without trailing zeros, text order is value order
}

// "12.345" for 12345 ms.
std::string seconds_text(long long ms) {
    const std::string millis = std::to_string(1000 + ms % 1000);
    return std::to_string(ms / 1000) + "." + millis.substr(1);
}

void check_seconds(std::string_view text, bool allow_zero) {
    // What the parser must accept: a decimal from 0 (excluded unless allow_zero) to one day.
    const bool in_range = decimal(text) && compare_decimal(text, "86400") <= 0 &&
                          (allow_zero || compare_decimal(text, "0") > 0);
    try {
        const std::chrono::milliseconds ms = echo::parse_seconds(text, "--timeout", allow_zero);
        // Rounded up: ms - 1 < text <= ms, in milliseconds.
        if (!in_range || compare_decimal(text, seconds_text(ms.count())) > 0 ||
            (ms.count() > 0 && compare_decimal(text, seconds_text(ms.count() - 1)) <= 0)) {
            std::abort();
        }
    } catch (const echo::UsageError& error) {
        require_quoted(error, text);
        if (in_range) {
            std::abort();
        }
    }
}

void check_count(std::string_view text, std::uint64_t min, std::uint64_t max) {
    try {
        const std::uint64_t count = echo::parse_count(text, "--count", min, max);
        if (!only(text, "0123456789") || count < min || count > max ||
            std::strtoull(std::string(text).c_str(), nullptr, 10) != count) {
            std::abort();
        }
    } catch (const echo::UsageError& error) {
        require_quoted(error, text);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string_view text = echo::fuzz::as_text(data + 1, size - 1);
    switch (data[0] % 6) {
    case 0:
        check_port(text, false);
        break;
    case 1:
        check_port(text, true);
        break;
    case 2:
        check_seconds(text, false);
        break;
    case 5:
        check_seconds(text, true);
        break;
    case 3:
        check_count(text, 1, 1'000'000);
        break;
    default:
        check_count(text, 0, std::numeric_limits<std::uint64_t>::max());
        break;
    }
    return 0;
}
