// SPDX-License-Identifier: MIT
#include "catch.hpp"

#include "hexdump.hpp"

#include <string>

namespace {

std::string dump(const std::string& text, std::size_t limit = 256) {
    return echo::hexdump(std::as_bytes(std::span(text)), limit);
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
    const std::string shown = dump(std::string(300, 'x'));
    CHECK(shown.find("000000f0  78") != std::string::npos);
    CHECK(shown.find("00000100") == std::string::npos);
    CHECK(shown.substr(shown.size() - 18) == "... 44 more bytes\n");
}
