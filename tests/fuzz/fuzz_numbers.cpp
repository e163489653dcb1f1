// SPDX-License-Identifier: MIT
// parse_port, parse_seconds and parse_count from fuzz input: the first byte picks the parser
// (and the bounds), the rest is the text. Whatever is accepted lies within the bounds and
// means what strtod/strtoull say it means; everything else is a UsageError naming the text.
#include "fuzz_argv.hpp"

#include "echo/cli.hpp"

#include <cmath>
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

void check_seconds(std::string_view text) {
    try {
        const std::chrono::milliseconds ms = echo::parse_seconds(text, "--timeout");
        const double seconds = std::strtod(std::string(text).c_str(), nullptr);
        if (!only(text, "0123456789.") || ms < std::chrono::milliseconds(1) ||
            ms > std::chrono::hours(24) ||
            ms.count() != static_cast<long long>(std::ceil(seconds * 1000))) {
            std::abort();
        }
    } catch (const echo::UsageError& error) {
        require_quoted(error, text);
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
    switch (data[0] % 5) {
    case 0:
        check_port(text, false);
        break;
    case 1:
        check_port(text, true);
        break;
    case 2:
        check_seconds(text);
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
