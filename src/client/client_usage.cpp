// SPDX-License-Identifier: MIT
// echo-client --help. tests/install checks that it, the man page and the README list the same
// options.
#include "client_options.hpp"
#include "i18n.hpp"

namespace echo {

std::string client_usage() {
    // TRANSLATORS: keep the options, their values' names (HOST, PORT, SEC, N, BYTES, WORD) and
    // the layout; the man page and the tests read the options from here. The default message
    // 'Hola, servidor!' is the same in every language.
    return tr("Usage: echo-client [OPTION]... [WORD...]\n"
              "       echo-client [OPTION]... -\n"
              "       echo-client -c N [-s BYTES] [OPTION]...\n"
              "       echo-client -i [OPTION]...\n"
              "Send a message to an echo server and print its echo.\n"
              "Without words the message is 'Hola, servidor!'; with words, the words joined by\n"
              "single spaces; with '-', standard input is streamed and the echo written to\n"
              "standard output. With --udp the message is one datagram, and with '-' each line\n"
              "of standard input (newline included) is one datagram, its echo awaited in turn.\n"
              "\n"
              "  -H, --host HOST     server name or address (default localhost; every address\n"
              "                      of the name is tried in turn)\n"
              "  -p, --port PORT     server port (default 1234)\n"
              "  -4                  IPv4 only\n"
              "  -6                  IPv6 only\n"
              "      --unix PATH     connect to a Unix-domain socket at PATH instead (@NAME:\n"
              "                      Linux's abstract namespace); with --udp, datagrams, from\n"
              "                      a temporary socket of ours, removed at the end\n"
              "  -u, --udp           UDP: send datagrams of at most 65507 bytes (65527 over\n"
              "                      IPv6: with -6 or an IPv6 address) and await each echo\n"
              "  -t, --timeout SEC   TCP: seconds to wait for the connection and for each part\n"
              "                      of the echo of a message (default 10); UDP: seconds to\n"
              "                      wait for an echo before sending again (default 1);\n"
              "                      fractions allowed\n"
              "      --retries N     UDP: send an unanswered datagram again up to N times\n"
              "                      (default 2, at most 100)\n"
              "  -c, --count N       measure: send the payload N times, each after the echo of\n"
              "                      the one before, and print round-trip statistics\n"
              "  -s, --size BYTES    measure with a payload of BYTES pattern bytes instead of\n"
              "                      the message (implies -c 1 unless -c is given); at least\n"
              "                      1. Over UDP, BYTES is the size of each datagram sent:\n"
              "                      8 of them carry the round number, so at least 8\n"
              "      --interval SEC  pause between measured rounds (default 0)\n"
              "      --json          print the statistics as one JSON object\n"
              "  -i, --interactive   send each line typed, show its echo and round-trip time\n"
              "                      (over UDP, each line is one datagram)\n"
              "  -v, --verbose       show every chunk or datagram sent and received, with a\n"
              "                      hexdump, and the connection's events, on stderr\n"
              "      --explain       show each socket call as it happens (socket, connect,\n"
              "                      send, recv, close...) with its result, and what it means\n"
              "                      the first time, on stderr\n"
              "  -q, --quiet         print errors only\n"
              "  -h, --help          show this help and exit\n"
              "  -V, --version       show the version and exit\n"
              "\n"
              "Examples:\n"
              "  echo-client hello world     send 'hello world' to localhost, print the echo\n"
              "  echo-client -c 100 -s 1000  measure 100 round trips of 1000 bytes each\n"
              "\n"
              "Exit status: 0 success, 1 runtime failure or wrong echo, 2 bad usage.\n"
              "Full documentation: man echo-client\n");
}

} // namespace echo
