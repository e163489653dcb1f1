// SPDX-License-Identifier: MIT
#include "echo/client_modes.hpp"
#include "echo/connection_trace.hpp"
#include "echo/exchange.hpp"
#include "echo/io.hpp"
#include "echo/round_report.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <system_error>
#include <thread>

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
        if (round > 1 && options.interval.count() > 0) {
            std::this_thread::sleep_for(options.interval);
        }
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

} // namespace echo
