// SPDX-License-Identifier: MIT
// Measuring over TCP (-c, -s): every round over one connection, one message and its whole echo
// at a time.
#include "client_modes.hpp"
#include "connection_trace.hpp"
#include "echo/io.hpp"
#include "echo_failure.hpp"
#include "exchange.hpp"
#include "i18n.hpp"
#include "measure.hpp"
#include "standard_descriptors.hpp"
#include "stop.hpp"

#include <algorithm>
#include <chrono>
#include <span>

namespace echo {

namespace {
using Clock = std::chrono::steady_clock;
} // namespace

int measure_rounds(const ClientOptions& options, Socket socket, const Address& server,
                   const Status& status, std::chrono::steady_clock::duration connect_time) {
    const std::string payload = options.size ? pattern_payload(*options.size) : options.message;
    std::string echo(payload.size(), '\0');
    ConnectionTrace trace(status, server.to_string());
    RoundReport report;
    report.server = server.to_string();
    report.protocol = server.family() == AF_UNIX ? "unix-stream" : "tcp";
    report.payload_bytes = payload.size();
    report.connect_us = std::chrono::duration<double, std::micro>(connect_time).count();

    // All rounds over this one connection: what is measured is the echo, not the handshake.
    install_stop_handlers();
    bool stopped = false;
    for (std::uint64_t round = 1; round <= options.count; ++round) {
        if (!pause_between(options, round)) {
            stopped = true;
            break;
        }
        ++report.sent;
        const auto start = Clock::now();
        try {
            if (!exchange(socket.fd(), std::as_bytes(std::span(payload)),
                          std::as_writable_bytes(std::span(echo)), options.timeout, trace, false,
                          stop_fd())) {
                --report.sent; // the round the stop cut short is not counted
                stopped = true;
                break;
            }
        } catch (const std::exception&) {
            print_report(options, report); // the rounds so far, then main prints the cause
            throw;
        }
        const std::chrono::duration<double, std::micro> rtt = Clock::now() - start;

        const auto [differs, unused] = std::mismatch(payload.begin(), payload.end(), echo.begin());
        if (differs != payload.end()) {
            print_report(options, report);
            throw EchoFailure(
                fill(tr("echo mismatch at byte %s of round %s"),
                     {std::to_string(differs - payload.begin() + 1), std::to_string(round)}));
        }
        ++report.echoed;
        report.rtt.record(rtt.count());
        if (options.verbose && !options.json) {
            write_standard_output(round_line(payload.size(), report.server, round, rtt.count()));
        }
    }
    shutdown_write(socket.fd());
    trace.closed_write();
    trace.ended(stopped ? tr("stopped") : tr("all rounds echoed"));
    print_report(options, report);
    fail_if_stopped_empty(stopped, report);
    return exit_ok;
}

} // namespace echo
