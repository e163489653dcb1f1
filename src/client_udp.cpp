// SPDX-License-Identifier: MIT
#include "echo/client_modes.hpp"
#include "echo/connection_trace.hpp"
#include "echo/datagram.hpp"
#include "echo/io.hpp"
#include "echo/line_cutter.hpp"

#include <algorithm>
#include <cerrno>
#include <optional>
#include <system_error>

#include <poll.h>
#include <unistd.h>

namespace echo {

namespace {

using Clock = std::chrono::steady_clock;

bool same(std::span<const std::byte> a, std::span<const std::byte> b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// Sends datagrams on a connected UDP socket and waits for each one's echo, sending it again when
// none comes within the timeout: UDP may lose either the datagram or its echo.
class Exchange final {
  public:
    Exchange(int sock, const Address& server, const ClientOptions& options, const Status& status)
        : sock_(sock), server_(server), name_(server.to_string()), timeout_(options.timeout),
          tries_(options.retries + 1), status_(status), reply_(datagram_buffer_size) {}

    // Returns the echo of `datagram` (valid until the next call), or throws: refused, a wrong
    // echo, or no echo after every try.
    std::span<const std::byte> echo(std::span<const std::byte> datagram) {
        for (unsigned attempt = 1; attempt <= tries_; ++attempt) {
            if (attempt > 1) {
                status_.line("No echo from " + name_ + " yet; sending again (try " +
                             std::to_string(attempt) + " of " + std::to_string(tries_) + ")");
            }
            send(datagram);
            if (const auto reply = await(datagram)) {
                previous_.emplace(datagram.begin(), datagram.end());
                return *reply;
            }
        }
        throw std::runtime_error("no reply from " + name_ + " after " + std::to_string(tries_) +
                                 (tries_ == 1 ? " try" : " tries"));
    }

  private:
    // The ICMP error a datagram earned (Connection refused: nobody listens on that port)
    // surfaces on a later send or recv of the connected socket; it is about the send.
    [[noreturn]] void refused(int error) const {
        throw std::system_error(error, std::generic_category(), "send to " + name_);
    }

    void send(std::span<const std::byte> datagram) {
        for (;;) {
            const IoResult sent = send_datagram(sock_, datagram);
            if (sent.status == IoStatus::ok) {
                status_.sent(name_, datagram);
                return;
            }
            if (sent.status == IoStatus::error) {
                refused(sent.error);
            }
            if (!wait_for(sock_, POLLOUT, timeout_)) {
                return; // still no room to send: this try is lost, the next one may do better
            }
        }
    }

    std::optional<std::span<const std::byte>> await(std::span<const std::byte> datagram) {
        const auto deadline = Clock::now() + timeout_;
        for (;;) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0 || !wait_for(sock_, POLLIN, left)) {
                return std::nullopt;
            }
            const Received got = receive_datagram(sock_, reply_, 0);
            if (got.io.status == IoStatus::would_block) {
                continue;
            }
            if (got.io.status == IoStatus::error) {
                refused(got.io.error);
            }
            const auto reply = std::span<const std::byte>(reply_).first(got.io.bytes);
            if (status_.verbose()) {
                status_.received(got.source == server_ ? name_ : got.source.to_string(), reply);
            }
            if (!(got.source == server_)) {
                continue; // a stray datagram from someone else
            }
            if (got.size == datagram.size() && same(reply, datagram)) {
                return reply;
            }
            if (previous_ && got.size == previous_->size() && same(reply, *previous_)) {
                continue; // a late or duplicated echo of the datagram before
            }
            mismatch(datagram, reply, got.size);
        }
    }

    [[noreturn]] static void mismatch(std::span<const std::byte> sent,
                                      std::span<const std::byte> reply, std::size_t reply_size) {
        if (reply_size != sent.size()) {
            throw std::runtime_error("echo mismatch: sent " + std::to_string(sent.size()) +
                                     " bytes, got " + std::to_string(reply_size) + " back");
        }
        const auto [differs, unused] = std::mismatch(sent.begin(), sent.end(), reply.begin());
        throw std::runtime_error("echo mismatch at byte " +
                                 std::to_string(differs - sent.begin() + 1) + " of " +
                                 std::to_string(sent.size()));
    }

    int sock_;
    const Address& server_;
    std::string name_;
    std::chrono::milliseconds timeout_;
    unsigned tries_;
    const Status& status_;
    std::vector<std::byte> reply_;
    std::optional<std::vector<std::byte>> previous_; // the datagram echoed before this one
};

void write_output(std::span<const std::byte> data) {
    const IoResult written = write_all(STDOUT_FILENO, data);
    if (written.status == IoStatus::error) {
        throw std::system_error(written.error, std::generic_category(), "write standard output");
    }
}

} // namespace

int send_udp_message(const ClientOptions& options, Socket socket, const Address& server,
                     const Status& status) {
    Exchange exchange(socket.fd(), server, options, status);
    std::string line(options.message);
    const auto echo = exchange.echo(std::as_bytes(std::span(line)));
    socket.reset();
    line.assign(reinterpret_cast<const char*>(echo.data()), echo.size());
    line += '\n';
    write_output(std::as_bytes(std::span(line)));
    return exit_ok;
}

int stream_udp_lines(const ClientOptions& options, Socket socket, const Address& server,
                     const Status& status) {
    Exchange exchange(socket.fd(), server, options, status);
    LineCutter cutter(udp_payload_limit(options));
    std::uint64_t datagrams = 0;
    std::uint64_t bytes = 0;
    bool at_end = false;
    for (;;) {
        while (const auto datagram = cutter.next(at_end)) {
            write_output(exchange.echo(*datagram));
            ++datagrams;
            bytes += datagram->size();
        }
        if (at_end) {
            break;
        }
        const IoResult r = read_some(STDIN_FILENO, cutter.room());
        if (r.status == IoStatus::ok) {
            cutter.filled(r.bytes);
        } else if (r.status == IoStatus::eof) {
            at_end = true;
        } else if (r.status == IoStatus::would_block) {
            wait_for(STDIN_FILENO, POLLIN, std::chrono::milliseconds(-1));
        } else {
            throw std::system_error(r.error, std::generic_category(), "read standard input");
        }
    }
    status.line("Sent " + plural(datagrams, "datagram") + " (" + plural(bytes, "byte") +
                "), every one echoed");
    return exit_ok;
}

} // namespace echo
