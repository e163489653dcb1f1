// SPDX-License-Identifier: MIT
#include "exchange.hpp"
#include "i18n.hpp"

#include "echo/error.hpp"
#include "echo/io.hpp"
#include "echo_failure.hpp"

#include <array>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <poll.h>
#include <sys/socket.h>

namespace echo {

bool exchange(int sock, std::span<const std::byte> message, std::span<std::byte> echo,
              std::chrono::milliseconds timeout, ConnectionTrace& trace, bool finish, int stop_fd) {
    std::size_t sent = 0;
    std::size_t received = 0;
    const std::string& server = trace.peer();
    // A socket has room far more often than not: send before waiting, then wait before each
    // read, so that a short message costs send, poll, recv, and no read that would block.
    for (;;) {
        if (sent < message.size()) {
            const IoResult r = send_some(sock, message.subspan(sent));
            if (r.status == IoStatus::error) {
                throw_error(r.error, "send to " + server);
            }
            if (r.bytes > 0) {
                trace.sent(message.subspan(sent, r.bytes));
                sent += r.bytes;
            }
        }
        if (received == message.size()) {
            if (finish) {
                shutdown_write(sock); // our FIN, once the echo is safely here
                trace.closed_write();
            }
            return true;
        }
        const short events = POLLIN | (sent < message.size() ? POLLOUT : 0);
        const Wakeup wakeup = wait_for(sock, events, timeout, stop_fd);
        if (wakeup == Wakeup::stopped) {
            return false;
        }
        if (wakeup == Wakeup::timed_out) {
            throw EchoFailure(fill(
                tr("no echo from %s within the timeout (%s of %s back)"),
                {server, std::to_string(received), plural(message.size(), "%s byte", "%s bytes")}));
        }
        const IoResult r = receive_some(sock, echo.subspan(received));
        if (r.status == IoStatus::eof) {
            trace.peer_closed_write();
            throw EchoFailure(fill(
                tr("server %s closed the connection after %s of %s of echo"),
                {server, std::to_string(received), plural(message.size(), "%s byte", "%s bytes")}));
        }
        if (r.status == IoStatus::error) {
            throw_error(r.error, "recv from " + server);
        }
        if (r.bytes > 0) {
            trace.received(echo.subspan(received, r.bytes));
        }
        received += r.bytes;
    }
}

AfterEcho await_close(int sock, std::chrono::milliseconds timeout, ConnectionTrace& trace) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + timeout;
    AfterEcho after;
    std::array<std::byte, 4096> scratch{};
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0 || !wait_for(sock, POLLIN, left)) {
            return after; // a flood cannot hold us past the deadline either
        }
        const IoResult r = receive_some(sock, scratch);
        if (r.status == IoStatus::eof) {
            trace.peer_closed_write();
            after.closed = true;
            return after;
        }
        if (r.status == IoStatus::error) {
            throw_error(r.error, "recv from " + trace.peer());
        }
        if (r.bytes > 0) {
            trace.received(std::span(scratch).first(r.bytes));
            after.surplus += r.bytes;
        }
    }
}

std::string surplus_text(std::uint64_t surplus, bool counted_to_end, const std::string& server) {
    return fill(counted_to_end
                    ? tr_plural("%s byte more than sent came back from %s",
                                "%s bytes more than sent came back from %s", surplus)
                    : tr_plural("at least %s byte more than sent came back from %s",
                                "at least %s bytes more than sent came back from %s", surplus),
                {std::to_string(surplus), server});
}

} // namespace echo
