// SPDX-License-Identifier: MIT
// echo-client: connects, sends a message (or streams standard input), prints the echo; over TCP,
// or with --udp as datagrams.
#include "client_modes.hpp"
#include "client_options.hpp"
#include "echo/address.hpp"
#include "echo/net.hpp"
#include "echo/resolve.hpp"
#include "explain_calls.hpp"
#include "failure_hints.hpp"
#include "i18n.hpp"
#include "standard_descriptors.hpp"
#include "status.hpp"
#include "unix_client.hpp"

#include <chrono>
#include <csignal>
#include <exception>
#include <system_error>

#include <sys/socket.h>

using namespace echo;

int main(int argc, char* argv[]) {
    ensure_standard_descriptors(); // before anything opens a descriptor
    init_translations();
    std::signal(SIGPIPE, SIG_IGN); // a vanished server is an EPIPE error, not a dead client
    const char* const program = "echo-client";

    ClientOptions options;
    try {
        options = parse_client_options(argc, argv);
    } catch (const UsageError& error) {
        Status(program, false).error(fill(tr("%s (try --help)"), {error.what()}));
        return exit_usage;
    }
    if (options.help || options.version) {
        const std::string text = options.help ? client_usage() : version_line(program);
        return Status(program, false).print(text) ? exit_ok : exit_failure;
    }

    const Status status(program, options.quiet, options.verbose);
    try {
        if (options.explain) {
            explain_calls(options.udp
                              ? tr("the classic calls (connect/send/recvfrom), one line per call")
                              : tr("the classic calls (connect/send/recv), one line per call"),
                          options.udp);
        }
        const int socktype = options.udp ? SOCK_DGRAM : SOCK_STREAM;
        const bool local = !options.unix_path.empty();
        const auto addresses =
            local ? std::vector<Address>()
                  : resolve(options.host, options.port, options.family, socktype, false);
        // For UDP, connecting only fixes the peer: no packet is sent, and then only datagrams
        // from the server reach us, and an ICMP "port unreachable" reads as Connection refused.
        const auto connect_start = std::chrono::steady_clock::now();
        TemporarySocketPath own_path; // --unix --udp: where the echo comes back; removed at the end
        Socket socket =
            local ? connect_unix(options.unix_path, options.udp, options.timeout, own_path)
                  : connect_any(addresses, socktype, options.timeout);
        const auto connect_time = std::chrono::steady_clock::now() - connect_start;
        const Address server = peer_address(socket.fd());
        if (options.udp) {
            status.line(
                fill(local ? tr("Sending to %s (Unix datagram)") : tr("Sending to %s (UDP)"),
                     {server.to_string()}));
            if (options.stream) {
                return stream_udp_lines(options, std::move(socket), server, status);
            }
            if (options.measuring()) {
                return measure_udp_rounds(options, std::move(socket), server, status);
            }
            if (options.interactive) {
                return run_interactive(options, std::move(socket), server, status);
            }
            return send_udp_message(options, std::move(socket), server, status);
        }
        status.line(fill(local ? tr("Connected to %s (Unix stream)") : tr("Connected to %s (TCP)"),
                         {server.to_string()}));
        if (options.stream) {
            return stream_stdio(options, std::move(socket), server, status);
        }
        if (options.measuring()) {
            return measure_rounds(options, std::move(socket), server, status, connect_time);
        }
        if (options.interactive) {
            return run_interactive(options, std::move(socket), server, status);
        }
        return send_message(options, std::move(socket), server, status);
    } catch (const std::system_error& error) {
        status.error(translated_error(error)); // the first line, unchanged: scripts read it
        for (const std::string_view hint : failure_hints(error, options.udp)) {
            status.hint(tr(hint.data()));
        }
        return exit_failure;
    } catch (const std::exception& error) {
        status.error(translated_error(error));
        return exit_failure;
    }
}
