// SPDX-License-Identifier: MIT
#include "echo/client_options.hpp"

#include <getopt.h>

namespace echo {

std::string client_usage() {
    return "Usage: echo-client [OPTION]... [WORD...]\n"
           "       echo-client [OPTION]... -\n"
           "Send a message to an echo server and print its echo.\n"
           "Without words the message is 'Hola, servidor!'; with words, the words joined by\n"
           "single spaces; with '-', standard input is streamed and the echo written to\n"
           "standard output.\n"
           "\n"
           "  -H, --host HOST     server name or address (default localhost; every address\n"
           "                      of the name is tried in turn)\n"
           "  -p, --port PORT     server port (default 1234)\n"
           "  -4                  IPv4 only\n"
           "  -6                  IPv6 only\n"
           "  -t, --timeout SEC   seconds to wait for the connection and for each part of\n"
           "                      the echo of a message (default 10; fractions allowed)\n"
           "  -q, --quiet         print errors only\n"
           "  -h, --help          show this help and exit\n"
           "  -V, --version       show the version and exit\n"
           "\n"
           "Exit status: 0 success, 1 runtime failure or wrong echo, 2 bad usage.\n";
}

ClientOptions parse_client_options(int argc, char* argv[]) {
    static const option long_options[] = {
        {"host", required_argument, nullptr, 'H'},
        {"port", required_argument, nullptr, 'p'},
        {"timeout", required_argument, nullptr, 't'},
        {"quiet", no_argument, nullptr, 'q'},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, 'V'},
        {nullptr, 0, nullptr, 0},
    };
    ClientOptions options;
    optind = 0; // glibc: 0 starts a fresh parse
    opterr = 0;
    for (;;) {
        const int option = getopt_long(argc, argv, ":H:p:46t:qhV", long_options, nullptr);
        if (option == -1) {
            break;
        }
        if (option == ':') {
            throw UsageError("option " + rejected_option(argc, argv, true) + " needs a value");
        }
        if (option == 't') {
            options.timeout = parse_seconds(optarg, "--timeout");
        } else if (!apply_common_option(option, optarg, false, options)) {
            throw UsageError("unknown option " + rejected_option(argc, argv, false));
        }
    }

    const int words = argc - optind;
    if (words == 1 && std::string_view(argv[optind]) == "-") {
        options.stream = true;
    } else if (words > 0) {
        options.message.clear();
        for (int i = optind; i < argc; ++i) {
            if (std::string_view(argv[i]) == "-") {
                throw UsageError("'-' (stream standard input) cannot be mixed with words");
            }
            if (i > optind) {
                options.message += ' ';
            }
            options.message += argv[i];
        }
    }
    return options;
}

} // namespace echo
