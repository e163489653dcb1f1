// SPDX-License-Identifier: MIT
#pragma once

#include "catch.hpp"

#include <sstream>
#include <string>
#include <vector>

namespace echo::test {

// Six figures of a summary's "rtt min/avg/median/p90/p95/p99/p99.9/max/stddev = ... us" line:
// min, avg, median, p99, max, stddev, in that order.
inline std::vector<double> rtt_figures(const std::string& summary) {
    const std::string marker = "rtt min/avg/median/p90/p95/p99/p99.9/max/stddev = ";
    const std::size_t at = summary.find(marker);
    REQUIRE(at != std::string::npos);
    std::istringstream in(summary.substr(at + marker.size()));
    std::vector<double> all(9);
    char slash = 0;
    in >> all[0];
    for (std::size_t i = 1; i < all.size(); ++i) {
        in >> slash >> all[i];
    }
    REQUIRE(in);
    return {all[0], all[1], all[2], all[5], all[7], all[8]};
}

} // namespace echo::test
