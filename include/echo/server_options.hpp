// SPDX-License-Identifier: MIT
#pragma once

#include "echo/cli.hpp"

#include <string>

namespace echo {

struct ServerOptions : CommonOptions {
    bool udp = false;   // echo datagrams to every sender instead of one TCP peer's stream
    bool splice = true; // --no-splice: echo through our own buffer, never splice(2)
};

// Parses echo-server's command line; throws UsageError and never exits. Not thread-safe: it uses
// getopt_long(3), whose state it resets first.
ServerOptions parse_server_options(int argc, char* argv[]);

std::string server_usage();

} // namespace echo
