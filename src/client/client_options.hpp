// SPDX-License-Identifier: MIT
#pragma once

#include "cli.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace echo {

inline constexpr const char* greeting = "Hola, servidor!";

// -t's default: TCP waits for a connection and for each part of the echo; UDP resends instead.
inline constexpr std::chrono::milliseconds tcp_default_timeout{10000};
inline constexpr std::chrono::milliseconds udp_default_timeout{1000};
inline constexpr unsigned udp_default_retries = 2;
inline constexpr unsigned max_retries = 100;

// Measuring over UDP, each datagram starts with its round number in this many bytes (counted in
// -s, the datagram's size).
inline constexpr std::size_t udp_round_number_size = 8;

// Measuring over UDP, the client remembers which of the last this many rounds were echoed (a bit
// each), to count duplicates and late echoes; an echo of an older round counts as "too old".
inline constexpr std::uint64_t udp_round_window = 65536;

// The largest payload -s accepts: the client holds it and its echo in memory.
inline constexpr std::size_t max_payload_size = 64 * 1024 * 1024;

struct ClientOptions : CommonOptions {
    std::string host = default_host; // one server: -H given twice is a usage error
    bool udp = false;
    std::chrono::milliseconds timeout = tcp_default_timeout; // udp_default_timeout with --udp
    unsigned retries = udp_default_retries; // UDP: resends of an unanswered datagram
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

// The most bytes one UDP datagram to this server can carry, known before the name is resolved:
// IPv6's limit when the address can only be IPv6 (-6, or an IPv6 address as the host), else
// IPv4's, the smaller one.
std::size_t udp_payload_limit(const ClientOptions& options);

// Parses echo-client's command line; throws UsageError and never exits. Not thread-safe: it uses
// getopt_long(3), whose state it resets first.
ClientOptions parse_client_options(int argc, char* argv[]);

std::string client_usage();

} // namespace echo
