// SPDX-License-Identifier: MIT
#pragma once

// How both programs end before and after their work: the same lines and exit codes in each.

#include "cli.hpp"
#include "status.hpp"

#include <exception>
#include <optional>
#include <string>

namespace echo {

// Prints the one error line for what ended the program and returns its exit code: a UsageError
// (options that do not fit, found late) is "... (try --help)" and exit_usage; anything else
// its cause, translated, and exit_failure.
int report_failure(const std::exception& error, const Status& status);

// Prints the usage error of a parse ("... (try --help)"), or the help or the version text the
// options ask for, and returns the exit code; nothing when the program has work to do.
template <typename Options>
std::optional<int> parse_command_line(const char* program, int argc, char* argv[],
                                      Options (*parse)(int, char*[]), std::string (*usage)(),
                                      Options& options) {
    try {
        options = parse(argc, argv);
    } catch (const UsageError& error) {
        return report_failure(error, Status(program, false));
    }
    if (options.help || options.version) {
        const std::string text = options.help ? usage() : version_line(program);
        return Status(program, false).print(text) ? exit_ok : exit_failure;
    }
    return std::nullopt;
}

} // namespace echo
