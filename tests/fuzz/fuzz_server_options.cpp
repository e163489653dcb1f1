// SPDX-License-Identifier: MIT
// echo-server's command line from fuzz input (words split on NUL bytes): every argv either
// parses or throws UsageError, the same way every time.
#include "fuzz_options.hpp"

#include "server_options.hpp"

#include <algorithm>

using namespace std::string_view_literals;

namespace {

using echo::ServerOptions;
using Parsed = echo::fuzz::Parsed<ServerOptions>;

Parsed parse(std::string_view words) {
    return echo::fuzz::parse_words<ServerOptions>("echo-server", words, echo::parse_server_options);
}

bool same(const ServerOptions& a, const ServerOptions& b) {
    return echo::fuzz::same_common(a, b) && a.hosts == b.hosts && a.udp == b.udp &&
           a.keep_open == b.keep_open && a.max_clients == b.max_clients &&
           a.idle_timeout == b.idle_timeout && a.splice == b.splice;
}

bool names_a_host(const ServerOptions& options) {
    return !options.hosts.empty() &&
           std::none_of(options.hosts.begin(), options.hosts.end(),
                        [](const std::string& host) { return host.empty(); });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = echo::fuzz::as_text(data, size);
    const Parsed first = parse(input);
    echo::fuzz::require_sane(first, names_a_host);

    // A known command line in between must parse as always, whatever the fuzz input left behind.
    const Parsed known = parse("-q\0-p\0"
                               "7\0--host=::1\0-6"sv);
    if (!known.ok || !known.options.quiet || known.options.port != 7 ||
        known.options.hosts != std::vector<std::string>{"::1"} ||
        known.options.family != echo::Family::ipv6) {
        std::abort();
    }

    echo::fuzz::require_same(first, parse(input), same);
    return 0;
}
