// SPDX-License-Identifier: MIT
#include "explain_calls.hpp"
#include "i18n.hpp"

#include "echo/explain.hpp"
#include "log_writer.hpp"

#include <cerrno>
#include <cstddef>
#include <set>
#include <span>
#include <string>

namespace echo {

namespace {

constexpr std::size_t line_width = 80;
constexpr std::string_view call_prefix = "[call] ";
constexpr std::string_view indent = "       "; // explanations sit under the call

struct Narrator {
    bool udp = false;
    std::set<std::string, std::less<>> said; // what was explained already
};

Narrator narrator;

// What a call does, said the first time it appears.
std::string explain_call(const Call& call, bool udp) {
    const std::string_view name = call.name;
    const std::string asked = std::to_string(call.asked);
    if (name == "socket") {
        return tr("a new socket; the number it returns names it in every later call");
    }
    if (name == "setsockopt") {
        return tr("sets an option of the socket, here before it is used");
    }
    if (name == "getsockopt") {
        return tr("reads an option of the socket: here, what kind of socket we were given");
    }
    if (name == "bind") {
        return tr("gives the socket its address and port (port 0: the kernel picks one)");
    }
    if (name == "listen") {
        return fill(tr("the socket now takes connections; up to %s wait in the queue"), {asked});
    }
    if (name == "getsockname") {
        return tr("which address and port the socket has (the port the kernel picked)");
    }
    if (name == "accept") {
        return tr("takes the next waiting connection: a new socket for this peer alone");
    }
    if (name == "connect") {
        return udp ? tr("UDP sends nothing here: it fixes the peer for send and recvfrom")
                   : tr("the handshake with the server (SYN, SYN-ACK, ACK); 0 when done");
    }
    if (name == "getpeername") {
        return tr("the address of the peer this socket is connected to");
    }
    if (name == "recv") {
        return fill(tr("the bytes that have arrived, up to %s at a time (TCP: a byte stream)"),
                    {asked});
    }
    if (name == "send") {
        return udp ? tr("one datagram to the connected peer, sent whole or not at all")
                   : tr("hands bytes to the kernel to send; returns how many it took");
    }
    if (name == "recvfrom") {
        return fill(tr("one whole datagram, up to %s bytes, and who sent it"), {asked});
    }
    if (name == "sendto") {
        return tr("one datagram to this address, sent whole or not at all");
    }
    if (name == "recvmsg") {
        return tr("recvfrom, plus which of our addresses the datagram came to");
    }
    if (name == "sendmsg") {
        return tr("sendto, leaving from the address the datagram came to");
    }
    if (name == "shutdown") {
        return tr("our FIN: we send no more, but can still receive");
    }
    if (name == "close") {
        return udp ? tr("releases the socket and its number")
                   : tr("releases the socket and its number (a connection on it ends)");
    }
    return {};
}

// What an errno means, said the first time it appears.
std::string explain_error(int error, bool udp) {
    switch (error) {
    case ECONNREFUSED:
        return udp ? tr("a datagram met a closed port: ICMP 'port unreachable' came back")
                   : tr("nothing listens on that port: the host answered with a reset (RST)");
    case ECONNRESET:
        return tr("the peer reset the connection (RST) instead of closing it");
    case EPIPE:
        return tr("the connection is closed for sending: the peer is gone");
    case ETIMEDOUT:
        return tr("no answer in time");
    case EADDRINUSE:
        return tr("another socket already has this address and port");
    case EADDRNOTAVAIL:
        return tr("this machine has no such address");
    case EMFILE:
    case ENFILE:
        return tr("no descriptor left for a new socket");
    default:
        return {};
    }
}

// `  "Hola, servidor!"`, cut to fit in `room` columns, or nothing when it cannot show enough.
std::string preview(std::span<const std::byte> data, std::size_t room) {
    constexpr std::size_t least = 12;
    if (data.empty() || room < least) {
        return {};
    }
    std::string shown;
    bool cut = false;
    for (const std::byte b : data) {
        const auto c = static_cast<unsigned char>(b);
        std::string piece;
        switch (c) {
        case '\n':
            piece = "\\n";
            break;
        case '\r':
            piece = "\\r";
            break;
        case '\t':
            piece = "\\t";
            break;
        case '"':
            piece = "\\\"";
            break;
        case '\\':
            piece = "\\\\";
            break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                piece = std::string(1, static_cast<char>(c));
            } else {
                constexpr const char* hex = "0123456789abcdef";
                piece = std::string("\\x") + hex[c >> 4] + hex[c & 15];
            }
        }
        // Two spaces and two quotes, and "..." if more is left out.
        if (shown.size() + piece.size() + 4 + 3 > room) {
            cut = true;
            break;
        }
        shown += piece;
    }
    if (cut && shown.size() + 4 + 3 > room) {
        return {};
    }
    return "  \"" + shown + "\"" + (cut ? "..." : "");
}

void narrate(void* context, const Call& call) {
    auto& self = *static_cast<Narrator*>(context);
    if (call.error == EAGAIN || call.error == EWOULDBLOCK) {
        return; // the program waits in poll and calls again: the call that counts comes then
    }
    std::string lines = std::string(call_prefix) + std::string(call.text);
    if (call.result > 0 && !call.data.empty() && lines.size() < line_width) {
        lines += preview(call.data, line_width - lines.size());
    }
    lines += '\n';
    const auto say_once = [&](const std::string& key, const std::string& text) {
        if (!text.empty() && self.said.insert(key).second) {
            lines += std::string(indent) + text + "\n";
        }
    };
    say_once(std::string(call.name), explain_call(call, self.udp));
    if (call.name == "recv" && call.result == 0) {
        say_once("recv = 0", tr("0 bytes: the peer closed its side (FIN); nothing more will come"));
    }
    if (call.error != 0) {
        say_once("errno " + std::to_string(call.error), explain_error(call.error, self.udp));
    }
    standard_error().write(lines);
}

} // namespace

void explain_calls(std::string_view calls, bool udp) {
    narrator.udp = udp;
    standard_error().write(
        std::string(call_prefix) + "--explain: " + std::string(calls) + "\n" + std::string(indent) +
        tr("not shown: the waits (poll/epoll) and calls that would wait (EAGAIN)") + "\n");
    observe_calls(narrate, &narrator);
}

} // namespace echo
