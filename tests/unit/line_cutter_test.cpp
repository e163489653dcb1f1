// SPDX-License-Identifier: MIT
#include "catch.hpp"
#include "sockets.hpp"

#include "line_cutter.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

using echo::test::text_of;

namespace {

// Every datagram the cutter makes of `input`, read in chunks of `chunk` bytes.
std::vector<std::string> cut(const std::string& input, std::size_t limit, std::size_t chunk) {
    echo::LineCutter cutter(limit);
    std::vector<std::string> datagrams;
    std::size_t offset = 0;
    bool at_end = false;
    for (;;) {
        while (const auto datagram = cutter.next(at_end)) {
            datagrams.push_back(text_of(*datagram));
        }
        if (at_end) {
            return datagrams;
        }
        const auto room = cutter.room();
        REQUIRE_FALSE(room.empty());
        const std::size_t count = std::min({room.size(), chunk, input.size() - offset});
        std::memcpy(room.data(), input.data() + offset, count);
        cutter.filled(count);
        offset += count;
        at_end = offset == input.size();
    }
}

} // namespace

TEST_CASE("Standard input is cut into one datagram per line", "[udp]") {
    using List = std::vector<std::string>;
    for (const std::size_t chunk : {1UL, 3UL, 4096UL}) {
        CAPTURE(chunk);
        CHECK(cut("a\nbb\n\nlast", 10, chunk) == List{"a\n", "bb\n", "\n", "last"});
        CHECK(cut("one\ntwo\n", 10, chunk) == List{"one\n", "two\n"});
        CHECK(cut("", 10, chunk).empty());
        // Longer lines go in pieces of the limit; the newline ends the last piece.
        CHECK(cut("abcdefghij\n", 4, chunk) == List{"abcd", "efgh", "ij\n"});
        CHECK(cut("abcdefgh\nxy\n", 4, chunk) == List{"abcd", "efgh", "\n", "xy\n"});
        CHECK(cut("abc\nabcdefg", 4, chunk) == List{"abc\n", "abcd", "efg"});
    }
    const std::string big(70000, 'x');
    const auto pieces = cut(big + "\nshort\n", 65507, 65536);
    REQUIRE(pieces.size() == 3);
    CHECK(pieces[0].size() == 65507);
    CHECK(pieces[1] == std::string(70000 - 65507, 'x') + "\n");
    CHECK(pieces[2] == "short\n");
}
