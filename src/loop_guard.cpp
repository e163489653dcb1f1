// SPDX-License-Identifier: MIT
#include "echo/loop_guard.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

namespace echo {

std::optional<std::string> loop_risk(const Address& source, std::span<const Address> own) {
    static constexpr std::array<std::pair<std::uint16_t, std::string_view>, 5> risky{{
        {0, "no service"},
        {7, "echo"},
        {13, "daytime"},
        {19, "chargen"},
        {37, "time"},
    }};
    const std::uint16_t port = source.port();
    for (const auto& [risky_port, service] : risky) {
        if (port == risky_port) {
            return "source port " + std::to_string(port) + " (" + std::string(service) + ")";
        }
    }
    if (std::find(own.begin(), own.end(), source) != own.end()) {
        return "our own address";
    }
    return std::nullopt;
}

} // namespace echo
