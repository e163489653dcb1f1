// SPDX-License-Identifier: MIT
#include "round_report.hpp"
#include "i18n.hpp"

#include "status.hpp"

#include <cstdio>

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
    const double busy_us = report.rtt.sum();
    if (busy_us <= 0) {
        return 0;
    }
    return static_cast<double>(report.payload_bytes) * static_cast<double>(report.echoed) * 1e6 /
           busy_us;
}

double megabits(double bytes_per_second) {
    return bytes_per_second * 8 / 1e6;
}

} // namespace

RttSummary summarize(const RttHistogram& rtt) {
    RttSummary summary;
    summary.min = rtt.min();
    summary.avg = rtt.mean();
    summary.median = rtt.percentile(50);
    summary.p90 = rtt.percentile(90);
    summary.p95 = rtt.percentile(95);
    summary.p99 = rtt.percentile(99);
    summary.p99_9 = rtt.percentile(99.9);
    summary.max = rtt.max();
    summary.stddev = rtt.stddev();
    return summary;
}

std::string format_summary(const RoundReport& report) {
    const RttSummary rtt = summarize(report.rtt);
    // TRANSLATORS: the first %s is the server's address, the second its protocol (tcp, udp,
    // unix-stream, unix-dgram).
    std::string out = fill(tr("--- %s %s echo statistics ---"), {report.server, report.protocol});
    out += '\n';
    out += fill(tr_plural("%s round sent, %s echoed", "%s rounds sent, %s echoed", report.sent),
                {std::to_string(report.sent), std::to_string(report.echoed)});
    if (report.protocol == "udp" || report.protocol == "unix-dgram") {
        out += fill(tr(", %s%% loss, %s, %s reordered, %s"),
                    {fixed(loss_percent(report)),
                     plural(report.duplicates, "%s duplicate", "%s duplicates"),
                     std::to_string(report.reordered),
                     plural(report.retries, "%s retry", "%s retries")});
        if (report.too_old > 0) {
            out += fill(tr_plural(", %s too old to check", ", %s too old to check", report.too_old),
                        {std::to_string(report.too_old)});
        }
    }
    out += fill(tr(", %s each"), {plural(report.payload_bytes, "%s byte", "%s bytes")});
    out += '\n';
    if (report.connect_us) {
        out += fill(tr("connect %s us"), {fixed(*report.connect_us)});
        out += '\n';
    }
    std::string figures;
    for (const double figure : {rtt.min, rtt.avg, rtt.median, rtt.p90, rtt.p95, rtt.p99, rtt.p99_9,
                                rtt.max, rtt.stddev}) {
        if (!figures.empty()) {
            figures += '/';
        }
        figures += fixed(figure);
    }
    out += fill(tr("rtt min/avg/median/p90/p95/p99/p99.9/max/stddev = %s us"), {figures});
    out += '\n';
    const double bytes_per_second = throughput(report);
    out += fill(tr("throughput %s bytes/s (%s Mbit/s) each way"),
                {fixed(bytes_per_second, 0), fixed(megabits(bytes_per_second), 2)});
    out += '\n';
    return out;
}

std::string format_json(const RoundReport& report) {
    const RttSummary rtt = summarize(report.rtt);
    std::string out = "{";
    out += R"("server":")" + report.server + R"(",)";
    out += R"("protocol":")" + report.protocol + R"(",)";
    out += "\"rounds_sent\":" + std::to_string(report.sent) + ",";
    out += "\"rounds_echoed\":" + std::to_string(report.echoed) + ",";
    out += "\"loss_percent\":" + fixed(loss_percent(report), 3) + ",";
    out += "\"duplicates\":" + std::to_string(report.duplicates) + ",";
    out += "\"reordered\":" + std::to_string(report.reordered) + ",";
    out += "\"retries\":" + std::to_string(report.retries) + ",";
    out += "\"too_old\":" + std::to_string(report.too_old) + ",";
    out += "\"payload_bytes\":" + std::to_string(report.payload_bytes) + ",";
    if (report.connect_us) {
        out += "\"connect_us\":" + fixed(*report.connect_us, 3) + ",";
    }
    out += R"("rtt_us":{"min":)" + fixed(rtt.min, 3) + ",\"avg\":" + fixed(rtt.avg, 3) +
           ",\"median\":" + fixed(rtt.median, 3) + ",\"p90\":" + fixed(rtt.p90, 3) +
           ",\"p95\":" + fixed(rtt.p95, 3) + ",\"p99\":" + fixed(rtt.p99, 3) +
           ",\"p99_9\":" + fixed(rtt.p99_9, 3) + ",\"max\":" + fixed(rtt.max, 3) +
           ",\"stddev\":" + fixed(rtt.stddev, 3) + "},";
    const double bytes_per_second = throughput(report);
    out += "\"throughput_bytes_per_second\":" + fixed(bytes_per_second, 0) + ",";
    out += "\"throughput_mbit_per_second\":" + fixed(megabits(bytes_per_second), 6);
    out += "}\n";
    return out;
}

} // namespace echo
