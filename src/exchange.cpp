// SPDX-License-Identifier: MIT
#include "echo/exchange.hpp"

#include "echo/io.hpp"

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <poll.h>
#include <sys/socket.h>

namespace echo {

void exchange(int sock, std::span<const std::byte> message, std::span<std::byte> echo,
              std::chrono::milliseconds timeout, ConnectionTrace& trace, bool finish) {
    std::size_t sent = 0;
    std::size_t received = 0;
    bool write_side_open = true;
    const std::string& server = trace.peer();
    for (;;) {
        if (finish && sent == message.size() && write_side_open) {
            ::shutdown(sock, SHUT_WR); // our FIN: the server knows the message is complete
            trace.closed_write();
            write_side_open = false;
        }
        if (received == message.size()) {
            return;
        }
        const short events = POLLIN | (sent < message.size() ? POLLOUT : 0);
        if (!wait_for(sock, events, timeout)) {
            throw std::runtime_error("no echo from " + server + " within the timeout (" +
                                     std::to_string(received) + " of " +
                                     std::to_string(message.size()) + " bytes back)");
        }
        if (sent < message.size()) {
            const IoResult r = write_some(sock, message.subspan(sent));
            if (r.status == IoStatus::error) {
                throw std::system_error(r.error, std::generic_category(), "send to " + server);
            }
            if (r.bytes > 0) {
                trace.sent(message.subspan(sent, r.bytes));
                sent += r.bytes;
            }
        }
        const IoResult r = read_some(sock, echo.subspan(received));
        if (r.status == IoStatus::eof) {
            trace.peer_closed_write();
            throw std::runtime_error("server " + server + " closed the connection after " +
                                     std::to_string(received) + " of " +
                                     std::to_string(message.size()) + " bytes of echo");
        }
        if (r.status == IoStatus::error) {
            throw std::system_error(r.error, std::generic_category(), "recv from " + server);
        }
        if (r.bytes > 0) {
            trace.received(echo.subspan(received, r.bytes));
        }
        received += r.bytes;
    }
}

} // namespace echo
