// SPDX-License-Identifier: MIT
// The default server: one TCP peer, echoed until it closes, then exit. The file to read beside
// a socket tutorial; its calls happen in the tutorial's order:
//
//   socket, bind, listen  done before this mode is chosen: main.cpp calls open_listeners()
//                         (listeners.cpp), which calls bind_to() (src/net/net.cpp) per address
//   accept                accept_first() below: poll(2) the listeners, then accept_peer()
//   recv, send            echo_until_eof(): read what is there, send all of it, until the peer's
//                         FIN (stream_echo_copy.cpp); on Linux the same loop runs in the kernel
//                         through splice(2) (stream_echo_splice.cpp), the fast path, chosen in
//                         stream_echo.cpp alone; --explain takes the portable loop
//   close                 the accepted socket's reset() below; the listeners closed on accept
#include "connection_trace.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "i18n.hpp"
#include "server_modes.hpp"
#include "stop.hpp"
#include "stream_echo.hpp"

#include <cerrno>
#include <optional>
#include <system_error>

#include <poll.h>

namespace echo {

namespace {

// Waits for the first peer on any listener; nullopt when a stop was requested.
std::optional<Accepted> accept_first(const std::vector<Listener>& listeners) {
    std::vector<pollfd> fds;
    fds.reserve(listeners.size() + 1);
    for (const Listener& listener : listeners) {
        fds.push_back({listener.socket.fd(), POLLIN, 0});
    }
    fds.push_back({stop_fd(), POLLIN, 0});
    for (;;) {
        poll_for(fds, std::chrono::milliseconds(-1));
        if (fds.back().revents != 0) {
            return std::nullopt;
        }
        for (std::size_t i = 0; i + 1 < fds.size(); ++i) {
            if (fds[i].revents != 0) {
                if (auto accepted = accept_peer(fds[i].fd)) {
                    return accepted;
                }
            }
        }
    }
}

} // namespace

std::string disconnected_line(std::string_view peer, std::uint64_t bytes) {
    return fill(tr("Client %s disconnected (%s echoed)"),
                {peer, plural(bytes, "%s byte", "%s bytes")});
}

int serve_one_tcp_peer(const ServerOptions& options, std::vector<Listener> listeners,
                       const Status& status) {
    // accept
    std::optional<Accepted> accepted = accept_first(listeners);
    if (!accepted) {
        status.line(tr("Stopped by signal"));
        return exit_ok;
    }
    listeners.clear(); // one peer only: later connections are refused, not left waiting
    return serve_connection(options, std::move(accepted->socket), accepted->peer.to_string(),
                            status);
}

int serve_connection(const ServerOptions& options, Socket connection, const std::string& peer,
                     const Status& status) {
    status.line(fill(tr("Client connected: %s"), {peer}));
    ConnectionTrace trace(status, peer);
    // recv and send, until the peer's FIN
    EchoOutcome outcome;
    {
        // Blocking calls, one per chunk, and no poll(2) between them: a stop shuts the peer
        // down, which wakes them. --explain keeps the non-blocking calls it shows.
        set_nonblocking(connection.fd(), options.explain);
        const ShutdownOnStop wakes(connection.fd());
        outcome = echo_until_eof(connection.fd(), stop_fd(), trace,
                                 options.splice && !options.explain ? EchoPath::fastest
                                                                    : EchoPath::portable,
                                 options.read_size.value_or(0));
    }
    // close
    connection.reset();
    trace.ended(outcome.end == EchoOutcome::End::peer_finished ? tr("peer closed, echo complete")
                : outcome.end == EchoOutcome::End::stopped
                    ? tr("stopped by signal")
                    : describe(translated_step(outcome.failure.step, {}), outcome.failure.error));

    switch (outcome.end) {
    case EchoOutcome::End::peer_finished:
        status.line(disconnected_line(peer, outcome.bytes));
        return exit_ok;
    case EchoOutcome::End::stopped:
        status.line(fill(tr("Stopped by signal; client %s dropped (%s echoed)"),
                         {peer, plural(outcome.bytes, "%s byte", "%s bytes")}));
        return exit_ok;
    case EchoOutcome::End::failed:
        break;
    }
    status.error(describe(translated_step(outcome.failure.step, peer), outcome.failure.error));
    status.line(disconnected_line(peer, outcome.bytes));
    return exit_failure;
}

} // namespace echo
