// SPDX-License-Identifier: MIT
#include "failure_hints.hpp"
#include "i18n.hpp"

#include <cerrno>

namespace echo {

std::vector<std::string_view> failure_hints(const std::system_error& error, bool udp) {
    // throw_error() says errno in the generic category, the standard library in the system one.
    const std::error_code code = error.code();
    const bool errno_value =
        code.category() == std::generic_category() || code.category() == std::system_category();
    if (!errno_value) {
        return {};
    }
    switch (code.value()) {
    case ECONNREFUSED:
        if (udp) {
            // Connecting a UDP socket sends nothing: the refusal is the ICMP "port unreachable"
            // that answered a datagram, reported by a later send or recv.
            return {
                tr_noop(
                    "Nothing listens for UDP on that port: the datagram went out, and the host"),
                tr_noop("answered \"port unreachable\". Is the server running, started with -u?")};
        }
        return {tr_noop("Is echo-server running at that address and port? Check -H and -p."),
                tr_noop("Started without -k, echo-server serves one client, then exits.")};
    case ECONNRESET:
        if (udp) {
            return {};
        }
        return {tr_noop("The server closed with data of ours unread, so the connection was reset:"),
                tr_noop("the classic bug of a server that calls recv(1024) once, then closes.")};
    default:
        return {};
    }
}

} // namespace echo
