// SPDX-License-Identifier: MIT
#include "trace_lines.hpp"

#include "catch.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>

namespace echo::test {

namespace {

constexpr std::array<std::string_view, 3> tags{"[<] ", "[>] ", "[*] "};

bool tagged(std::string_view line) {
    return std::ranges::any_of(tags,
                               [line](std::string_view tag) { return line.starts_with(tag); });
}

// The length of "+S.UUUUUU " at the start of `text` (seconds of any length, six decimals), or 0.
std::size_t stamp_length(std::string_view text) {
    std::size_t at = 0;
    if (text.empty() || text[at++] != '+') {
        return 0;
    }
    const std::size_t whole = at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) != 0) {
        ++at;
    }
    if (at == whole || at >= text.size() || text[at++] != '.') {
        return 0;
    }
    for (int i = 0; i < 6; ++i, ++at) {
        if (at >= text.size() || std::isdigit(static_cast<unsigned char>(text[at])) == 0) {
            return 0;
        }
    }
    return at < text.size() && text[at] == ' ' ? at + 1 : 0;
}

template <typename Each>
void for_each_line(std::string_view text, Each each) {
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::size_t length = end == std::string_view::npos ? text.size() : end + 1;
        each(text.substr(0, length));
        text.remove_prefix(length);
    }
}

} // namespace

std::string untimed(std::string_view err) {
    std::string out;
    for_each_line(err, [&out](std::string_view line) {
        if (tagged(line)) {
            const std::size_t stamp = stamp_length(line.substr(4));
            out += line.substr(0, 4);
            out += line.substr(4 + stamp);
        } else {
            out += line;
        }
    });
    return out;
}

std::vector<double> timestamps(std::string_view err) {
    std::vector<double> found;
    for_each_line(err, [&found](std::string_view line) {
        if (!tagged(line)) {
            return;
        }
        const std::size_t stamp = stamp_length(line.substr(4));
        INFO("line: " << line);
        REQUIRE(stamp > 0);
        found.push_back(std::stod(std::string(line.substr(5, stamp - 2))));
    });
    return found;
}

} // namespace echo::test
