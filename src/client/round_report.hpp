// SPDX-License-Identifier: MIT
#pragma once

#include "rtt_histogram.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace echo {

struct RttSummary {
    double min = 0;
    double avg = 0;
    double median = 0; // percentiles by nearest rank, within 0.4% (see RttHistogram)
    double p90 = 0;
    double p95 = 0;
    double p99 = 0;
    double p99_9 = 0;
    double max = 0;
    double stddev = 0; // population
};

// The figures of the round trips recorded; all zeros when there are none.
RttSummary summarize(const RttHistogram& rtt);

// What a measuring run (echo-client -c) saw.
struct RoundReport {
    std::string server;               // 127.0.0.1:1234
    std::string protocol;             // "tcp", "udp", "unix-stream" or "unix-dgram"
    std::uint64_t sent = 0;           // rounds sent (UDP: not counting retries)
    std::uint64_t echoed = 0;         // rounds whose echo came back intact
    std::uint64_t duplicates = 0;     // UDP: echoes of a round already echoed
    std::uint64_t reordered = 0;      // UDP: echoes of an earlier round that arrived late
    std::uint64_t retries = 0;        // UDP: datagrams sent again after a timeout
    std::uint64_t too_old = 0;        // UDP: echoes of a round too far back to check (see -c)
    std::size_t payload_bytes = 0;    // bytes each way per round (UDP: the datagram's size)
    std::optional<double> connect_us; // TCP: what connecting took (a UDP connect sends nothing)
    RttHistogram rtt;                 // microseconds, one per echoed round
};

// The ping-style summary for stdout:
//   --- 127.0.0.1:1234 tcp echo statistics ---
//   10 rounds sent, 10 echoed, 15 bytes each
//   connect 61.2 us
//   rtt min/avg/median/p90/p95/p99/p99.9/max/stddev = 41.0/52.3/50.1/80.2/97.6/98.0/98.0/98.0/14.2
//   us throughput 286806 bytes/s (2.29 Mbit/s) each way
std::string format_summary(const RoundReport& report);

// The same figures as one JSON object and a newline.
std::string format_json(const RoundReport& report);

} // namespace echo
