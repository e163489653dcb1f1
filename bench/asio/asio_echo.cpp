// SPDX-License-Identifier: MIT
// echo-asio PORT: Boost.Asio's async TCP echo server, as in its cpp11 example
// (example/cpp11/echo/async_tcp_echo_server.cpp): one io_context on one thread, a session per peer
// owned by shared_ptr, async_read_some into the session's 1 KiB buffer, async_write all of it,
// read again. Bound to 127.0.0.1. A reference for bench/ only (header-only Boost, Debian
// libboost-dev); the programs themselves stay libc-only.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>

#include <boost/asio.hpp>

using boost::asio::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
  public:
    explicit Session(tcp::socket socket) : socket_(std::move(socket)) {}

    void start() { do_read(); }

  private:
    void do_read() {
        auto self(shared_from_this());
        socket_.async_read_some(boost::asio::buffer(data_, max_length),
                                [this, self](boost::system::error_code ec, std::size_t length) {
                                    if (!ec) {
                                        do_write(length);
                                    }
                                });
    }

    void do_write(std::size_t length) {
        auto self(shared_from_this());
        boost::asio::async_write(socket_, boost::asio::buffer(data_, length),
                                 [this, self](boost::system::error_code ec, std::size_t) {
                                     if (!ec) {
                                         do_read();
                                     }
                                 });
    }

    tcp::socket socket_;
    static constexpr std::size_t max_length = 1024;
    char data_[max_length];
};

class Server {
  public:
    Server(boost::asio::io_context& io_context, std::uint16_t port)
        : acceptor_(io_context, tcp::endpoint(boost::asio::ip::address_v4::loopback(), port)) {
        do_accept();
    }

  private:
    void do_accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
            if (!ec) {
                std::make_shared<Session>(std::move(socket))->start();
            }
            do_accept();
        });
    }

    tcp::acceptor acceptor_;
};

} // namespace

int main(int argc, char* argv[]) {
    if (argc != 2) {
        std::fputs("Usage: echo-asio PORT\n", stderr);
        return 2;
    }
    try {
        boost::asio::io_context io_context;
        Server server(io_context, static_cast<std::uint16_t>(std::atoi(argv[1])));
        io_context.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "echo-asio: %s\n", e.what());
        return 1;
    }
    return 0;
}
