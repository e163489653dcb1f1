// SPDX-License-Identifier: MIT
#include "echo/client_modes.hpp"
#include "echo/connection_trace.hpp"
#include "echo/exchange.hpp"
#include "echo/io.hpp"

#include <algorithm>
#include <system_error>

#include <unistd.h>

namespace echo {

int send_message(const ClientOptions& options, Socket socket, const Address& server,
                 const Status& status) {
    const std::string& message = options.message;
    std::string echo(message.size(), '\0');
    ConnectionTrace trace(status, server.to_string());
    exchange(socket.fd(), std::as_bytes(std::span(message)),
             std::as_writable_bytes(std::span(echo)), options.timeout, trace, true);
    socket.reset();
    trace.ended("whole echo received");

    const auto [differs, unused] = std::mismatch(message.begin(), message.end(), echo.begin());
    if (differs != message.end()) {
        status.error("echo mismatch at byte " + std::to_string(differs - message.begin() + 1) +
                     " of " + std::to_string(message.size()));
        return exit_failure;
    }
    const std::string line = echo + "\n";
    const IoResult written = write_all(STDOUT_FILENO, std::as_bytes(std::span(line)));
    if (written.status == IoStatus::error) {
        throw std::system_error(written.error, std::generic_category(), "write standard output");
    }
    return exit_ok;
}

} // namespace echo
