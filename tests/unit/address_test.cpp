// SPDX-License-Identifier: MIT
#include "catch.hpp"

#include "echo/address.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"

#include <cerrno>
#include <string>
#include <system_error>

#include <sys/socket.h>

using namespace std::chrono_literals;

namespace {

echo::Address one(const std::string& host, std::uint16_t port) {
    return echo::resolve(host, port, echo::Family::any, SOCK_STREAM, false).front();
}

// A port on 127.0.0.1 that refuses connections: bound, so nobody else takes it, but not listening.
struct RefusingPort {
    echo::Socket socket = echo::open_socket(AF_INET, SOCK_STREAM);
    echo::Address address;
    RefusingPort() {
        echo::Address any = one("127.0.0.1", 0);
        REQUIRE(::bind(socket.fd(), any.data(), any.size()) == 0);
        address = echo::local_address(socket.fd());
    }
};

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

TEST_CASE("connect_to reports the address and the cause", "[address]") {
    const RefusingPort refusing;
    try {
        (void)echo::connect_to(refusing.address, SOCK_STREAM, 5s);
        FAIL("no exception");
    } catch (const std::system_error& error) {
        CHECK(error.code().value() == ECONNREFUSED);
        CHECK(std::string(error.what()) ==
              "connect to " + refusing.address.to_string() + ": Connection refused");
    }
}

TEST_CASE("connect_any tries every address and reports the last failure", "[address]") {
    const RefusingPort first;
    const RefusingPort second;
    echo::Socket listener = echo::bind_to(one("127.0.0.1", 0), SOCK_STREAM);
    const echo::Address listening = echo::local_address(listener.fd());

    const echo::Socket connected = echo::connect_any({first.address, listening}, SOCK_STREAM, 5s);
    CHECK(echo::peer_address(connected.fd()) == listening);

    try {
        (void)echo::connect_any({first.address, second.address}, SOCK_STREAM, 5s);
        FAIL("no exception");
    } catch (const std::system_error& error) {
        CHECK(std::string(error.what()).find(second.address.to_string()) != std::string::npos);
    }
}

TEST_CASE("bind_to reports an address in use", "[address]") {
    const echo::Socket taken = echo::bind_to(one("127.0.0.1", 0), SOCK_STREAM);
    const echo::Address address = echo::local_address(taken.fd());
    try {
        (void)echo::bind_to(address, SOCK_STREAM);
        FAIL("no exception");
    } catch (const std::system_error& error) {
        CHECK(std::string(error.what()) ==
              "bind " + address.to_string() + ": Address already in use");
    }
}
