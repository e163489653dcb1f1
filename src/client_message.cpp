// SPDX-License-Identifier: MIT
#include "echo/client_modes.hpp"
#include "echo/io.hpp"

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace echo {

namespace {

[[noreturn]] void fail(int error, const std::string& step) {
    throw std::system_error(error, std::generic_category(), step);
}

// Sends `message` while reading its echo (a large message would otherwise fill both socket
// buffers and stall), then returns exactly message.size() bytes of echo. TCP delivers the echo
// in pieces of any size: never trust one recv.
std::string exchange(int sock, const std::string& message, std::chrono::milliseconds timeout,
                     const std::string& server) {
    std::string echo(message.size(), '\0');
    std::size_t sent = 0;
    std::size_t received = 0;
    bool write_side_open = true;
    for (;;) {
        if (sent == message.size() && write_side_open) {
            ::shutdown(sock, SHUT_WR); // our FIN: the server knows the message is complete
            write_side_open = false;
        }
        if (received == message.size()) {
            return echo;
        }
        const short events = POLLIN | (sent < message.size() ? POLLOUT : 0);
        if (!wait_for(sock, events, timeout)) {
            throw std::runtime_error("no echo from " + server + " within the timeout (" +
                                     std::to_string(received) + " of " +
                                     std::to_string(message.size()) + " bytes back)");
        }
        if (sent < message.size()) {
            const IoResult r = write_some(sock, std::as_bytes(std::span(message)).subspan(sent));
            if (r.status == IoStatus::error) {
                fail(r.error, "send to " + server);
            }
            sent += r.bytes;
        }
        const IoResult r =
            read_some(sock, std::as_writable_bytes(std::span(echo)).subspan(received));
        if (r.status == IoStatus::eof) {
            throw std::runtime_error("server " + server + " closed the connection after " +
                                     std::to_string(received) + " of " +
                                     std::to_string(message.size()) + " bytes of echo");
        }
        if (r.status == IoStatus::error) {
            fail(r.error, "recv from " + server);
        }
        received += r.bytes;
    }
}

} // namespace

int send_message(const ClientOptions& options, Socket socket, const Address& server,
                 const Status& status) {
    const std::string& message = options.message;
    const std::string echo = exchange(socket.fd(), message, options.timeout, server.to_string());
    socket.reset();

    const auto [differs, unused] = std::mismatch(message.begin(), message.end(), echo.begin());
    if (differs != message.end()) {
        status.error("echo mismatch at byte " + std::to_string(differs - message.begin() + 1) +
                     " of " + std::to_string(message.size()));
        return exit_failure;
    }
    const std::string line = echo + "\n";
    const IoResult written = write_all(STDOUT_FILENO, std::as_bytes(std::span(line)));
    if (written.status == IoStatus::error) {
        fail(written.error, "write standard output");
    }
    return exit_ok;
}

} // namespace echo
