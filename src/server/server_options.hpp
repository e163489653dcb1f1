// SPDX-License-Identifier: MIT
#pragma once

#include "cli.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace echo {

struct ServerOptions : CommonOptions {
    std::vector<std::string> hosts{default_host}; // -H, as often as given: every one is served
    bool udp = false;       // echo datagrams to every sender instead of one TCP peer's stream
    bool keep_open = false; // -k: serve many peers, until stopped
    std::uint64_t max_clients = 256;                       // with -k: peers served at once
    std::optional<std::chrono::milliseconds> idle_timeout; // with -k: close a peer silent this long
    std::optional<std::uint64_t> max_per_address; // with -k: peers from one address at once
    std::optional<std::uint64_t> rate; // with --udp: datagrams a second echoed to one address
    bool splice = true;                // --no-splice: echo through our own buffer, never splice(2)
    // --read-size: read at most this many bytes per call (TCP: then never splice(2); UDP: a
    // longer datagram is cut to it, and the cut part is echoed); nullopt: the buffer's size.
    std::optional<std::size_t> read_size;
    // --inetd: serve the one connection (with --udp, the datagram socket) on standard input.
    bool inetd = false;
    std::optional<std::string> user; // --user: whom to become when started as root
    bool sandbox = true;             // --no-sandbox: no seccomp filter (valgrind, debuggers)
    bool address_given = false;      // -H, -p, -4 or -6: refused with --inetd and passed sockets
};

// The largest --read-size: one peer's buffer (256 KiB), and a datagram's (64 KiB) with --udp.
inline constexpr std::size_t max_tcp_read_size = 256 * 1024;
inline constexpr std::size_t max_udp_read_size = 65536;

// Parses echo-server's command line; throws UsageError and never exits. Not thread-safe: it uses
// getopt_long(3), whose state it resets first.
ServerOptions parse_server_options(int argc, char* argv[]);

std::string server_usage();

} // namespace echo
