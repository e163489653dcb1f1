// SPDX-License-Identifier: MIT
#include "catch.hpp"
#include "sockets.hpp"

#include "echo/address.hpp"
#include "echo/resolve.hpp"

#include <string>

#include <sys/socket.h>

using echo::test::address;

namespace {

echo::Address one(const std::string& host, std::uint16_t port) {
    return echo::resolve(host, port, echo::Family::any, SOCK_STREAM, false).front();
}

} // namespace

TEST_CASE("Addresses print as host:port, IPv6 in brackets", "[address]") {
    CHECK(one("127.0.0.1", 1234).to_string() == "127.0.0.1:1234");
    CHECK(one("::1", 1234).to_string() == "[::1]:1234");
    CHECK(one("::1", 80).host() == "::1");
    CHECK(one("127.0.0.1", 80).port() == 80);
}

TEST_CASE("Addresses compare by family, host and port", "[address]") {
    CHECK(one("127.0.0.1", 1) == one("127.0.0.1", 1));
    CHECK_FALSE(one("127.0.0.1", 1) == one("127.0.0.1", 2));
    CHECK_FALSE(one("127.0.0.1", 1) == one("127.0.0.2", 1));
    CHECK_FALSE(one("127.0.0.1", 1) == one("::1", 1));
    echo::Address changed = one("::1", 1);
    changed.set_port(7);
    CHECK(changed == one("::1", 7));
}

TEST_CASE("Loopback addresses are told from the others", "[address]") {
    CHECK(one("127.0.0.1", 1).is_loopback());
    CHECK(one("127.255.0.9", 1).is_loopback());
    CHECK(one("::1", 1).is_loopback());
    CHECK(one("::ffff:127.0.0.1", 1).is_loopback());
    CHECK_FALSE(one("0.0.0.0", 1).is_loopback());
    CHECK_FALSE(one("::", 1).is_loopback());
    CHECK_FALSE(one("192.0.2.1", 1).is_loopback());
    CHECK_FALSE(one("::ffff:192.0.2.1", 1).is_loopback());
}

TEST_CASE("Equal addresses hash equally", "[udp]") {
    const echo::AddressHash hash;
    CHECK(hash(address("127.0.0.1", 80)) == hash(address("127.0.0.1", 80)));
    CHECK(hash(address("::1", 80)) == hash(address("::1", 80)));
    CHECK(hash(address("127.0.0.1", 80)) != hash(address("127.0.0.1", 81)));
    CHECK(hash(address("127.0.0.1", 80)) != hash(address("127.0.0.2", 80)));
}
