// SPDX-License-Identifier: MIT
#include "hexdump.hpp"

#include "status.hpp"

#include <algorithm>
#include <array>

namespace echo {

namespace {

constexpr std::size_t bytes_per_line = 16;

void append_hex(std::string& out, unsigned value, int digits) {
    constexpr std::array<char, 16> hex_digits{'0', '1', '2', '3', '4', '5', '6', '7',
                                              '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
        out += hex_digits[(value >> static_cast<unsigned>(shift)) & 0xfU];
    }
}

} // namespace

std::string hexdump(std::span<const std::byte> bytes, std::size_t limit) {
    const std::size_t shown = std::min(bytes.size(), limit);
    std::string out;
    for (std::size_t offset = 0; offset < shown; offset += bytes_per_line) {
        const std::size_t count = std::min(bytes_per_line, shown - offset);
        append_hex(out, static_cast<unsigned>(offset), 8);
        for (std::size_t i = 0; i < bytes_per_line; ++i) {
            out += i % 8 == 0 ? "  " : " ";
            if (i < count) {
                append_hex(out, std::to_integer<unsigned>(bytes[offset + i]), 2);
            } else {
                out += "  ";
            }
        }
        out += "  |";
        for (std::size_t i = 0; i < count; ++i) {
            const auto c = std::to_integer<unsigned char>(bytes[offset + i]);
            out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.';
        }
        out += "|\n";
    }
    if (bytes.size() > shown) {
        out += "... " + plural(bytes.size() - shown, "more byte") + "\n";
    }
    return out;
}

} // namespace echo
