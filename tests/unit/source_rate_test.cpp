// SPDX-License-Identifier: MIT
#include "catch.hpp"

#include "echo/resolve.hpp"
#include "source_rate.hpp"

#include <chrono>
#include <cstdint>

using namespace std::chrono_literals;
using Clock = echo::SourceRate::Clock;

namespace {

echo::Address address(const char* host, std::uint16_t port) {
    return echo::resolve(host, port, echo::Family::any, SOCK_DGRAM, false).front();
}

// How many of `count` datagrams from `source`, all at `now`, the limiter lets through.
int admitted(echo::SourceRate& rate, const echo::Address& source, int count,
             Clock::time_point now) {
    int passed = 0;
    for (int i = 0; i < count; ++i) {
        passed += rate.admit(source, now) ? 1 : 0;
    }
    return passed;
}

} // namespace

TEST_CASE("A source gets a burst of the rate, then the rate", "[limits]") {
    echo::SourceRate rate(50);
    const echo::Address source = address("127.0.0.3", 4000);
    const Clock::time_point start = Clock::now();
    CHECK(admitted(rate, source, 200, start) == 50);
    CHECK(admitted(rate, source, 200, start + 100ms) == 5);
    CHECK(admitted(rate, source, 200, start + 10s) == 50); // refilled, never beyond the burst
}

TEST_CASE("The limit is per address, whatever the port", "[limits]") {
    echo::SourceRate rate(10);
    const Clock::time_point now = Clock::now();
    CHECK(admitted(rate, address("127.0.0.3", 4000), 10, now) == 10);
    CHECK_FALSE(rate.admit(address("127.0.0.3", 4001), now));
    CHECK_FALSE(rate.admit(address("::ffff:127.0.0.3", 4002), now));  // the same host
    CHECK(admitted(rate, address("127.0.0.4", 4000), 20, now) == 10); // another host
}

TEST_CASE("Sources that share a bucket share its rate, never more", "[limits]") {
    echo::SourceRate rate(5, 1); // one bucket: every source shares it
    const Clock::time_point now = Clock::now();
    CHECK(admitted(rate, address("127.0.0.3", 1), 3, now) == 3);
    CHECK(admitted(rate, address("10.0.0.1", 1), 5, now) == 2);
    CHECK(admitted(rate, address("::1", 1), 5, now + 200ms) == 1);
}
