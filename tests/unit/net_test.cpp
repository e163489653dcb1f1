// SPDX-License-Identifier: MIT
// Listening, connecting and binding, with the errors they report.
#include "catch.hpp"
#include "sockets.hpp"

#include "echo/address.hpp"
#include "echo/net.hpp"

#include <cerrno>
#include <string>
#include <system_error>

#include <sys/socket.h>

using namespace std::chrono_literals;
using echo::test::address;

namespace {

// A port on 127.0.0.1 that refuses connections: bound, so nobody else takes it, but not listening.
struct RefusingPort {
    echo::Socket socket = echo::open_socket(AF_INET, SOCK_STREAM);
    echo::Address address;
    RefusingPort() {
        echo::Address any = echo::test::address("127.0.0.1", 0, SOCK_STREAM);
        REQUIRE(::bind(socket.fd(), any.data(), any.size()) == 0);
        address = echo::local_address(socket.fd());
    }
};

} // namespace

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
    echo::Socket listener = echo::bind_to(address("127.0.0.1", 0, SOCK_STREAM), SOCK_STREAM);
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
    const echo::Socket taken = echo::bind_to(address("127.0.0.1", 0, SOCK_STREAM), SOCK_STREAM);
    const echo::Address address = echo::local_address(taken.fd());
    try {
        (void)echo::bind_to(address, SOCK_STREAM);
        FAIL("no exception");
    } catch (const std::system_error& error) {
        CHECK(std::string(error.what()) ==
              "bind " + address.to_string() + ": Address already in use");
    }
}

TEST_CASE("A second UDP socket cannot take a bound port", "[udp]") {
    echo::Socket first = echo::bind_to(address("127.0.0.1", 0), SOCK_DGRAM);
    const auto taken = echo::local_address(first.fd());
    try {
        echo::bind_to(taken, SOCK_DGRAM);
        FAIL("the second bind succeeded");
    } catch (const std::system_error& error) {
        CHECK(error.code().value() == EADDRINUSE);
    }
}
