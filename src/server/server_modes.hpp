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
