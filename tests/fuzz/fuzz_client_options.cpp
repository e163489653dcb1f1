// SPDX-License-Identifier: MIT
// echo-client's command line from fuzz input (words split on NUL bytes): every argv either
// parses, within the documented bounds, or throws UsageError, the same way every time.
#include "fuzz_options.hpp"

#include "client_options.hpp"

using std::chrono::hours;
using std::chrono::milliseconds;
using namespace std::string_view_literals;

namespace {

using echo::ClientOptions;
using Parsed = echo::fuzz::Parsed<ClientOptions>;

Parsed parse(std::string_view words) {
    return echo::fuzz::parse_words<ClientOptions>("echo-client", words, echo::parse_client_options);
}

bool same(const ClientOptions& a, const ClientOptions& b) {
    return echo::fuzz::same_common(a, b) && a.host == b.host && a.udp == b.udp &&
           a.timeout == b.timeout && a.retries == b.retries && a.stream == b.stream &&
           a.message == b.message && a.count == b.count && a.size == b.size &&
           a.interval == b.interval && a.json == b.json && a.interactive == b.interactive;
}

bool names_a_host(const ClientOptions& options) {
    return !options.host.empty();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = echo::fuzz::as_text(data, size);
    const Parsed first = parse(input);
    echo::fuzz::require_sane(first, names_a_host);
    if (first.ok) {
        const ClientOptions& options = first.options;
        if (options.port == 0 || options.timeout < milliseconds(1) || options.timeout > hours(24) ||
            (options.stream && options.message != echo::greeting)) {
            std::abort();
        }
    }

    // A known command line in between must parse as always, whatever the fuzz input left behind.
    const Parsed known = parse("-t\0"
                               "0.25\0hello\0--port=9\0world"sv);
    if (!known.ok || known.options.timeout != milliseconds(250) || known.options.port != 9 ||
        known.options.message != "hello world" || known.options.stream) {
        std::abort();
    }

    echo::fuzz::require_same(first, parse(input), same);
    return 0;
}
