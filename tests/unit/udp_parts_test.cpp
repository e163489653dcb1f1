// SPDX-License-Identifier: MIT
// The pieces of UDP mode: the loop guard, the memory of senders, the line cutter, and datagrams
// on real loopback sockets.
#include "catch.hpp"
#include "sockets.hpp"

#include "echo/datagram.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"
#include "line_cutter.hpp"
#include "loop_guard.hpp"
#include "sender_memory.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

using namespace std::chrono_literals;
using echo::test::address;
using echo::test::bytes;

namespace {

std::string text(std::span<const std::byte> data) {
    return {reinterpret_cast<const char*>(data.data()), data.size()};
}

// Every datagram the cutter makes of `input`, read in chunks of `chunk` bytes.
std::vector<std::string> cut(const std::string& input, std::size_t limit, std::size_t chunk) {
    echo::LineCutter cutter(limit);
    std::vector<std::string> datagrams;
    std::size_t offset = 0;
    bool at_end = false;
    for (;;) {
        while (const auto datagram = cutter.next(at_end)) {
            datagrams.push_back(text(*datagram));
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

TEST_CASE("Equal addresses hash equally", "[udp]") {
    const echo::AddressHash hash;
    CHECK(hash(address("127.0.0.1", 80)) == hash(address("127.0.0.1", 80)));
    CHECK(hash(address("::1", 80)) == hash(address("::1", 80)));
    CHECK(hash(address("127.0.0.1", 80)) != hash(address("127.0.0.1", 81)));
    CHECK(hash(address("127.0.0.1", 80)) != hash(address("127.0.0.2", 80)));
}

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

TEST_CASE("Datagrams keep their size, even 0, and say where they were sent", "[udp]") {
    // A wildcard socket must answer from the address each datagram was sent to (127.0.0.2
    // here), or a connected client drops the answer: bind_to asks for that address.
    echo::Socket server = echo::bind_to(address("0.0.0.0", 0), SOCK_DGRAM);
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
        CHECK(text(std::span(buffer).first(got.io.bytes)) == payload);
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
