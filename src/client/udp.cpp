// SPDX-License-Identifier: MIT
#include "client_modes.hpp"
#include "connection_trace.hpp"
#include "echo/datagram.hpp"
#include "echo/error.hpp"
#include "echo/io.hpp"
#include "i18n.hpp"
#include "line_cutter.hpp"
#include "standard_descriptors.hpp"
#include "udp_exchange.hpp"

#include <algorithm>
#include <cerrno>
#include <optional>
#include <system_error>

#include <poll.h>
#include <unistd.h>

namespace echo {

namespace {} // namespace

int send_udp_message(const ClientOptions& options, Socket socket, const Address& server,
                     const Status& status) {
    UdpExchange exchange(socket.fd(), server, options, status);
    std::string line(options.message);
    const auto echo = exchange.echo(std::as_bytes(std::span(line)));
    socket.reset();
    line.assign(reinterpret_cast<const char*>(echo.data()), echo.size());
    line += '\n';
    write_standard_output(std::as_bytes(std::span(line)));
    return exit_ok;
}

int stream_udp_lines(const ClientOptions& options, Socket socket, const Address& server,
                     const Status& status) {
    UdpExchange exchange(socket.fd(), server, options, status);
    LineCutter cutter(udp_payload_limit(options));
    std::uint64_t datagrams = 0;
    std::uint64_t bytes = 0;
    bool at_end = false;
    for (;;) {
        while (const auto datagram = cutter.next(at_end)) {
            write_standard_output(exchange.echo(*datagram));
            ++datagrams;
            bytes += datagram->size();
        }
        if (at_end) {
            break;
        }
        const IoResult r = read_some(STDIN_FILENO, cutter.room());
        if (r.status == IoStatus::ok) {
            cutter.filled(r.bytes);
        } else if (r.status == IoStatus::eof) {
            at_end = true;
        } else if (r.status == IoStatus::would_block) {
            wait_for(STDIN_FILENO, POLLIN, std::chrono::milliseconds(-1));
        } else {
            throw_error(r.error, tr("read standard input"));
        }
    }
    status.line(fill(
        tr("Sent %s (%s), every one echoed"),
        {plural(datagrams, "%s datagram", "%s datagrams"), plural(bytes, "%s byte", "%s bytes")}));
    return exit_ok;
}

} // namespace echo
