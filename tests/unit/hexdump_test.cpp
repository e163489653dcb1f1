// SPDX-License-Identifier: MIT
#include "catch.hpp"

#include "hexdump.hpp"

#include <cstdint>
#include <string>

namespace {

std::string dump(const std::string& text, std::uint64_t offset = 0, std::size_t limit = 256) {
    return echo::hexdump(std::as_bytes(std::span(text)), offset, limit);
}

} // namespace

TEST_CASE("hexdump looks like hexdump -C", "[trace]") {
    CHECK(dump("Hola, servidor!") ==
          "00000000  48 6f 6c 61 2c 20 73 65  72 76 69 64 6f 72 21     |Hola, servidor!|\n");
    CHECK(dump(std::string(16, 'A') + "\n\x01") ==
          "00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|\n"
          "00000010  0a 01                                             |..|\n");
    CHECK(dump("").empty());
}

TEST_CASE("hexdump stops at its limit and says how much is left", "[trace]") {
    std::string text;
    for (int i = 0; i < 300; ++i) {
        text += static_cast<char>('a' + i % 26); // no two lines alike: none collapsed
    }
    const std::string shown = dump(text);
    CHECK(shown.find("\n000000f0  ") != std::string::npos);
    CHECK(shown.find("00000100") == std::string::npos);
    CHECK(shown.substr(shown.size() - 18) == "... 44 more bytes\n");
    CHECK(dump(text, 0, 16).find("\n... 284 more bytes\n") != std::string::npos);
}

TEST_CASE("hexdump counts offsets from where the chunk starts in its stream", "[trace]") {
    CHECK(dump("Hola", 4) ==
          "00000004  48 6f 6c 61                                       |Hola|\n");
    // The second chunk of 16 bytes starts at 00000010, as socat shows a stream.
    CHECK(dump(std::string(16, 'b') + "c", 16) ==
          "00000010  62 62 62 62 62 62 62 62  62 62 62 62 62 62 62 62  |bbbbbbbbbbbbbbbb|\n"
          "00000020  63                                                |c|\n");
    // Past 4 GiB the offset grows a digit rather than wrap.
    CHECK(dump("z", 0x1'0000'0000ULL).substr(0, 11) == "100000000  ");
    CHECK(dump("z", 0xffff'fff0ULL).substr(0, 10) == "fffffff0  ");
}

TEST_CASE("hexdump collapses a run of identical lines to one star", "[trace]") {
    const std::string a16(16, 'A');
    const std::string a_line =
        "  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|\n";
    // As hexdump -C: the first line, then "*" for all that repeat it, then the next different one.
    CHECK(dump(a16 + a16 + a16 + a16 + "B") ==
          "00000000" + a_line +
              "*\n00000040  42                                                |B|\n");
    CHECK(dump(a16 + a16) == "00000000" + a_line + "*\n");
    // Two runs: each gets its own star; a short last line equal so far is not a repeat.
    const std::string b16(16, 'B');
    const std::string shown = dump(a16 + a16 + b16 + b16 + b16 + "BBB", 0x20);
    CHECK(shown == "00000020" + a_line + "*\n" +
                       "00000040  42 42 42 42 42 42 42 42  42 42 42 42 42 42 42 42  "
                       "|BBBBBBBBBBBBBBBB|\n*\n"
                       "00000070  42 42 42                                          |BBB|\n");
    // Lines that differ are never collapsed.
    CHECK(dump(a16 + b16 + a16).find('*') == std::string::npos);
}

TEST_CASE("hexdump's limit counts bytes, collapsed or not", "[trace]") {
    const std::string shown = dump(std::string(300, 'x'));
    CHECK(shown == "00000000  78 78 78 78 78 78 78 78  78 78 78 78 78 78 78 78  "
                   "|xxxxxxxxxxxxxxxx|\n*\n... 44 more bytes\n");
}
