// SPDX-License-Identifier: MIT
#include "client_options.hpp"
#include "i18n.hpp"

#include "echo/datagram.hpp"

#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>

namespace echo {

namespace {

// Long options without a short form.
enum : int { opt_interval = 256, opt_json, opt_retries };

bool is_ipv6_literal(const std::string& host) {
    in6_addr address{};
    return ::inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

} // namespace

std::size_t udp_payload_limit(const ClientOptions& options) {
    if (options.family == Family::ipv6 || is_ipv6_literal(options.host)) {
        return max_udp_payload_ipv6;
    }
    return max_udp_payload_ipv4;
}

namespace {

// The words after the options: "-" (stream standard input) or the message; their count.
int take_words(int argc, char* argv[], ClientOptions& options) {
    const int words = argc - optind;
    if (words == 1 && std::string_view(argv[optind]) == "-") {
        options.stream = true;
    } else if (words > 0) {
        options.message.clear();
        for (int i = optind; i < argc; ++i) {
            if (std::string_view(argv[i]) == "-") {
                throw UsageError(tr("'-' (stream standard input) cannot be mixed with words"));
            }
            if (i > optind) {
                options.message += ' ';
            }
            options.message += argv[i];
        }
    }

    return words;
}

// The modes exclude each other: measuring, stream, words, interactive.
void check_modes(ClientOptions& options, int words, bool interval_given) {
    if (options.count == 0 && (options.size || options.json || interval_given)) {
        options.count = 1;
    }
    if (options.measuring() && options.stream) {
        throw UsageError(
            tr("measuring (-c, -s, --interval, --json) sends its own payload, not '-'"));
    }
    if (options.measuring() && options.size && words > 0) {
        throw UsageError(tr("-s (a pattern payload) cannot be mixed with words"));
    }
    if (options.interactive && (options.stream || words > 0 || options.measuring())) {
        throw UsageError(tr("-i (interactive) reads its lines from the terminal: no words, '-', "
                            "-c, -s, --interval or --json with it"));
    }
}

// What -s and the message may be: at least a byte over TCP, one datagram over UDP.
void check_sizes(const ClientOptions& options) {
    if (options.size && !options.udp && *options.size == 0) {
        throw UsageError(tr("-s (the payload's size) is at least 1 byte over TCP: with 0 nothing "
                            "would be echoed"));
    }
    if (options.size && options.udp && *options.size < udp_round_number_size) {
        throw UsageError(fill(tr("-s over UDP is the size of each datagram, at least 8 (the bytes "
                                 "of the round number), not %s"),
                              {std::to_string(*options.size)}));
    }
    if (options.udp && options.size && *options.size > udp_payload_limit(options)) {
        throw UsageError(
            fill(udp_payload_limit(options) == max_udp_payload_ipv4
                     ? tr("-s %s: a UDP datagram carries at most %s bytes (65527 "
                          "over IPv6, with -6)")
                     : tr("-s %s: a UDP datagram carries at most %s bytes"),
                 {std::to_string(*options.size), std::to_string(udp_payload_limit(options))}));
    }
    if (options.udp && options.measuring() && !options.size) {
        // Each measured datagram carries its 8-byte round number ahead of the message.
        const std::size_t payload = options.message.size();
        const std::size_t room = udp_payload_limit(options) - udp_round_number_size;
        if (payload > room) {
            throw UsageError(fill(tr("a message of %s bytes does not fit in one measured UDP "
                                     "datagram (at most %s bytes: 8 of %s carry the round number)"),
                                  {std::to_string(payload), std::to_string(room),
                                   std::to_string(udp_payload_limit(options))}));
        }
    }
    if (options.udp && !options.stream && !options.interactive &&
        options.message.size() > udp_payload_limit(options)) {
        throw UsageError(fill(
            udp_payload_limit(options) == max_udp_payload_ipv4
                ? tr("a message of %s bytes does not fit in one UDP datagram "
                     "(at most %s bytes; 65527 over IPv6, with -6)")
                : tr("a message of %s bytes does not fit in one UDP datagram "
                     "(at most %s bytes over IPv6)"),
            {std::to_string(options.message.size()), std::to_string(udp_payload_limit(options))}));
    }
}

} // namespace

// Every option getopt_long(3) knows, by long name.
const option long_options[] = {
    {"host", required_argument, nullptr, 'H'},
    {"port", required_argument, nullptr, 'p'},
    {"udp", no_argument, nullptr, 'u'},
    {"timeout", required_argument, nullptr, 't'},
    {"retries", required_argument, nullptr, opt_retries},
    {"count", required_argument, nullptr, 'c'},
    {"size", required_argument, nullptr, 's'},
    {"interval", required_argument, nullptr, opt_interval},
    {"json", no_argument, nullptr, opt_json},
    {"interactive", no_argument, nullptr, 'i'},
    {"verbose", no_argument, nullptr, 'v'},
    {"explain", no_argument, nullptr, explain_option},
    {"quiet", no_argument, nullptr, 'q'},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'V'},
    {"unix", required_argument, nullptr, unix_option},
    {nullptr, 0, nullptr, 0},
};

// Over 60 lines, kept whole on purpose: one case per option, as getopt_long(3) hands them over;
// the checks across options are in check_modes() and check_sizes().
namespace {

// What the command line gave, where the value alone cannot tell.
struct Given {
    bool host = false;
    bool timeout = false;
    bool retries = false;
    bool interval = false;
    bool ip_option = false; // -p, -4 or -6: refused with --unix
};

// Applies one option that getopt_long(3) returned; false for one that is not echo-client's.
bool apply_client_option(int option, const char* value, ClientOptions& options, Given& given) {
    switch (option) {
    case 'H':
        if (given.host) {
            throw UsageError(tr("-H (--host) given twice: echo-client talks to one server"));
        }
        options.host = parse_host(value);
        given.host = true;
        return true;
    case 'u':
        options.udp = true;
        return true;
    case 't':
        options.timeout = parse_seconds(value, "--timeout");
        given.timeout = true;
        return true;
    case opt_retries:
        options.retries = static_cast<unsigned>(parse_count(value, "--retries", 0, max_retries));
        given.retries = true;
        return true;
    case 'c':
        options.count = parse_count(value, "--count", 1, 1'000'000'000);
        return true;
    case 's':
        options.size = parse_count(value, "--size", 0, max_payload_size);
        return true;
    case opt_interval:
        options.interval = parse_seconds(value, "--interval", true);
        given.interval = true;
        return true;
    case opt_json:
        options.json = true;
        return true;
    case 'i':
        options.interactive = true;
        return true;
    default:
        if (!apply_common_option(option, value, false, options)) {
            return false;
        }
        given.ip_option = given.ip_option || option == 'p' || option == '4' || option == '6';
        return true;
    }
}

} // namespace

ClientOptions parse_client_options(int argc, char* argv[]) {
    ClientOptions options;
    Given given;
    optind = 0; // glibc: 0 starts a fresh parse
    opterr = 0;
    for (;;) {
        const int option = getopt_long(argc, argv, ":H:p:46ut:c:s:ivqhV", long_options, nullptr);
        if (option == -1) {
            break;
        }
        if (option == ':') {
            throw UsageError(
                fill(tr("option %s needs a value"), {rejected_option(argc, argv, true)}));
        }
        if (!apply_client_option(option, optarg, options, given)) {
            throw UsageError(rejection(argc, argv, long_options));
        }
    }
    if (!options.unix_path.empty() && (given.host || given.ip_option)) {
        throw UsageError(tr("--unix names the server's socket: -H, -p, -4 and -6 do not apply"));
    }

    const int words = take_words(argc, argv, options);

    check_common_options(options);
    check_modes(options, words, given.interval);
    if (!given.timeout) {
        options.timeout = options.udp ? udp_default_timeout : tcp_default_timeout;
    }
    if (given.retries && !options.udp) {
        throw UsageError(
            tr("--retries applies to UDP only (add --udp); TCP retransmits by itself"));
    }
    check_sizes(options);
    return options;
}

} // namespace echo
