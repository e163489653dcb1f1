// SPDX-License-Identifier: MIT
#pragma once

#include "catch.hpp"

#include <sstream>
#include <string>
#include <vector>

namespace echo::test {

// The six figures of a summary's "rtt min/avg/median/p99/max/stddev = a/b/c/d/e/f us" line.
inline std::vector<double> rtt_figures(const std::string& summary) {
    const std::string marker = "rtt min/avg/median/p99/max/stddev = ";
    const std::size_t at = summary.find(marker);
    REQUIRE(at != std::string::npos);
    std::istringstream in(summary.substr(at + marker.size()));
    std::vector<double> figures(6);
    char slash = 0;
    in >> figures[0];
    for (std::size_t i = 1; i < 6; ++i) {
        in >> slash >> figures[i];
    }
    REQUIRE(in);
    return figures;
}

} // namespace echo::test
