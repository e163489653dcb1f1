// SPDX-License-Identifier: MIT
// echo-asio PORT: a TCP echo server on Boost.Asio in the shape of its cpp11 async example
// (example/cpp11/echo/async_tcp_echo_server.cpp): one io_context on one thread, a peer
// owned by shared_ptr, async_read_some into its 1 KiB buffer, async_write all of it,
// read again. Bound to 127.0.0.1. A reference for bench/ only (header-only Boost, Debian
// libboost-dev); the programs themselves stay libc-only.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>

#include <boost/asio.hpp>

using boost::asio::ip::tcp;

namespace {

// One peer: its socket and the buffer its echo passes through.
struct Peer {
    explicit Peer(tcp::socket connected) : socket(std::move(connected)) {}
    tcp::socket socket;
    std::array<char, 1024> buffer{};
};

void echo_some(std::shared_ptr<Peer> peer);

// All of what was read goes back, then the next read.
void send_back(std::shared_ptr<Peer> peer, std::size_t length) {
    tcp::socket& socket = peer->socket;
    const auto echo = boost::asio::buffer(peer->buffer.data(), length);
    boost::asio::async_write(
        socket, echo,
        [peer = std::move(peer)](boost::system::error_code error, std::size_t) mutable {
            if (!error) {
                echo_some(std::move(peer));
            }
        });
}

// What is there, up to the buffer; the peer lives as long as a pending call holds it.
void echo_some(std::shared_ptr<Peer> peer) {
    tcp::socket& socket = peer->socket;
    const auto room = boost::asio::buffer(peer->buffer);
    socket.async_read_some(room, [peer = std::move(peer)](boost::system::error_code error,
                                                          std::size_t length) mutable {
        if (!error) {
            send_back(std::move(peer), length);
        }
    });
}

void accept_next(tcp::acceptor& acceptor) {
    acceptor.async_accept([&acceptor](boost::system::error_code error, tcp::socket socket) {
        if (!error) {
            echo_some(std::make_shared<Peer>(std::move(socket)));
        }
        accept_next(acceptor);
    });
}

} // namespace

int main(int argc, char* argv[]) {
    if (argc != 2) {
        std::fputs("Usage: echo-asio PORT\n", stderr);
        return 2;
    }
    try {
        boost::asio::io_context context;
        tcp::acceptor acceptor(context,
                               tcp::endpoint(boost::asio::ip::address_v4::loopback(),
                                             static_cast<std::uint16_t>(std::atoi(argv[1]))));
        accept_next(acceptor);
        context.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "echo-asio: %s\n", e.what());
        return 1;
    }
    return 0;
}
