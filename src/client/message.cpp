// SPDX-License-Identifier: MIT
#include "client_modes.hpp"
#include "connection_trace.hpp"
#include "echo/io.hpp"
#include "echo_failure.hpp"
#include "exchange.hpp"
#include "i18n.hpp"
#include "standard_descriptors.hpp"

#include <algorithm>
#include <system_error>

#include <unistd.h>

namespace echo {

int send_message(const ClientOptions& options, Socket socket, const Address& server,
                 const Status& status) {
    const std::string& message = options.message;
    std::string echo(message.size(), '\0');
    const std::string name = server.to_string();
    ConnectionTrace trace(status, name);
    // The whole echo first, then our FIN, then nothing more may come: a server that ends at our
    // FIN still echoes, and one that appends is caught.
    exchange(socket.fd(), std::as_bytes(std::span(message)),
             std::as_writable_bytes(std::span(echo)), options.timeout, trace, true);
    const auto [differs, unused] = std::mismatch(message.begin(), message.end(), echo.begin());
    if (differs != message.end()) {
        trace.ended(tr("echo mismatch"));
        throw EchoFailure(
            fill(tr("echo mismatch at byte %s of %s"),
                 {std::to_string(differs - message.begin() + 1), std::to_string(message.size())}));
    }
    const AfterEcho after = await_close(socket.fd(), options.timeout, trace);
    socket.reset();
    if (after.surplus > 0) {
        trace.ended(tr("echo longer than sent"));
        throw EchoFailure(surplus_text(after.surplus, after.closed, name));
    }
    if (!after.closed) {
        status.line(
            fill(tr("%s sent nothing more but kept the connection open for the timeout"), {name}));
    }
    trace.ended(tr("whole echo received"));
    const std::string line = echo + "\n";
    write_standard_output(line);
    return exit_ok;
}

} // namespace echo
