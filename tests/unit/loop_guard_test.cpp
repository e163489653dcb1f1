// SPDX-License-Identifier: MIT
#include "catch.hpp"
#include "sockets.hpp"

#include "loop_guard.hpp"

#include <vector>

using echo::test::address;

TEST_CASE("The loop guard refuses small-service ports and our own address", "[udp]") {
    const std::vector<echo::Address> own{address("127.0.0.1", 5000), address("::1", 5000)};
    CHECK(echo::loop_risk(address("127.0.0.1", 0), own) == "source port 0 (no service)");
    CHECK(echo::loop_risk(address("127.0.0.1", 7), own) == "source port 7 (echo)");
    CHECK(echo::loop_risk(address("::1", 13), own) == "source port 13 (daytime)");
    CHECK(echo::loop_risk(address("10.1.2.3", 19), own) == "source port 19 (chargen)");
    CHECK(echo::loop_risk(address("127.0.0.1", 37), own) == "source port 37 (time)");
    CHECK(echo::loop_risk(address("127.0.0.1", 5000), own) == "our own address");
    CHECK(echo::loop_risk(address("::1", 5000), own) == "our own address");
    CHECK(echo::loop_risk(address("127.0.0.2", 5000), own) ==
          "our own port on an address of this host");
    CHECK_FALSE(echo::loop_risk(address("10.1.2.3", 5000), own));
    CHECK_FALSE(echo::loop_risk(address("127.0.0.1", 5001), own));
    for (const int port : {1, 6, 8, 9, 53, 123, 1234, 65535}) {
        CAPTURE(port);
        CHECK_FALSE(echo::loop_risk(address("127.0.0.1", static_cast<std::uint16_t>(port)), own));
    }
}
