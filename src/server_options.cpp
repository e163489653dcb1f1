// SPDX-License-Identifier: MIT
#include "echo/server_options.hpp"

#include <getopt.h>

namespace echo {

std::string server_usage() {
    return "Usage: echo-server [OPTION]...\n"
           "Echo every byte a TCP peer sends back to it, until it closes. With --udp, echo\n"
           "every datagram back to whoever sent it, for any number of senders, until\n"
           "stopped.\n"
           "\n"
           "  -H, --host HOST     address or name to listen on (default localhost;\n"
           "                      every address of the name is served)\n"
           "  -p, --port PORT     port to listen on, 0 for any free port (default 1234)\n"
           "  -4                  IPv4 only\n"
           "  -6                  IPv6 only\n"
           "  -u, --udp           UDP: answer each datagram with the same datagram, for\n"
           "                      every sender, until SIGINT or SIGTERM; never answers\n"
           "                      source ports 0, 7, 13, 19, 37 or its own address\n"
           "                      (echo loops)\n"
           "  -v, --verbose       show every chunk or datagram received and sent, with a\n"
           "                      hexdump, and each connection's events, on stderr\n"
           "  -q, --quiet         print errors only\n"
           "      --no-splice     echo through a user-space buffer (read/write) instead of\n"
           "                      splice(2); for comparison and for kernels that misbehave\n"
           "  -h, --help          show this help and exit\n"
           "  -V, --version       show the version and exit\n"
           "\n"
           "Exit status: 0 success, 1 runtime failure, 2 bad usage.\n";
}

ServerOptions parse_server_options(int argc, char* argv[]) {
    constexpr int no_splice = 0x120; // long only: past every short option's character
    static const option long_options[] = {
        {"host", required_argument, nullptr, 'H'},
        {"port", required_argument, nullptr, 'p'},
        {"udp", no_argument, nullptr, 'u'},
        {"quiet", no_argument, nullptr, 'q'},
        {"verbose", no_argument, nullptr, 'v'},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, 'V'},
        {"no-splice", no_argument, nullptr, no_splice},
        {nullptr, 0, nullptr, 0},
    };
    ServerOptions options;
    optind = 0; // glibc: 0 starts a fresh parse
    opterr = 0;
    for (;;) {
        const int option = getopt_long(argc, argv, ":H:p:46uqvhV", long_options, nullptr);
        if (option == -1) {
            break;
        }
        if (option == ':') {
            throw UsageError("option " + rejected_option(argc, argv, true) + " needs a value");
        }
        if (option == 'u') {
            options.udp = true;
        } else if (option == no_splice) {
            options.splice = false;
        } else if (!apply_common_option(option, optarg, true, options)) {
            throw UsageError(rejection(argc, argv, long_options));
        }
    }
    if (optind < argc) {
        throw UsageError("unexpected argument '" + std::string(argv[optind]) + "'");
    }
    check_common_options(options);
    return options;
}

} // namespace echo
