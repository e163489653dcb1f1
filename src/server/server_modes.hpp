// SPDX-License-Identifier: MIT
#pragma once

#include "listeners.hpp"
#include "server_options.hpp"
#include "status.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace echo {

// Each server mode takes the options and its ready sockets, runs until done or stopped by
// SIGINT/SIGTERM, and returns the exit code.

// The default: accept ONE TCP peer on any listener, echo until its EOF, exit.
int serve_one_tcp_peer(const ServerOptions& options, std::vector<Listener> listeners,
                       const Status& status);

// The one peer's connection, accepted by us or by a super-server (--inetd): echoed until its end
// of stream, then closed. `peer` names it in the status lines.
int serve_connection(const ServerOptions& options, Socket connection, const std::string& peer,
                     const Status& status);

// --inetd: serve standard input, where a super-server (inetd, xinetd, tcpserver, systemd with
// Accept=yes) put the connection it accepted; with --udp, the datagram socket it received on,
// until stopped. Standard input and output that are not a socket (pipes) are echoed one to the
// other until end of input.
int serve_inetd(const ServerOptions& options, const Status& status);

// --inetd: when standard error is the connection itself (inetd puts the socket on 0, 1 and 2),
// points it at /dev/null, so that no status line lands in the peer's echo. Before any Status.
void keep_stderr_off_the_connection();

// -k: serve many TCP peers at once, accepting more as others leave, until stopped by a signal.
// At most options.max_clients at a time; peers idle for options.idle_timeout are closed.
int serve_many_tcp_peers(const ServerOptions& options, std::vector<Listener> listeners,
                         const Status& status);

// --udp: answer every datagram on any of the (datagram) listeners with the same datagram, to
// whoever sent it, until stopped; the loop guard refuses sources that could start an echo loop.
int serve_udp(const ServerOptions& options, std::vector<Listener> listeners, const Status& status);

// "Client 127.0.0.1:5000 disconnected (15 bytes echoed)", in the user's language.
std::string disconnected_line(std::string_view peer, std::uint64_t bytes);

} // namespace echo
