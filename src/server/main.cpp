// SPDX-License-Identifier: MIT
// echo-server: listens, accepts one TCP peer, echoes its bytes until it closes, exits; with -k,
// serves many peers at once until stopped; with --udp, echoes every datagram to its sender until
// stopped.
#include "activation.hpp"
#include "echo/resolve.hpp"
#include "explain_calls.hpp"
#include "i18n.hpp"
#include "listeners.hpp"
#include "privileges.hpp"
#include "program_exit.hpp"
#include "sandbox.hpp"
#include "server_modes.hpp"
#include "server_options.hpp"
#include "standard_descriptors.hpp"
#include "status.hpp"
#include "stop.hpp"
#include "unix_listener.hpp"

#include <algorithm>
#include <csignal>
#include <exception>
#include <optional>

#include <sys/socket.h>

using namespace echo;

namespace {

// gcov writes its counts when the program exits, into root's build tree, which a server that gave
// up root and may not open(2) could not: the coverage build serves unconfined. Every other build
// (dev, asan, release) is confined, and tested so.
#if defined(ECHO_COVERAGE_BUILD)
constexpr bool confined_build = false;
#else
constexpr bool confined_build = true;
#endif

// Setup is done (sockets bound or taken): give up root, then every call serving does not need.
void confine(const ServerOptions& options, const std::optional<Account>& account,
             const Status& status) {
    if (!confined_build) {
        return;
    }
    if (account) {
        drop_privileges(*account, options.user || options.verbose, status);
    }
    if (options.sandbox) {
        enter_sandbox(status);
    }
}

// One of the three modes, on the sockets bound.
int serve(const ServerOptions& options, std::vector<Listener> listeners, const Status& status) {
    if (options.udp) {
        return serve_udp(options, std::move(listeners), status);
    }
    if (options.keep_open) {
        return serve_many_tcp_peers(options, std::move(listeners), status);
    }
    return serve_one_tcp_peer(options, std::move(listeners), status);
}

// Binds every address of every -H and says where it listens.
std::vector<Listener> listen_on_hosts(const ServerOptions& options, const Status& status) {
    const int socktype = options.udp ? SOCK_DGRAM : SOCK_STREAM;
    std::vector<Address> addresses;
    for (const std::string& host : options.hosts) {
        for (const Address& address : resolve(host, options.port, options.family, socktype, true)) {
            if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) {
                addresses.push_back(address); // -H localhost -H ::1: once
            }
        }
    }
    std::vector<Listener> listeners = open_listeners(addresses, socktype, status);
    for (const Listener& listener : listeners) {
        // Scripts wait for this line: its English form under the C locale never changes.
        status.line(fill(options.udp ? tr("Listening on %s (UDP)") : tr("Listening on %s (TCP)"),
                         {listener.address.to_string()}));
    }
    hint_if_loopback_only(listeners, status);
    return listeners;
}

} // namespace

int main(int argc, char* argv[]) {
    ensure_standard_descriptors(); // before anything opens a descriptor
    init_translations();
    std::signal(SIGPIPE, SIG_IGN); // a vanished peer is an EPIPE error, not a dead server
    const char* const program = "echo-server";

    ServerOptions options;
    if (const std::optional<int> done =
            parse_command_line(program, argc, argv, parse_server_options, server_usage, options)) {
        return *done;
    }

    if (options.inetd) {
        keep_stderr_off_the_connection(); // before Status readies its writer of stderr
    }
    const Status status(program, options.quiet, options.verbose);
    try {
        if (options.explain) {
            explain_calls(options.udp
                              ? tr("recvfrom/sendto, one datagram per call (not recvmmsg/sendmmsg)")
                          : options.keep_open
                              ? tr("the classic calls (accept/recv/send/close), one line per call")
                              : tr("the classic calls (recv/send, not splice), one line per call"),
                          options.udp);
        }
        install_stop_handlers();
        const std::optional<Account> account = account_to_become(options.user, status);
        if (options.inetd) {
            confine(options, account, status);
            return serve_inetd(options, status);
        }
        if (PassedSockets passed = take_passed_sockets(); !passed.empty()) {
            confine(options, account, status);
            return serve_passed_sockets(options, std::move(passed), status);
        }
        if (!options.unix_path.empty()) {
            UnixListener bound = listen_on_unix_path(options, status);
            if (account) {
                bound.file.give_to(account->uid, account->gid); // so it can remove it at the end
            }
            confine(options, account, status);
            return serve(options, bound.take_listeners(), status); // bound.file: removed after
        }
        std::vector<Listener> listeners = listen_on_hosts(options, status);
        confine(options, account, status);
        return serve(options, std::move(listeners), status);
    } catch (const std::exception& error) { // a UsageError: options that do not fit the sockets
        return report_failure(error, status);
    }
}
