// SPDX-License-Identifier: MIT
#pragma once

#include "fuzz_argv.hpp"

#include "cli.hpp"

#include <cstdlib>
#include <string>
#include <string_view>

namespace echo::fuzz {

// What one parse gave: the options, or the usage error's text. Any other exception escapes and
// is a crash to libFuzzer.
template <typename Options>
struct Parsed {
    bool ok = false;
    Options options;
    std::string error;
};

template <typename Options, typename Parse>
Parsed<Options> parse_words(const char* program, std::string_view input, Parse parse) {
    Argv args(program, input);
    Parsed<Options> parsed;
    try {
        parsed.options = parse(args.argc(), args.argv());
        parsed.ok = true;
    } catch (const UsageError& error) {
        parsed.error = error.what();
    }
    return parsed;
}

inline bool same_common(const CommonOptions& a, const CommonOptions& b) {
    return a.port == b.port && a.family == b.family && a.quiet == b.quiet &&
           a.verbose == b.verbose && a.help == b.help && a.version == b.version;
}

// The parser keeps no state between calls (getopt_long's globals are reset by each parse): the
// same words give the same outcome after any other parse, and a parse that failed halfway
// leaves nothing behind for the next one.
template <typename Options>
void require_same(const Parsed<Options>& a, const Parsed<Options>& b,
                  bool (*same)(const Options&, const Options&)) {
    if (a.ok != b.ok || a.error != b.error || (a.ok && !same(a.options, b.options))) {
        std::abort();
    }
}

// Parsed options name a host; a usage error says what was wrong.
template <typename Options>
void require_sane(const Parsed<Options>& parsed, bool (*names_a_host)(const Options&)) {
    if ((parsed.ok && !names_a_host(parsed.options)) || (!parsed.ok && parsed.error.empty())) {
        std::abort();
    }
}

} // namespace echo::fuzz
