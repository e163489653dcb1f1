// SPDX-License-Identifier: MIT
#include "listeners.hpp"
#include "i18n.hpp"

#include "echo/error.hpp"
#include "echo/net.hpp"
#include "echo/packet_info.hpp"
#include "status.hpp"

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <sys/socket.h>

namespace echo {

namespace {

// An echo service returns what it receives: urgent data (MSG_OOB) too, in its place in the
// stream, rather than out of band where no path of ours reads it. Set on the listener, so that
// every connection inherits it from its first byte (urgent data that arrives while a connection
// waits in the backlog, before accept, is inline too) and accept costs no extra call.
void receive_urgent_inline(int listener) {
    set_option(listener, SOL_SOCKET, SO_OOBINLINE, 1, "SO_OOBINLINE");
}

bool family_unavailable(const std::system_error& error) {
    const int code = error.code().value();
    return code == EADDRNOTAVAIL || code == EAFNOSUPPORT;
}

std::vector<Listener> bind_all_once(std::vector<Address> addresses, int socktype,
                                    const Status& status) {
    std::vector<Listener> listeners;
    std::uint16_t port = addresses.front().port();
    for (std::size_t i = 0; i < addresses.size(); ++i) {
        Address& address = addresses[i];
        address.set_port(port);
        try {
            Socket socket = bind_to(address, socktype);
            // Before anyone can learn our port: a datagram that came earlier would go without
            // its destination address, which its answer must leave from.
            prepare_listener(socket.fd(), socktype, address.family());
            Address bound = local_address(socket.fd());
            port = bound.port();
            listeners.push_back({std::move(socket), bound});
        } catch (const std::system_error& error) {
            const bool last = i + 1 == addresses.size();
            if (!family_unavailable(error) || (last && listeners.empty())) {
                throw;
            }
            status.error(fill(tr("%s (skipped)"), {translated_error(error)}));
        }
    }
    return listeners;
}

} // namespace

void prepare_listener(int fd, int socktype, int family) {
    if (socktype == SOCK_STREAM) {
        receive_urgent_inline(fd);
    } else {
        enable_destination_info(fd, family);
    }
}

std::vector<Listener> open_listeners(std::vector<Address> addresses, int socktype,
                                     const Status& status) {
    const bool any_port = addresses.front().port() == 0;
    // With port 0 the port the first address got may be taken on another address; pick again.
    for (int attempt = 1;; ++attempt) {
        try {
            return bind_all_once(addresses, socktype, status);
        } catch (const std::system_error& error) {
            if (!any_port || addresses.size() == 1 || error.code().value() != EADDRINUSE ||
                attempt == 8) {
                throw;
            }
        }
    }
}

void hint_if_loopback_only(const std::vector<Listener>& listeners, const Status& status) {
    const auto loopback = [](const Listener& listener) { return listener.address.is_loopback(); };
    if (!listeners.empty() && std::all_of(listeners.begin(), listeners.end(), loopback)) {
        status.hint(tr("Only this machine can connect here (loopback). To accept other machines,"));
        status.hint(tr("listen on every address: -H 0.0.0.0 (IPv4), -H :: (IPv6), or both."));
    }
}

} // namespace echo
