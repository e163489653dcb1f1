// SPDX-License-Identifier: MIT
#pragma once

// What the two measuring modes share (measure_tcp.cpp, measure_udp.cpp): the report, the pause
// between rounds, and the waits that a stop request (SIGINT, SIGTERM) cuts short.

#include "client_options.hpp"
#include "echo/io.hpp"
#include "round_report.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace echo {

// The statistics (or --json) on standard output.
void print_report(const ClientOptions& options, const RoundReport& report);

// -v's line for one round, as ping prints it.
std::string round_line(std::size_t bytes, const std::string& server, std::uint64_t round,
                       double rtt_us);

// Waits for `events` on `fd` (none when fd is -1) until `deadline`; a stop request (SIGINT,
// SIGTERM: see install_stop_handlers) ends every wait of a measuring run at once.
Wakeup wait_until(int fd, short events, std::chrono::steady_clock::time_point deadline);

// The pause of --interval before every round but the first; false when a stop cut it short.
bool pause_between(const ClientOptions& options, std::uint64_t round);

// The end of a run cut short by a stop (ping's convention): the figures of the rounds done so
// far are out; the run ends as a finished one would, but without a single echo it failed.
void fail_if_stopped_empty(bool stopped, const RoundReport& report);

} // namespace echo
