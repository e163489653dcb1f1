// SPDX-License-Identifier: MIT
#pragma once

#include "echo/resolve.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

struct option; // <getopt.h>

namespace echo {

// Bad command-line usage: main prints "program: what() (try --help)" and exits 2.
class UsageError final : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Exit codes shared by both programs.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

inline constexpr const char* default_host = "localhost";

// The options both programs share. -H is each program's own: the server takes several.
struct CommonOptions {
    std::uint16_t port = 1234;
    Family family = Family::any;
    bool quiet = false;
    bool verbose = false;  // -v: show what crosses the wire on stderr
    bool explain = false;  // --explain: show each socket call on stderr (explain_calls.hpp)
    std::string unix_path; // --unix: a Unix-domain socket ("@name": abstract) instead of IP
    bool help = false;
    bool version = false;
};

// The value of -H: a host name or address, not empty, or UsageError.
std::string parse_host(std::string_view text);

// The longest --unix path (its NUL fills sun_path) or abstract name (after the '@').
inline constexpr std::size_t max_unix_name = 107;

// The value of --unix: a path, or "@name", not empty and short enough, or UsageError.
std::string parse_unix_path(std::string_view text);

// A whole decimal number in 1..65535 (0..65535 when `allow_zero`), or UsageError.
std::uint16_t parse_port(std::string_view text, bool allow_zero);

// A duration as a person reads it: "1 s", "0.5 s" (to the millisecond, no trailing zeros).
std::string seconds_text(std::chrono::milliseconds duration);

// A decimal number of seconds such as 10 or 0.5, greater than 0 (or 0 itself when `allow_zero`)
// and at most one day, rounded up to whole milliseconds, or UsageError naming `option`.
std::chrono::milliseconds parse_seconds(std::string_view text, std::string_view option,
                                        bool allow_zero = false);

// A whole decimal number in min..max, or UsageError naming `option`.
std::uint64_t parse_count(std::string_view text, std::string_view option, std::uint64_t min,
                          std::uint64_t max);

// The value getopt_long(3) returns for --explain, which has no short form.
inline constexpr int explain_option = 0x180;

// The value getopt_long(3) returns for --unix, which has no short form.
inline constexpr int unix_option = 0x181;

// Applies one of the shared options (-p -4 -6 -q -v --explain --unix -h -V) and returns true, or
// returns false when `option` is not one of them. -4 after -6 (or -6 after -4) is a UsageError.
bool apply_common_option(int option, const char* value, bool allow_port_zero,
                         CommonOptions& options);

// The checks on the shared options once all are parsed: -q excludes -v and --explain.
void check_common_options(const CommonOptions& options);

// The option getopt_long(3) just rejected (as unknown, or for its missing value), as the user
// typed it: "-x" or "--bogus".
std::string rejected_option(int argc, char* const argv[], bool missing_value);

// The complaint about the option getopt_long(3) just rejected as unknown: "unknown option -x",
// "unknown option --bogus", or "option --quiet takes no value" for "--quiet=1".
std::string rejection(int argc, char* const argv[], const option* long_options);

std::string version_line(std::string_view program);

} // namespace echo
