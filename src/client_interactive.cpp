// SPDX-License-Identifier: MIT
#include "echo/client_modes.hpp"
#include "echo/connection_trace.hpp"
#include "echo/datagram.hpp"
#include "echo/exchange.hpp"
#include "echo/io.hpp"
#include "echo/udp_exchange.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <system_error>

#include <sys/socket.h>
#include <unistd.h>

namespace echo {

namespace {

void write_text(int fd, const std::string& text, const char* step) {
    const IoResult written = write_all(fd, std::as_bytes(std::span(text)));
    if (written.status == IoStatus::error && fd == STDOUT_FILENO) {
        throw std::system_error(written.error, std::generic_category(), step);
    }
}

} // namespace

int run_interactive(const ClientOptions& options, Socket socket, const Address& server,
                    const Status& status) {
    const bool terminal = ::isatty(STDIN_FILENO) == 1;
    const std::string prompt = "echo> ";
    ConnectionTrace trace(status, server.to_string());
    std::optional<UdpExchange> datagrams; // over UDP each line is one datagram
    if (options.udp) {
        datagrams.emplace(socket.fd(), server, options, status);
    }
    std::string line;
    std::string echo;
    for (;;) {
        if (terminal) {
            write_text(STDERR_FILENO, prompt, "write prompt");
        }
        if (!std::getline(std::cin, line)) {
            break; // Ctrl-D or the end of the input
        }
        if (!std::cin.eof()) {
            line += '\n'; // the newline typed is part of what is sent
        }
        echo.assign(line.size(), '\0');
        const auto start = std::chrono::steady_clock::now();
        exchange(socket.fd(), std::as_bytes(std::span(line)),
                 std::as_writable_bytes(std::span(echo)), options.timeout, trace, false);
        const std::chrono::duration<double, std::micro> rtt =
            std::chrono::steady_clock::now() - start;
        if (echo != line) {
            status.error("echo mismatch: sent " + std::to_string(line.size()) +
                         " bytes, the echo differs");
            return exit_failure;
        }
        if (!echo.empty() && echo.back() == '\n') {
            echo.pop_back();
        }
        char timing[64];
        std::snprintf(timing, sizeof(timing), "  (%.1f us)\n", rtt.count());
        write_text(STDOUT_FILENO, echo + timing, "write standard output");
    }
    if (terminal) {
        write_text(STDERR_FILENO, "\n", "write prompt");
    }
    if (!datagrams) {
        ::shutdown(socket.fd(), SHUT_WR);
        trace.closed_write();
        trace.ended("end of input");
    }
    return exit_ok;
}

} // namespace echo
