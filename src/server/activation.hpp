// SPDX-License-Identifier: MIT
#pragma once

// Socket activation: the sockets a service manager (systemd, systemd-socket-activate) passed to
// us, by the protocol of sd_listen_fds(3), read directly (no libsystemd).

#include "listeners.hpp"
#include "server_options.hpp"
#include "status.hpp"

#include <vector>

namespace echo {

struct PassedSockets {
    std::vector<Listener> tcp; // listening stream sockets
    std::vector<Listener> udp; // datagram sockets
    [[nodiscard]] bool empty() const noexcept { return tcp.empty() && udp.empty(); }
};

// The sockets passed as descriptors 3, 4... when LISTEN_PID is our pid and LISTEN_FDS counts
// them; none otherwise. Unsets LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES in every case, so that
// no child takes them for its own, and makes each passed descriptor close-on-exec and
// non-blocking. One we cannot serve (not a socket, a Unix-domain socket, a stream socket that
// does not listen, another kind) throws std::runtime_error naming its number.
PassedSockets take_passed_sockets();

// Serves the passed sockets: TCP in the mode the options pick (one peer, or -k), UDP as --udp
// does, both at once when both were passed (which needs -k: UDP then runs on a thread of its
// own). Throws UsageError when the options do not fit: -H, -p, -4 or -6 (the sockets are bound
// already), --udp with TCP sockets, both kinds without -k or with --explain.
int serve_passed_sockets(ServerOptions options, PassedSockets passed, const Status& status);

} // namespace echo
