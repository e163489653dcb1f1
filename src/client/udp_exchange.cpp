// SPDX-License-Identifier: MIT
#include "udp_exchange.hpp"
#include "i18n.hpp"

#include "echo/datagram.hpp"
#include "echo/error.hpp"
#include "echo/io.hpp"
#include "echo_failure.hpp"

#include <algorithm>
#include <stdexcept>
#include <system_error>

#include <poll.h>

namespace echo {

namespace {

using Clock = std::chrono::steady_clock;

bool same(std::span<const std::byte> a, std::span<const std::byte> b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

[[noreturn]] void mismatch(std::span<const std::byte> sent, std::span<const std::byte> reply,
                           std::size_t reply_size) {
    if (reply_size != sent.size()) {
        throw EchoFailure(
            fill(tr("echo mismatch: sent %s, got %s back"),
                 {plural(sent.size(), "%s byte", "%s bytes"), std::to_string(reply_size)}));
    }
    const auto [differs, unused] = std::mismatch(sent.begin(), sent.end(), reply.begin());
    throw EchoFailure(
        fill(tr("echo mismatch at byte %s of %s"),
             {std::to_string(differs - sent.begin() + 1), std::to_string(sent.size())}));
}

} // namespace

UdpExchange::UdpExchange(int sock, const Address& server, const ClientOptions& options,
                         const Status& status)
    : sock_(sock), server_(server), name_(server.to_string()), timeout_(options.timeout),
      tries_(options.retries + 1), status_(status), reply_(datagram_buffer_size) {}

std::span<const std::byte> UdpExchange::echo(std::span<const std::byte> datagram) {
    for (unsigned attempt = 1; attempt <= tries_; ++attempt) {
        if (attempt > 1) {
            status_.line(fill(tr("No echo from %s yet; sending again (try %s of %s)"),
                              {name_, std::to_string(attempt), std::to_string(tries_)}));
        }
        send(datagram);
        if (const auto reply = await(datagram)) {
            previous_.emplace(datagram.begin(), datagram.end());
            return *reply;
        }
    }
    throw EchoFailure(
        fill(tr("no reply from %s after %s"), {name_, plural(tries_, "%s try", "%s tries")}));
}

// The ICMP error a datagram earned (Connection refused: nobody listens on that port) surfaces on
// a later send or recv of the connected socket; it is about the send.
void UdpExchange::refused(int error) const {
    throw_error(error, "send to " + name_);
}

void UdpExchange::send(std::span<const std::byte> datagram) {
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

std::optional<std::span<const std::byte>> UdpExchange::await(std::span<const std::byte> datagram) {
    const auto deadline = Clock::now() + timeout_;
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0 || !wait_for(sock_, POLLIN, left)) {
            return std::nullopt;
        }
        const Received got = receive_from(sock_, reply_);
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

} // namespace echo
