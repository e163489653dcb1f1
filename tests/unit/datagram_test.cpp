// SPDX-License-Identifier: MIT
// Datagrams on real loopback sockets: sizes, truncation, and the address each was sent to.
#include "catch.hpp"
#include "sockets.hpp"

#include "echo/datagram.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "echo/packet_info.hpp"

#include <string>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

using namespace std::chrono_literals;
using echo::test::address;
using echo::test::bytes;
using echo::test::text_of;

TEST_CASE("Datagrams keep their size, even 0, and say where they were sent", "[udp]") {
    // A wildcard socket must answer from the address each datagram was sent to (127.0.0.2
    // here), or a connected client drops the answer: the server asks for that address.
    echo::Socket server = echo::bind_to(address("0.0.0.0", 0), SOCK_DGRAM);
    echo::enable_destination_info(server.fd(), AF_INET);
    const std::uint16_t port = echo::local_address(server.fd()).port();
    echo::Socket client =
        echo::connect_to(address("127.0.0.2", port), SOCK_DGRAM, std::chrono::milliseconds(1000));

    std::vector<std::byte> buffer(echo::datagram_buffer_size);
    for (const std::string& payload : {std::string(), std::string("x"), std::string(9000, 'z')}) {
        CAPTURE(payload.size());
        REQUIRE(echo::send_datagram(client.fd(), bytes(payload)).status == echo::IoStatus::ok);
        REQUIRE(echo::wait_for(server.fd(), POLLIN, 20s));
        const echo::Received got = echo::receive_datagram(server.fd(), buffer, port);
        REQUIRE(got.io.status == echo::IoStatus::ok);
        CHECK(got.size == payload.size());
        CHECK(text_of(std::span(buffer).first(got.io.bytes)) == payload);
        CHECK(got.local.to_string() == "127.0.0.2:" + std::to_string(port));
        CHECK(got.source == echo::local_address(client.fd()));

        REQUIRE(echo::send_datagram(server.fd(), std::span(buffer).first(got.io.bytes), got.source,
                                    got.local, got.interface)
                    .status == echo::IoStatus::ok);
        REQUIRE(echo::wait_for(client.fd(), POLLIN, 20s));
        const echo::Received echo = echo::receive_datagram(client.fd(), buffer, 0);
        REQUIRE(echo.io.status == echo::IoStatus::ok);
        CHECK(echo.size == payload.size());
        CHECK(echo.source.to_string() == "127.0.0.2:" + std::to_string(port));
    }
    CHECK(echo::receive_datagram(server.fd(), buffer, port).io.status ==
          echo::IoStatus::would_block);
}

TEST_CASE("A datagram larger than the buffer is reported cut, with its real size", "[udp]") {
    echo::Socket server = echo::bind_to(address("127.0.0.1", 0), SOCK_DGRAM);
    echo::enable_destination_info(server.fd(), AF_INET);
    echo::Socket client = echo::connect_to(echo::local_address(server.fd()), SOCK_DGRAM,
                                           std::chrono::milliseconds(1000));
    REQUIRE(echo::send_datagram(client.fd(), bytes("abcdef")).status == echo::IoStatus::ok);
    REQUIRE(echo::wait_for(server.fd(), POLLIN, 20s));
    std::vector<std::byte> small(4);
    const echo::Received got =
        echo::receive_datagram(server.fd(), small, echo::local_address(server.fd()).port());
    REQUIRE(got.io.status == echo::IoStatus::ok);
    CHECK(got.io.bytes == 4);
    CHECK(got.size == 6);
    CHECK(got.local.to_string() == echo::local_address(server.fd()).to_string());
}
