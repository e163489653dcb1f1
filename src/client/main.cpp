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
#include "program_exit.hpp"
#include "standard_descriptors.hpp"
#include "status.hpp"
#include "unix_client.hpp"

#include <chrono>
#include <csignal>
#include <exception>
#include <optional>
#include <system_error>

#include <sys/socket.h>

using namespace echo;

namespace {

// One of the client's modes, on the socket connected to `server`.
int run_mode(const ClientOptions& options, Socket socket, const Address& server,
             const Status& status, std::chrono::steady_clock::duration connect_time) {
    const bool local = !options.unix_path.empty(); // --unix
    if (options.udp) {
        status.line(fill(local ? tr("Sending to %s (Unix datagram)") : tr("Sending to %s (UDP)"),
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
}

} // namespace

int main(int argc, char* argv[]) {
    ensure_standard_descriptors(); // before anything opens a descriptor
    init_translations();
    std::signal(SIGPIPE, SIG_IGN); // a vanished server is an EPIPE error, not a dead client
    const char* const program = "echo-client";

    ClientOptions options;
    if (const std::optional<int> done =
            parse_command_line(program, argc, argv, parse_client_options, client_usage, options)) {
        return *done;
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
        return run_mode(options, std::move(socket), server, status, connect_time);
    } catch (const std::system_error& error) {
        const int code = report_failure(error, status); // the first line: scripts read it
        for (const std::string_view hint : failure_hints(error, options.udp)) {
            status.hint(tr(hint.data()));
        }
        return code;
    } catch (const std::exception& error) {
        return report_failure(error, status);
    }
}
