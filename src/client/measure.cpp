// SPDX-License-Identifier: MIT
#include "measure.hpp"
#include "i18n.hpp"

#include "client_modes.hpp"
#include "echo_failure.hpp"
#include "standard_descriptors.hpp"
#include "stop.hpp"

#include <algorithm>
#include <cstdio>

namespace echo {

namespace {
using Clock = std::chrono::steady_clock;
} // namespace

void print_report(const ClientOptions& options, const RoundReport& report) {
    write_standard_output(options.json ? format_json(report) : format_summary(report));
}

std::string round_line(std::size_t bytes, const std::string& server, std::uint64_t round,
                       double rtt_us) {
    char time[32];
    std::snprintf(time, sizeof(time), "%.1f", rtt_us);
    // TRANSLATORS: as ping(8) prints a reply: bytes, server, round number, time.
    return fill(tr_plural("%s byte from %s: round=%s time=%s us",
                          "%s bytes from %s: round=%s time=%s us", bytes),
                {std::to_string(bytes), server, std::to_string(round), time}) +
           "\n";
}

Wakeup wait_until(int fd, short events, Clock::time_point deadline) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    return wait_for(fd, events, std::max(left, std::chrono::milliseconds(0)), stop_fd());
}

bool pause_between(const ClientOptions& options, std::uint64_t round) {
    if (round > 1 && options.interval.count() > 0) {
        return wait_until(-1, 0, Clock::now() + options.interval) != Wakeup::stopped;
    }
    return !stop_requested();
}

void fail_if_stopped_empty(bool stopped, const RoundReport& report) {
    if (stopped && report.echoed == 0) {
        throw EchoFailure(tr("stopped before any echo came back"));
    }
}

std::string pattern_payload(std::size_t size) {
    std::string payload(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        payload[i] = static_cast<char>('a' + i % 26);
    }
    return payload;
}

} // namespace echo
