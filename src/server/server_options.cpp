// SPDX-License-Identifier: MIT
#include "server_options.hpp"
#include "i18n.hpp"

#include <getopt.h>

namespace echo {

namespace {

// Long options without a short form.
constexpr int max_clients_option = 0x100;
constexpr int idle_timeout_option = 0x101;
constexpr int no_splice_option = 0x102;
constexpr int read_size_option = 0x103;
constexpr int inetd_option = 0x104;
constexpr int max_per_address_option = 0x105;
constexpr int rate_option = 0x106;
constexpr int user_option = 0x107;
constexpr int no_sandbox_option = 0x108;

} // namespace

// 69 lines, kept whole on purpose: the help is one message for the translators (po/es.po), its
// columns laid out as the user sees them; split, a translator would lose the layout it keeps.
std::string server_usage() {
    // TRANSLATORS: keep the options, their values' names (HOST, PORT, N, SEC) and the layout;
    // the man page and the tests read the options from here.
    return tr("Usage: echo-server [OPTION]...\n"
              "Echo every byte a TCP peer sends back to it, until it closes; with -k, for many\n"
              "peers at once, until stopped. With --udp, echo every datagram back to whoever\n"
              "sent it, for any number of senders, until stopped.\n"
              "\n"
              "  -H, --host HOST     address or name to listen on (default localhost;\n"
              "                      every address of the name is served); give -H again\n"
              "                      to listen on more hosts, e.g. -H 0.0.0.0 -H ::\n"
              "  -p, --port PORT     port to listen on, 0 for any free port (default 1234)\n"
              "  -4                  IPv4 only\n"
              "  -6                  IPv6 only\n"
              "      --unix PATH     listen on a Unix-domain socket at PATH instead (@NAME:\n"
              "                      Linux's abstract namespace); with --udp, datagrams\n"
              "  -k, --keep-open     serve many peers at once and keep serving until stopped\n"
              "                      (default: one peer, then exit; with --udp: no change)\n"
              "      --max-clients N\n"
              "                      with -k: at most N peers at once (default 256); more wait\n"
              "                      in the listen backlog until one leaves\n"
              "      --idle-timeout SEC\n"
              "                      with -k: close a peer that moved no data for SEC seconds;\n"
              "                      with --udp: exit after SEC seconds without a datagram\n"
              "                      (default: never; fractions allowed)\n"
              "      --max-per-address N\n"
              "                      with -k: at most N peers from one address at once\n"
              "                      (default: no limit); more are closed as soon as\n"
              "                      accepted\n"
              "  -u, --udp           UDP: answer each datagram with the same datagram, for\n"
              "                      every sender, until SIGINT or SIGTERM; never answers\n"
              "                      source ports 0, 7, 13, 19, 37 or its own address\n"
              "                      (echo loops)\n"
              "      --rate N        with --udp: echo at most N datagrams a second to one\n"
              "                      address (any port), in bursts of up to N; the rest\n"
              "                      are dropped (default: no limit)\n"
              "  -v, --verbose       show every chunk or datagram received and sent, with a\n"
              "                      hexdump, and each connection's events, on stderr\n"
              "      --explain       show each socket call as it happens (socket, bind,\n"
              "                      listen, accept, recv, send, close...) with its result,\n"
              "                      and what it means the first time, on stderr; takes the\n"
              "                      tutorial's calls (recv/send, recvfrom/sendto) throughout\n"
              "  -q, --quiet         print errors only\n"
              "      --no-splice     one TCP peer (no -k, no --udp): echo through our own\n"
              "                      buffer with read/write, not splice(2); to compare, or for\n"
              "                      odd kernels\n"
              "      --read-size N   read at most N bytes per call (1..262144; with --udp\n"
              "                      1..65536), to watch a message arrive in pieces; UDP:\n"
              "                      a longer datagram is cut to N, and the cut part echoed\n"
              "      --inetd         serve the one connection on standard input, as inetd,\n"
              "                      tcpserver or systemd (Accept=yes) start us; with --udp,\n"
              "                      the datagram socket on standard input, until stopped\n"
              "      --user NAME     started as root: become NAME once the sockets are bound\n"
              "                      (default nobody); not root: ignored, with a note\n"
              "      --no-sandbox    do not confine the server to the system calls serving\n"
              "                      needs (seccomp); for valgrind and debuggers\n"
              "  -h, --help          show this help and exit\n"
              "  -V, --version       show the version and exit\n"
              "\n"
              "Started by systemd with sockets passed (LISTEN_FDS), serves those instead of\n"
              "binding: TCP, UDP or both (both need -k); -H, -p, -4 and -6 are then refused.\n"
              "\n"
              "Examples:\n"
              "  echo-server -p 0           one peer on localhost, any free port (printed)\n"
              "  echo-server -k -H 0.0.0.0  serve a whole class on port 1234 until Ctrl-C\n"
              "\n"
              "Exit status: 0 success, 1 runtime failure, 2 bad usage.\n"
              "Full documentation: man echo-server\n");
}

// Every option getopt_long(3) knows, by long name.
const option long_options[] = {
    {"host", required_argument, nullptr, 'H'},
    {"port", required_argument, nullptr, 'p'},
    {"udp", no_argument, nullptr, 'u'},
    {"quiet", no_argument, nullptr, 'q'},
    {"verbose", no_argument, nullptr, 'v'},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'V'},
    {"keep-open", no_argument, nullptr, 'k'},
    {"max-clients", required_argument, nullptr, max_clients_option},
    {"idle-timeout", required_argument, nullptr, idle_timeout_option},
    {"no-splice", no_argument, nullptr, no_splice_option},
    {"read-size", required_argument, nullptr, read_size_option},
    {"explain", no_argument, nullptr, explain_option},
    {"inetd", no_argument, nullptr, inetd_option},
    {"max-per-address", required_argument, nullptr, max_per_address_option},
    {"rate", required_argument, nullptr, rate_option},
    {"unix", required_argument, nullptr, unix_option},
    {"user", required_argument, nullptr, user_option},
    {"no-sandbox", no_argument, nullptr, no_sandbox_option},
    {nullptr, 0, nullptr, 0},
};

namespace {

// What the command line gave, where the value alone cannot tell.
struct Given {
    bool host = false;
    bool max_clients = false;
};

// Applies one option that getopt_long(3) returned; false for one that is not echo-server's.
bool apply_server_option(int option, const char* value, ServerOptions& options, Given& given) {
    if (option == 'H') {
        if (!given.host) {
            options.hosts.clear(); // the first -H replaces the default
            given.host = true;
        }
        options.hosts.push_back(parse_host(value));
        options.address_given = true;
    } else if (option == 'u') {
        options.udp = true;
    } else if (option == 'k') {
        options.keep_open = true;
    } else if (option == max_clients_option) {
        options.max_clients = parse_count(value, "--max-clients", 1, 1'000'000);
        given.max_clients = true;
    } else if (option == idle_timeout_option) {
        options.idle_timeout = parse_seconds(value, "--idle-timeout");
    } else if (option == no_splice_option) {
        options.splice = false;
    } else if (option == read_size_option) {
        options.read_size = parse_count(value, "--read-size", 1, max_tcp_read_size);
    } else if (option == inetd_option) {
        options.inetd = true;
    } else if (option == max_per_address_option) {
        options.max_per_address = parse_count(value, "--max-per-address", 1, 1'000'000);
    } else if (option == rate_option) {
        options.rate = parse_count(value, "--rate", 1, 1'000'000);
    } else if (option == user_option) {
        options.user = value;
    } else if (option == no_sandbox_option) {
        options.sandbox = false;
    } else if (apply_common_option(option, value, true, options)) {
        options.address_given =
            options.address_given || option == 'p' || option == '4' || option == '6';
    } else {
        return false;
    }
    return true;
}

// Options that do not fit together: checked once all is parsed, as their order is free.
void check_combinations(const ServerOptions& options, const Given& given) {
    // The one-peer default and UDP have no peers to limit: say so rather than ignore what was
    // asked. -k with --udp is accepted: a UDP server already serves until it is stopped.
    if (given.max_clients && !options.keep_open) {
        throw UsageError(tr("--max-clients needs -k (--keep-open)"));
    }
    if (given.max_clients && options.udp) {
        throw UsageError(tr("--max-clients applies to TCP peers, not --udp"));
    }
    // -k: a peer silent this long is closed; --udp: the server ends when no datagram came.
    if (options.idle_timeout && !options.keep_open && !options.udp) {
        throw UsageError(tr("--idle-timeout needs -k (--keep-open) or --udp"));
    }
    if (options.max_per_address && !options.keep_open) {
        throw UsageError(tr("--max-per-address needs -k (--keep-open)"));
    }
    if (options.max_per_address && options.udp) {
        throw UsageError(tr("--max-per-address applies to TCP peers, not --udp"));
    }
    if (options.rate && !options.udp) {
        throw UsageError(tr("--rate applies to --udp only"));
    }
    // --no-splice picks how the one-peer mode moves bytes; -k and --udp never splice.
    if (!options.splice && (options.keep_open || options.udp)) {
        throw UsageError(tr("--no-splice applies to the one-peer TCP mode, not -k or --udp"));
    }
    // Under a super-server the connection is already there: no address to choose, one peer.
    if (options.inetd && (options.address_given || options.keep_open)) {
        throw UsageError(tr("--inetd serves standard input: -H, -p, -4, -6 and -k do not apply"));
    }
    if (!options.unix_path.empty() && (options.address_given || options.inetd)) {
        throw UsageError(tr("--unix names the socket: -H, -p, -4, -6 and --inetd do not apply"));
    }
    // A datagram buffer holds 64 KiB.
    if (options.udp && options.read_size > max_udp_read_size) {
        throw UsageError(
            fill(tr("--read-size takes a whole number in 1..%s with --udp, not '%s'"),
                 {std::to_string(max_udp_read_size), std::to_string(*options.read_size)}));
    }
}

} // namespace

ServerOptions parse_server_options(int argc, char* argv[]) {
    ServerOptions options;
    Given given;
    optind = 0; // glibc: 0 starts a fresh parse
    opterr = 0;
    for (;;) {
        const int option = getopt_long(argc, argv, ":H:p:46kuqvhV", long_options, nullptr);
        if (option == -1) {
            break;
        }
        if (option == ':') {
            throw UsageError(
                fill(tr("option %s needs a value"), {rejected_option(argc, argv, true)}));
        }
        if (!apply_server_option(option, optarg, options, given)) {
            throw UsageError(rejection(argc, argv, long_options));
        }
    }
    if (optind < argc) {
        throw UsageError(fill(tr("unexpected argument '%s'"), {argv[optind]}));
    }
    check_common_options(options);
    check_combinations(options, given);
    return options;
}

} // namespace echo
