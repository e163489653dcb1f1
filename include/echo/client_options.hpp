// SPDX-License-Identifier: MIT
#pragma once

#include "echo/cli.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace echo {

inline constexpr const char* greeting = "Hola, servidor!";

// The largest payload -s accepts: the client holds it and its echo in memory.
inline constexpr std::size_t max_payload_size = 64 * 1024 * 1024;

struct ClientOptions : CommonOptions {
    std::chrono::milliseconds timeout{10000};
    bool stream = false; // "-": standard input to the server, the echo to standard output
    std::string message = greeting; // the words given, joined by single spaces

    // Measuring (-c, -s, --interval, --json): `count` rounds of the payload, statistics on stdout.
    std::uint64_t count = 0; // 0: not measuring
    std::optional<std::size_t> size;
    std::chrono::milliseconds interval{0};
    bool json = false;

    bool interactive = false; // -i: a prompt; each line typed is sent and its echo shown

    [[nodiscard]] bool measuring() const noexcept { return count > 0; }
};

// Parses echo-client's command line; throws UsageError and never exits. Not thread-safe: it uses
// getopt_long(3), whose state it resets first.
ClientOptions parse_client_options(int argc, char* argv[]);

std::string client_usage();

} // namespace echo
