// SPDX-License-Identifier: MIT
#pragma once

#include "echo/cli.hpp"

#include <chrono>
#include <string>

namespace echo {

inline constexpr const char* greeting = "Hola, servidor!";

struct ClientOptions : CommonOptions {
    std::chrono::milliseconds timeout{10000};
    bool stream = false; // "-": standard input to the server, the echo to standard output
    std::string message = greeting; // the words given, joined by single spaces
};

// Parses echo-client's command line; throws UsageError and never exits. Not thread-safe: it uses
// getopt_long(3), whose state it resets first.
ClientOptions parse_client_options(int argc, char* argv[]);

std::string client_usage();

} // namespace echo
