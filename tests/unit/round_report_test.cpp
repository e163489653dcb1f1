// SPDX-License-Identifier: MIT
#include "catch.hpp"

#include "round_report.hpp"

#include <string>
#include <vector>

namespace {

echo::RttHistogram histogram(const std::vector<double>& rtt_us) {
    echo::RttHistogram recorded;
    for (const double us : rtt_us) {
        recorded.record(us);
    }
    return recorded;
}

} // namespace

TEST_CASE("RTT summaries: min, median and max in order", "[trace]") {
    const echo::RttSummary one = echo::summarize(histogram({5}));
    CHECK(one.min == 5);
    CHECK(one.median == 5);
    CHECK(one.p99 == 5);
    CHECK(one.stddev == 0);
    const echo::RttSummary four = echo::summarize(histogram({4, 1, 3, 2}));
    CHECK(four.min == 1);
    CHECK(four.median == Approx(2).epsilon(0.004)); // nearest rank, as a bucket knows it
    CHECK(four.avg == 2.5);
    CHECK(four.max == 4);
    CHECK(four.p99 == 4);
    std::vector<double> hundred;
    for (int i = 1; i <= 100; ++i) {
        hundred.push_back(i);
    }
    CHECK(echo::summarize(histogram(hundred)).p99 == Approx(99).epsilon(0.004));
    CHECK(echo::summarize(histogram({})).max == 0);
}

TEST_CASE("The summary reads like ping's", "[trace]") {
    echo::RoundReport report;
    report.server = "127.0.0.1:1234";
    report.protocol = "udp";
    report.sent = 10;
    report.echoed = 7;
    report.payload_bytes = 100;
    report.rtt = histogram({10, 20, 30, 40, 50, 60, 70});
    const std::string text = echo::format_summary(report);
    CHECK(text.rfind("--- 127.0.0.1:1234 udp echo statistics ---\n", 0) == 0);
    CHECK(text.find("10 rounds sent, 7 echoed, 30.0% loss") != std::string::npos);
    CHECK(text.find("rtt min/avg/median/p90/p95/p99/p99.9/max/stddev = "
                    "10.0/40.0/40.1/70.0/70.0/70.0/70.0/70.0/20.0 us") != std::string::npos);
    CHECK(text.find("throughput 2500000 bytes/s (20.00 Mbit/s) each way") != std::string::npos);
    CHECK(text.find("connect") == std::string::npos);
    report.connect_us = 61.25;
    CHECK(echo::format_summary(report).find("\nconnect 61.2 us\n") != std::string::npos);
    CHECK(echo::format_json(report).find("\"connect_us\":61.250,") != std::string::npos);
    const std::string json = echo::format_json(report);
    CHECK(json.find("\"loss_percent\":30.000") != std::string::npos);
    CHECK(json.find("\"rounds_echoed\":7") != std::string::npos);
    CHECK(json.find("\"throughput_mbit_per_second\":20.000000}") != std::string::npos);
}
