// SPDX-License-Identifier: MIT
#include "catch.hpp"

#include "echo/resolve.hpp"

#include <string>

#include <sys/socket.h>

TEST_CASE("resolve finds names, IPv4 and IPv6 literals", "[address]") {
    CHECK_FALSE(echo::resolve("localhost", 1, echo::Family::any, SOCK_STREAM, false).empty());
    CHECK(echo::resolve("127.0.0.1", 1, echo::Family::ipv4, SOCK_STREAM, false).size() == 1);
    CHECK(echo::resolve("::1", 1, echo::Family::ipv6, SOCK_DGRAM, true).front().family() ==
          AF_INET6);
}

TEST_CASE("resolve failures name the host", "[address]") {
    try {
        (void)echo::resolve("no-such-host.invalid", 1, echo::Family::any, SOCK_STREAM, false);
        FAIL("no exception");
    } catch (const echo::ResolveError& error) {
        CHECK(std::string(error.what()).find("resolve no-such-host.invalid: ") == 0);
    }
    CHECK_THROWS_AS(echo::resolve("::1", 1, echo::Family::ipv4, SOCK_STREAM, false),
                    echo::ResolveError);
}
