// SPDX-License-Identifier: MIT
#include "catch.hpp"
#include "sockets.hpp"

#include "sender_memory.hpp"

#include <cstdint>

using echo::test::address;

TEST_CASE("The memory of senders says each event once, in bounded memory", "[udp]") {
    echo::SenderMemory memory(2);
    const auto a = address("127.0.0.1", 1001);
    const auto b = address("127.0.0.1", 1002);
    CHECK(memory.first(a, echo::SenderMemory::seen));
    CHECK_FALSE(memory.first(a, echo::SenderMemory::seen));
    CHECK(memory.first(a, echo::SenderMemory::refused)); // another kind of event
    CHECK_FALSE(memory.first(a, echo::SenderMemory::refused));
    CHECK(memory.first(b, echo::SenderMemory::seen));

    // A third sender starts a new generation; a and b are still remembered.
    CHECK(memory.first(address("127.0.0.1", 1003), echo::SenderMemory::seen));
    CHECK_FALSE(memory.first(a, echo::SenderMemory::seen)); // a moves up, b stays behind
    // Two more new senders push b out; a, seen recently, is kept one generation longer.
    CHECK(memory.first(address("127.0.0.1", 1004), echo::SenderMemory::seen));
    CHECK(memory.first(address("127.0.0.1", 1005), echo::SenderMemory::seen));
    CHECK(memory.first(b, echo::SenderMemory::seen)); // forgotten: said again

    echo::SenderMemory flood(64);
    for (std::uint16_t port = 1; port < 20000; ++port) {
        CHECK(flood.first(address("127.0.0.1", port), echo::SenderMemory::seen));
        REQUIRE(flood.size() <= 128);
    }
}
