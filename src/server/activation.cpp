// SPDX-License-Identifier: MIT
#include "activation.hpp"

#include "echo/error.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "i18n.hpp"
#include "server_modes.hpp"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace echo {

namespace {

constexpr int first_passed_fd = 3; // SD_LISTEN_FDS_START

// A variable of the environment as a whole non-negative number; nullopt if unset or not one.
std::optional<long> number_from_environment(const char* name) {
    const char* text = std::getenv(name);
    if (text == nullptr) {
        return std::nullopt;
    }
    const std::string_view view(text);
    long value = 0;
    const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), value);
    if (error != std::errc() || end != view.data() + view.size() || value < 0) {
        return std::nullopt;
    }
    return value;
}

std::runtime_error refused(int fd, const char* why) {
    return std::runtime_error(fill(tr(why), {std::to_string(fd)}));
}

// Sorts one passed descriptor into `passed`, or throws saying why it cannot be served.
void take(int fd, PassedSockets& passed) {
    ::fcntl(fd, F_SETFD, FD_CLOEXEC); // fails only on a closed descriptor: SO_TYPE then says so
    int type = 0;
    try {
        type = get_option(fd, SOL_SOCKET, SO_TYPE, "SO_TYPE");
    } catch (const std::system_error&) {
        throw refused(fd, tr_noop("descriptor %s from the service manager is not a socket"));
    }
    Address address = local_address(fd);
    const bool served =
        address.family() == AF_INET || address.family() == AF_INET6 || address.family() == AF_UNIX;
    if (!served || (type != SOCK_STREAM && type != SOCK_DGRAM)) {
        throw refused(fd, tr_noop("descriptor %s from the service manager is neither a TCP nor "
                                  "a UDP socket"));
    }
    if (type == SOCK_STREAM && get_option(fd, SOL_SOCKET, SO_ACCEPTCONN, "SO_ACCEPTCONN") == 0) {
        throw refused(fd, tr_noop("descriptor %s from the service manager is a TCP socket that "
                                  "does not listen (Accept=yes: use --inetd with "
                                  "StandardInput=socket)"));
    }
    set_nonblocking(fd, true);
    prepare_listener(fd, type, address.family());
    (type == SOCK_STREAM ? passed.tcp : passed.udp).push_back({Socket(fd), address});
}

void say_listening(const std::vector<Listener>& listeners, bool udp, const Status& status) {
    for (const Listener& listener : listeners) {
        // Scripts wait for this line: its English form under the C locale never changes.
        const bool local = listener.address.family() == AF_UNIX;
        const char* const line =
            local ? (udp ? tr("Listening on %s (Unix datagram)")
                         : tr("Listening on %s (Unix stream)"))
                  : (udp ? tr("Listening on %s (UDP)") : tr("Listening on %s (TCP)"));
        status.line(fill(line, {listener.address.to_string()}));
    }
}

void check_fit(const ServerOptions& options, const PassedSockets& passed) {
    if (!options.unix_path.empty()) {
        throw UsageError(tr("the service manager passed the sockets to serve (LISTEN_FDS): "
                            "--unix does not apply"));
    }
    if (options.address_given) {
        throw UsageError(tr("the service manager passed the sockets to serve (LISTEN_FDS): "
                            "-H, -p, -4 and -6 do not apply"));
    }
    if (options.udp && !passed.tcp.empty()) {
        throw UsageError(tr("--udp, but the service manager passed a TCP socket"));
    }
    if (!passed.tcp.empty() && !passed.udp.empty() && (!options.keep_open || options.explain)) {
        throw UsageError(tr("TCP and UDP sockets passed together need -k, and no --explain"));
    }
    if (!passed.udp.empty() && options.read_size > max_udp_read_size) {
        throw UsageError(
            fill(tr("--read-size takes a whole number in 1..%s with --udp, not '%s'"),
                 {std::to_string(max_udp_read_size), std::to_string(*options.read_size)}));
    }
}

} // namespace

PassedSockets take_passed_sockets() {
    const std::optional<long> pid = number_from_environment("LISTEN_PID");
    const std::optional<long> count = number_from_environment("LISTEN_FDS");
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
    ::unsetenv("LISTEN_FDNAMES");
    PassedSockets passed;
    if (!pid || *pid != static_cast<long>(::getpid()) || !count) {
        return passed; // not for us (our parent's, say), or nothing passed
    }
    for (long i = 0; i < *count; ++i) {
        take(first_passed_fd + static_cast<int>(i), passed);
    }
    return passed;
}

int serve_passed_sockets(ServerOptions options, PassedSockets passed, const Status& status) {
    check_fit(options, passed);
    say_listening(passed.tcp, false, status);
    say_listening(passed.udp, true, status);
    std::vector<Listener> all;
    for (std::vector<Listener>* kind : {&passed.tcp, &passed.udp}) {
        for (const Listener& listener : *kind) {
            all.push_back({Socket(), listener.address}); // for the hint: addresses only
        }
    }
    hint_if_loopback_only(all, status);
    if (passed.tcp.empty()) {
        options.udp = true;
        return serve_udp(options, std::move(passed.udp), status);
    }
    if (passed.udp.empty()) {
        return options.keep_open ? serve_many_tcp_peers(options, std::move(passed.tcp), status)
                                 : serve_one_tcp_peer(options, std::move(passed.tcp), status);
    }
    // Both: each loop watches the stop signal, so one SIGTERM ends both.
    ServerOptions udp_options = options;
    udp_options.udp = true;
    int udp_result = exit_ok;
    std::thread udp([&] {
        try {
            udp_result = serve_udp(udp_options, std::move(passed.udp), status);
        } catch (const std::exception& error) {
            status.error(translated_error(error));
            udp_result = exit_failure;
        }
    });
    int tcp_result = exit_failure;
    try {
        tcp_result = serve_many_tcp_peers(options, std::move(passed.tcp), status);
    } catch (const std::exception& error) {
        status.error(translated_error(error));
        std::raise(SIGTERM); // our own stop handler: the UDP loop ends as on a real SIGTERM
    }
    udp.join();
    return tcp_result == exit_ok ? udp_result : tcp_result;
}

} // namespace echo
