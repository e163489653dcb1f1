// SPDX-License-Identifier: MIT
#include "hexdump.hpp"

#include "status.hpp"

#include <algorithm>
#include <array>

namespace echo {

namespace {

constexpr std::size_t bytes_per_line = 16;

void append_hex(std::string& out, std::uint64_t value, int digits) {
    constexpr std::array<char, 16> hex_digits{'0', '1', '2', '3', '4', '5', '6', '7',
                                              '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
        out += hex_digits[(value >> static_cast<unsigned>(shift)) & 0xfU];
    }
}

// Eight digits, as hexdump -C, and more past 4 GiB.
int offset_digits(std::uint64_t offset) {
    int digits = 8;
    while (digits < 16 && (offset >> (4U * static_cast<unsigned>(digits))) != 0) {
        ++digits;
    }
    return digits;
}

// Whether the whole line at `at` equals the line before it.
bool repeats(std::span<const std::byte> bytes, std::size_t at) {
    const std::span<const std::byte> line = bytes.subspan(at, bytes_per_line);
    const std::span<const std::byte> before = bytes.subspan(at - bytes_per_line, bytes_per_line);
    return std::equal(line.begin(), line.end(), before.begin());
}

} // namespace

std::string hexdump(std::span<const std::byte> bytes, std::uint64_t offset, std::size_t limit) {
    const std::size_t shown = std::min(bytes.size(), limit);
    std::string out;
    bool starred = false; // inside a run of lines equal to the one before, shown as "*"
    for (std::size_t at = 0; at < shown; at += bytes_per_line) {
        const std::size_t count = std::min(bytes_per_line, shown - at);
        const std::span<const std::byte> line = bytes.subspan(at, count);
        if (at > 0 && count == bytes_per_line && repeats(bytes, at)) {
            if (!starred) {
                out += "*\n";
                starred = true;
            }
            continue;
        }
        starred = false;
        append_hex(out, offset + at, offset_digits(offset + at));
        for (std::size_t i = 0; i < bytes_per_line; ++i) {
            out += i % 8 == 0 ? "  " : " ";
            if (i < count) {
                append_hex(out, std::to_integer<unsigned>(line[i]), 2);
            } else {
                out += "  ";
            }
        }
        out += "  |";
        for (const std::byte byte : line) {
            const auto c = std::to_integer<unsigned char>(byte);
            out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.';
        }
        out += "|\n";
    }
    if (bytes.size() > shown) {
        out += "... " + plural(bytes.size() - shown, "%s more byte", "%s more bytes");
        out += '\n';
    }
    return out;
}

} // namespace echo
