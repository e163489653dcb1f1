// SPDX-License-Identifier: MIT
#include "echo/client_modes.hpp"
#include "echo/connection_trace.hpp"
#include "echo/datagram.hpp"
#include "echo/exchange.hpp"
#include "echo/io.hpp"
#include "echo/round_report.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <system_error>
#include <thread>

#include <poll.h>

#include <sys/socket.h>
#include <unistd.h>

namespace echo {

namespace {

void print(const std::string& text) {
    const IoResult written = write_all(STDOUT_FILENO, std::as_bytes(std::span(text)));
    if (written.status == IoStatus::error) {
        throw std::system_error(written.error, std::generic_category(), "write standard output");
    }
}

void print_report(const ClientOptions& options, const RoundReport& report) {
    print(options.json ? format_json(report) : format_summary(report));
}

std::string round_line(std::size_t bytes, const std::string& server, std::uint64_t round,
                       double rtt_us) {
    char text[160];
    std::snprintf(text, sizeof(text), "%zu bytes from %s: round=%llu time=%.1f us\n", bytes,
                  server.c_str(), static_cast<unsigned long long>(round), rtt_us);
    return text;
}

void pause_between(const ClientOptions& options, std::uint64_t round) {
    if (round > 1 && options.interval.count() > 0) {
        std::this_thread::sleep_for(options.interval);
    }
}

// UDP rounds carry their number in the first 8 bytes (big-endian), ahead of the payload, so that
// each echo can be matched to its round: loss, duplicates and reordering are counted, not guessed.
constexpr std::size_t round_number_size = udp_round_number_size;

void put_round_number(std::vector<std::byte>& datagram, std::uint64_t round) {
    for (std::size_t i = 0; i < round_number_size; ++i) {
        datagram[i] = static_cast<std::byte>(round >> (8 * (round_number_size - 1 - i)));
    }
}

std::uint64_t round_number(std::span<const std::byte> datagram) {
    std::uint64_t round = 0;
    for (std::size_t i = 0; i < round_number_size; ++i) {
        round = (round << 8) | std::to_integer<std::uint64_t>(datagram[i]);
    }
    return round;
}

class MismatchError final : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

} // namespace

std::string pattern_payload(std::size_t size) {
    std::string payload(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        payload[i] = static_cast<char>('a' + i % 26);
    }
    return payload;
}

int measure_rounds(const ClientOptions& options, Socket socket, const Address& server,
                   const Status& status) {
    const std::string payload = options.size ? pattern_payload(*options.size) : options.message;
    std::string echo(payload.size(), '\0');
    ConnectionTrace trace(status, server.to_string());
    RoundReport report;
    report.server = server.to_string();
    report.protocol = "tcp";
    report.payload_bytes = payload.size();

    // All rounds over this one connection: what is measured is the echo, not the handshake.
    for (std::uint64_t round = 1; round <= options.count; ++round) {
        pause_between(options, round);
        ++report.sent;
        const auto start = std::chrono::steady_clock::now();
        try {
            exchange(socket.fd(), std::as_bytes(std::span(payload)),
                     std::as_writable_bytes(std::span(echo)), options.timeout, trace, false);
        } catch (const std::exception&) {
            print_report(options, report); // the rounds so far, then main prints the cause
            throw;
        }
        const std::chrono::duration<double, std::micro> rtt =
            std::chrono::steady_clock::now() - start;

        const auto [differs, unused] = std::mismatch(payload.begin(), payload.end(), echo.begin());
        if (differs != payload.end()) {
            print_report(options, report);
            status.error("echo mismatch at byte " + std::to_string(differs - payload.begin() + 1) +
                         " of round " + std::to_string(round));
            return exit_failure;
        }
        ++report.echoed;
        report.rtt_us.push_back(rtt.count());
        if (options.verbose && !options.json) {
            print(round_line(payload.size(), report.server, round, rtt.count()));
        }
    }
    ::shutdown(socket.fd(), SHUT_WR);
    trace.closed_write();
    trace.ended("all rounds echoed");
    print_report(options, report);
    return exit_ok;
}

int measure_udp_rounds(const ClientOptions& options, Socket socket, const Address& server,
                       const Status& status) {
    const std::string payload = options.size ? pattern_payload(*options.size) : options.message;
    std::vector<std::byte> datagram(round_number_size + payload.size());
    std::copy_n(std::as_bytes(std::span(payload)).begin(), payload.size(),
                datagram.begin() + round_number_size);
    std::vector<std::byte> reply(datagram_buffer_size);
    std::vector<bool> echoed(options.count + 1, false);
    const std::string name = server.to_string();
    RoundReport report;
    report.server = name;
    report.protocol = "udp";
    report.payload_bytes = datagram.size();

    // Checks one echo from the server; true when it is the echo of `round` (first time).
    const auto accept = [&](std::span<const std::byte> got, std::size_t size, std::uint64_t round) {
        if (size != datagram.size()) {
            throw MismatchError("echo mismatch: sent " + std::to_string(datagram.size()) +
                                " bytes, got " + std::to_string(size) + " back in round " +
                                std::to_string(round));
        }
        const std::uint64_t number = round_number(got);
        if (number == 0 || number > round) {
            throw MismatchError("echo mismatch: an echo of round " + std::to_string(number) +
                                ", which was never sent");
        }
        const auto body = got.subspan(round_number_size);
        const auto sent = std::span<const std::byte>(datagram).subspan(round_number_size);
        const auto [differs, unused] = std::mismatch(sent.begin(), sent.end(), body.begin());
        if (differs != sent.end()) {
            throw MismatchError("echo mismatch at byte " +
                                std::to_string(differs - sent.begin() + 1) + " of round " +
                                std::to_string(number));
        }
        if (echoed[number]) {
            ++report.duplicates;
            return false;
        }
        echoed[number] = true;
        ++report.echoed;
        if (number < round) {
            ++report.reordered; // the echo of an earlier round, after we moved on
            return false;
        }
        return true;
    };

    try {
        for (std::uint64_t round = 1; round <= options.count; ++round) {
            pause_between(options, round);
            put_round_number(datagram, round);
            ++report.sent;
            bool answered = false;
            for (unsigned attempt = 0; attempt <= options.retries && !answered; ++attempt) {
                report.retries += attempt > 0 ? 1 : 0;
                const auto start = std::chrono::steady_clock::now();
                const IoResult sent = send_datagram(socket.fd(), datagram);
                if (sent.status == IoStatus::error) {
                    throw std::system_error(sent.error, std::generic_category(), "send to " + name);
                }
                status.sent(name, datagram);
                const auto deadline = start + options.timeout;
                while (!answered) {
                    const auto left = std::chrono::ceil<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now());
                    if (left.count() <= 0 || !wait_for(socket.fd(), POLLIN, left)) {
                        break; // this try is lost; send again, or give the round up
                    }
                    const Received got = receive_datagram(socket.fd(), reply, 0);
                    if (got.io.status == IoStatus::would_block) {
                        continue;
                    }
                    if (got.io.status == IoStatus::error) {
                        // An ICMP error (nobody listens there) surfaces here; it is about the send.
                        throw std::system_error(got.io.error, std::generic_category(),
                                                "send to " + name);
                    }
                    const auto echo = std::span<const std::byte>(reply).first(got.io.bytes);
                    status.received(got.source.to_string(), echo);
                    if (!(got.source == server)) {
                        continue; // a stray datagram from someone else
                    }
                    if (accept(echo, got.size, round)) {
                        answered = true;
                        const std::chrono::duration<double, std::micro> rtt =
                            std::chrono::steady_clock::now() - start;
                        report.rtt_us.push_back(rtt.count());
                        if (options.verbose && !options.json) {
                            print(round_line(datagram.size(), name, round, rtt.count()));
                        }
                    }
                }
            }
        }
    } catch (const MismatchError& error) {
        print_report(options, report);
        status.error(error.what());
        return exit_failure;
    } catch (const std::exception&) {
        print_report(options, report);
        throw;
    }
    print_report(options, report);
    if (report.echoed < report.sent) {
        status.error(std::to_string(report.sent - report.echoed) + " of " +
                     plural(report.sent, "round") + " got no echo");
        return exit_failure;
    }
    return exit_ok;
}

} // namespace echo
