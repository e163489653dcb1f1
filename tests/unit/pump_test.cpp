// SPDX-License-Identifier: MIT
#include "catch.hpp"
#include "process.hpp"
#include "sockets.hpp"
#include "untraced.hpp"

#include "echo/io.hpp"
#include "echo/socket.hpp"
#include "pump.hpp"
#include "stream_echo.hpp"

#include <cerrno>
#include <future>
#include <string>
#include <thread>

#include <sys/socket.h>
#include <unistd.h>

using echo::Socket;
using echo::test::Pipe;
using echo::test::read_to_eof;
using echo::test::StreamPair;

namespace {

void write_all_and_close(Socket fd, const std::string& data) {
    (void)echo::write_all(fd.fd(), std::as_bytes(std::span(data)));
}

// Runs the pump between pipes and an echo_until_eof peer; returns what came out.
std::string pump_through_echo(const std::string& input, echo::PumpResult& result) {
    Pipe in;
    Pipe out;
    StreamPair link;
    auto echoer = std::async(std::launch::async, [peer = std::move(link.theirs)] {
        return echo::echo_until_eof(peer.fd(), -1, untraced());
    });
    std::thread feeder(write_all_and_close, std::move(in.write_end), input);
    auto pumped =
        std::async(std::launch::async, [&in, &out, sock = std::move(link.ours)]() mutable {
            auto r = echo::pump(in.read_end.fd(), out.write_end.fd(), sock.fd(), untraced());
            out.write_end.reset(); // end of our output
            return r;
        });
    std::string echoed = read_to_eof(out.read_end.fd());
    feeder.join();
    result = pumped.get();
    const echo::EchoOutcome outcome = echoer.get();
    CHECK(outcome.end == echo::EchoOutcome::End::peer_finished);
    CHECK(outcome.bytes == input.size());
    return echoed;
}

} // namespace

TEST_CASE("The pump carries bytes through an echo peer and back", "[pump]") {
    for (const std::size_t size :
         {std::size_t{0}, std::size_t{1}, std::size_t{65536}, std::size_t{4 * 1024 * 1024 + 7}}) {
        CAPTURE(size);
        const std::string input = echo::test::random_bytes(size, static_cast<std::uint32_t>(size));
        echo::PumpResult result;
        const std::string echoed = pump_through_echo(input, result);
        CHECK(result.failed == echo::PumpResult::Step::none);
        CHECK(result.input_finished);
        CHECK(result.sent == size);
        CHECK(result.received == size);
        CHECK(echoed == input);
    }
}

TEST_CASE("The pump half-closes at the end of input and counts an echo beyond what it sent",
          "[pump]") {
    Pipe in;
    Pipe out;
    StreamPair link;
    in.write_end.reset(); // empty input
    const echo::PumpResult result = [&] {
        auto pumped = std::async(std::launch::async, [&] {
            return echo::pump(in.read_end.fd(), out.write_end.fd(), link.ours.fd(), untraced());
        });
        // The peer sees our FIN, answers something nobody sent, then closes.
        REQUIRE(echo::wait_for(link.theirs.fd(), 0x001 /*POLLIN*/, std::chrono::seconds(10)));
        char byte = 0;
        CHECK(::read(link.theirs.fd(), &byte, 1) == 0);
        const std::string late = "late";
        (void)echo::write_all(link.theirs.fd(), std::as_bytes(std::span(late)));
        link.theirs.reset();
        return pumped.get();
    }();
    out.write_end.reset();
    CHECK(result.input_finished);
    CHECK(result.failed == echo::PumpResult::Step::surplus);
    CHECK(result.surplus == 4);
    CHECK(result.surplus_counted);
    CHECK(result.received == 0);
    CHECK(read_to_eof(out.read_end.fd()).empty()); // only checked bytes are written
}

TEST_CASE("The pump reports a broken output", "[pump]") {
    Pipe in;
    Pipe out;
    StreamPair link;
    out.read_end.reset(); // nobody reads our output: EPIPE
    auto echoer = std::async(std::launch::async, [peer = std::move(link.theirs)] {
        return echo::echo_until_eof(peer.fd(), -1, untraced());
    });
    const std::string data = "data";
    (void)echo::write_all(in.write_end.fd(), std::as_bytes(std::span(data)));
    in.write_end.reset();
    const echo::PumpResult result =
        echo::pump(in.read_end.fd(), out.write_end.fd(), link.ours.fd(), untraced());
    link.ours.reset();
    CHECK(result.failed == echo::PumpResult::Step::write_output);
    CHECK(result.error == EPIPE);
}

TEST_CASE("The pump checks every byte through a window smaller than the stream", "[pump]") {
    // A 1000-byte window over 100 KiB: the ring wraps about a hundred times.
    const std::string input = echo::test::random_bytes(100 * 1024 + 7, 9);
    for (const bool honest : {true, false}) {
        CAPTURE(honest);
        Pipe in;
        Pipe out;
        StreamPair link;
        // The peer echoes, with byte 50001 changed when it is not honest.
        auto echoer = std::async(std::launch::async, [&, peer = std::move(link.theirs)] {
            echo::set_nonblocking(peer.fd(), false);
            std::string seen;
            char chunk[4096];
            for (ssize_t n = 0; (n = ::read(peer.fd(), chunk, sizeof(chunk))) > 0;) {
                std::string part(chunk, static_cast<std::size_t>(n));
                for (std::size_t i = 0; i < part.size(); ++i) {
                    if (!honest && seen.size() + i == 50000) {
                        part[i] = static_cast<char>(part[i] ^ 1);
                    }
                }
                seen += part;
                if (echo::write_all(peer.fd(), std::as_bytes(std::span(part))).status !=
                    echo::IoStatus::ok) {
                    break;
                }
            }
            ::shutdown(peer.fd(), SHUT_WR);
        });
        std::thread feeder(write_all_and_close, std::move(in.write_end), input);
        echo::PumpOptions options;
        options.window = 1000;
        auto pumped = std::async(std::launch::async, [&] {
            auto r = echo::pump(in.read_end.fd(), out.write_end.fd(), link.ours.fd(), untraced(),
                                options);
            out.write_end.reset();
            link.ours.reset();
            return r;
        });
        const std::string echoed = read_to_eof(out.read_end.fd());
        const echo::PumpResult result = pumped.get();
        in.read_end.reset(); // a feeder still writing gets EPIPE
        feeder.join();
        echoer.wait();
        if (honest) {
            CHECK(result.failed == echo::PumpResult::Step::none);
            CHECK(result.received == input.size());
            CHECK(echoed == input);
        } else {
            CHECK(result.failed == echo::PumpResult::Step::mismatch);
            CHECK(result.mismatch_at == 50001);
            CHECK(echoed.size() <= 50000);
            CHECK(echoed == input.substr(0, echoed.size()));
        }
        CHECK(result.sent - (honest ? result.received : 50000) <= 1000);
    }
}

TEST_CASE("After the end of input the pump waits at most its timeout for the echo", "[pump]") {
    Pipe in;
    Pipe out;
    StreamPair link;
    const std::string data = "abcdef";
    (void)echo::write_all(in.write_end.fd(), std::as_bytes(std::span(data)));
    in.write_end.reset();
    const std::string part = "abc"; // the peer echoes half, then stays silent with the line open
    (void)echo::write_all(link.theirs.fd(), std::as_bytes(std::span(part)));
    echo::PumpOptions options;
    options.timeout = std::chrono::milliseconds(100);
    const auto start = std::chrono::steady_clock::now();
    const echo::PumpResult result =
        echo::pump(in.read_end.fd(), out.write_end.fd(), link.ours.fd(), untraced(), options);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK(result.failed == echo::PumpResult::Step::timeout);
    CHECK(result.sent == 6);
    CHECK(result.received == 3);
    CHECK(result.input_finished);
}
