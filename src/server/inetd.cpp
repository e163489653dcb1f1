// SPDX-License-Identifier: MIT
// --inetd: a super-server (inetd, xinetd, tcpserver, systemd with Accept=yes) accepted the
// connection and hands it to us as standard input and output; with --udp, standard input is the
// datagram socket itself (inetd.conf's "dgram ... wait").
#include "echo/error.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "i18n.hpp"
#include "server_modes.hpp"
#include "stop.hpp"

#include <array>
#include <cerrno>
#include <optional>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace echo {

namespace {

// SO_TYPE of standard input: SOCK_STREAM, SOCK_DGRAM..., or nullopt when it is no socket.
std::optional<int> standard_input_type() {
    try {
        return get_option(STDIN_FILENO, SOL_SOCKET, SO_TYPE, "SO_TYPE");
    } catch (const std::system_error& error) {
        if (error.code().value() != ENOTSOCK) {
            throw;
        }
        return std::nullopt;
    }
}

// Standard input echoed to standard output until its end (pipes, a terminal): read what is there,
// write all of it. Each read waits for the stop signal too.
int echo_standard_streams(const Status& status) {
    const std::string name = tr("standard input");
    std::array<std::byte, 64 * 1024> buffer{};
    std::uint64_t echoed = 0;
    for (;;) {
        if (wait_for(STDIN_FILENO, POLLIN, std::chrono::milliseconds(-1), stop_fd()) ==
            Wakeup::stopped) {
            status.line(fill(tr("Stopped by signal; client %s dropped (%s echoed)"),
                             {name, plural(echoed, "%s byte", "%s bytes")}));
            return exit_ok;
        }
        const IoResult got = read_some(STDIN_FILENO, buffer);
        if (got.status == IoStatus::would_block) {
            continue;
        }
        if (got.status == IoStatus::eof) {
            status.line(disconnected_line(name, echoed));
            return exit_ok;
        }
        const IoResult put = got.status == IoStatus::ok
                                 ? write_all(STDOUT_FILENO, std::span(buffer).first(got.bytes))
                                 : got;
        if (put.status == IoStatus::error) {
            status.error(describe(got.status == IoStatus::error ? tr("read standard input")
                                                                : tr("write standard output"),
                                  put.error));
            return exit_failure;
        }
        echoed += got.bytes;
    }
}

} // namespace

void keep_stderr_off_the_connection() {
    struct stat input {};
    struct stat error {};
    if (::fstat(STDIN_FILENO, &input) != 0 || ::fstat(STDERR_FILENO, &error) != 0 ||
        !S_ISSOCK(input.st_mode) || input.st_dev != error.st_dev || input.st_ino != error.st_ino) {
        return;
    }
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
        ::dup2(null, STDERR_FILENO); // dup2 clears close-on-exec on the copy
        ::close(null);
    }
}

int serve_inetd(const ServerOptions& options, const Status& status) {
    const std::optional<int> type = standard_input_type();
    if (options.udp) {
        if (type != SOCK_DGRAM) {
            throw std::runtime_error(tr("--inetd --udp: standard input is not a UDP socket"));
        }
        const Address address = local_address(STDIN_FILENO);
        set_nonblocking(STDIN_FILENO, true);
        prepare_listener(STDIN_FILENO, SOCK_DGRAM, address.family());
        std::vector<Listener> listeners;
        listeners.push_back({Socket(STDIN_FILENO), address});
        return serve_udp(options, std::move(listeners), status);
    }
    if (!type) {
        return echo_standard_streams(status);
    }
    if (*type != SOCK_STREAM) {
        throw std::runtime_error(
            tr("--inetd: standard input is a socket, but not a TCP connection (UDP: --udp)"));
    }
    const Address peer = peer_address(STDIN_FILENO);
    const bool ip = peer.family() == AF_INET || peer.family() == AF_INET6;
    // Not a peer of ours to name when a program hands us one end of a socket pair (socat EXEC:).
    return serve_connection(options, Socket(STDIN_FILENO),
                            ip ? peer.to_string() : std::string(tr("standard input")), status);
}

} // namespace echo
