// SPDX-License-Identifier: MIT
#include "echo/round_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace echo {

namespace {

std::string fixed(double value, int decimals = 1) {
    char text[64];
    std::snprintf(text, sizeof(text), "%.*f", decimals, value);
    return text;
}

double loss_percent(const RoundReport& report) {
    if (report.sent == 0) {
        return 0;
    }
    return 100.0 * static_cast<double>(report.sent - report.echoed) /
           static_cast<double>(report.sent);
}

// Payload bytes echoed per second of round-trip time: what one-in-flight ping-pong moves.
double throughput(const RoundReport& report) {
    const double busy_us = std::accumulate(report.rtt_us.begin(), report.rtt_us.end(), 0.0);
    if (busy_us <= 0) {
        return 0;
    }
    return static_cast<double>(report.payload_bytes) * static_cast<double>(report.echoed) * 1e6 /
           busy_us;
}

} // namespace

RttSummary summarize(std::vector<double> rtt_us) {
    RttSummary summary;
    if (rtt_us.empty()) {
        return summary;
    }
    std::sort(rtt_us.begin(), rtt_us.end());
    const std::size_t n = rtt_us.size();
    summary.min = rtt_us.front();
    summary.max = rtt_us.back();
    summary.avg = std::accumulate(rtt_us.begin(), rtt_us.end(), 0.0) / static_cast<double>(n);
    summary.median = n % 2 == 1 ? rtt_us[n / 2] : (rtt_us[n / 2 - 1] + rtt_us[n / 2]) / 2;
    const auto rank = static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(n)));
    summary.p99 = rtt_us[std::max<std::size_t>(rank, 1) - 1];
    double squares = 0;
    for (const double rtt : rtt_us) {
        squares += (rtt - summary.avg) * (rtt - summary.avg);
    }
    summary.stddev = std::sqrt(squares / static_cast<double>(n));
    return summary;
}

std::string format_summary(const RoundReport& report) {
    const RttSummary rtt = summarize(report.rtt_us);
    std::string out = "--- " + report.server + " " + report.protocol + " echo statistics ---\n";
    out +=
        std::to_string(report.sent) + " rounds sent, " + std::to_string(report.echoed) + " echoed";
    if (report.protocol == "udp") {
        out += ", " + fixed(loss_percent(report)) + "% loss, " + std::to_string(report.duplicates) +
               " duplicates, " + std::to_string(report.reordered) + " reordered, " +
               std::to_string(report.retries) + " retries";
    }
    out += ", " + std::to_string(report.payload_bytes) + " bytes each\n";
    out += "rtt min/avg/median/p99/max/stddev = " + fixed(rtt.min) + "/" + fixed(rtt.avg) + "/" +
           fixed(rtt.median) + "/" + fixed(rtt.p99) + "/" + fixed(rtt.max) + "/" +
           fixed(rtt.stddev) + " us\n";
    out += "throughput " + fixed(throughput(report), 0) + " bytes/s each way\n";
    return out;
}

std::string format_json(const RoundReport& report) {
    const RttSummary rtt = summarize(report.rtt_us);
    std::string out = "{";
    out += "\"server\":\"" + report.server + "\",";
    out += "\"protocol\":\"" + report.protocol + "\",";
    out += "\"rounds_sent\":" + std::to_string(report.sent) + ",";
    out += "\"rounds_echoed\":" + std::to_string(report.echoed) + ",";
    out += "\"loss_percent\":" + fixed(loss_percent(report), 3) + ",";
    out += "\"duplicates\":" + std::to_string(report.duplicates) + ",";
    out += "\"reordered\":" + std::to_string(report.reordered) + ",";
    out += "\"retries\":" + std::to_string(report.retries) + ",";
    out += "\"payload_bytes\":" + std::to_string(report.payload_bytes) + ",";
    out += "\"rtt_us\":{\"min\":" + fixed(rtt.min, 3) + ",\"avg\":" + fixed(rtt.avg, 3) +
           ",\"median\":" + fixed(rtt.median, 3) + ",\"p99\":" + fixed(rtt.p99, 3) +
           ",\"max\":" + fixed(rtt.max, 3) + ",\"stddev\":" + fixed(rtt.stddev, 3) + "},";
    out += "\"throughput_bytes_per_second\":" + fixed(throughput(report), 0);
    out += "}\n";
    return out;
}

} // namespace echo
