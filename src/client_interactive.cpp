// SPDX-License-Identifier: MIT
#include "echo/client_modes.hpp"
#include "echo/connection_trace.hpp"
#include "echo/datagram.hpp"
#include "echo/exchange.hpp"
#include "echo/io.hpp"
#include "echo/line_cutter.hpp"
#include "echo/udp_exchange.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <system_error>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace echo {

namespace {

// The longest line -i sends over TCP, newline included: the client holds it and its echo.
constexpr std::size_t line_limit = 1024 * 1024;

void write_text(int fd, const std::string& text, const char* step) {
    const IoResult written = write_all(fd, std::as_bytes(std::span(text)));
    if (written.status == IoStatus::error && fd == STDOUT_FILENO) {
        throw std::system_error(written.error, std::generic_category(), step);
    }
}

// Reads more of standard input into `cutter`; false at its end. A read error is not an end.
bool read_more(LineCutter& cutter) {
    for (;;) {
        const IoResult r = read_some(STDIN_FILENO, cutter.room());
        if (r.status == IoStatus::ok) {
            cutter.filled(r.bytes);
            return true;
        }
        if (r.status == IoStatus::eof) {
            return false;
        }
        if (r.status == IoStatus::error) {
            throw std::system_error(r.error, std::generic_category(), "read standard input");
        }
        wait_for(STDIN_FILENO, POLLIN, std::chrono::milliseconds(-1));
    }
}

bool ends_line(std::span<const std::byte> piece) {
    return !piece.empty() && piece.back() == std::byte{'\n'};
}

} // namespace

// NOLINTNEXTLINE(readability-function-cognitive-complexity)
int run_interactive(const ClientOptions& options, Socket socket, const Address& server,
                    const Status& status) {
    const bool terminal = ::isatty(STDIN_FILENO) == 1;
    const std::string prompt = "echo> ";
    ConnectionTrace trace(status, server.to_string());
    const std::size_t limit = line_limit;
    // One byte more than a line may have: a piece that fills it is a line too long.
    LineCutter cutter(limit + 1);
    std::string echo;
    bool at_end = false;
    for (;;) {
        while (const auto piece = cutter.next(at_end)) {
            if (piece->size() > limit) {
                throw std::runtime_error(
                    "a line of standard input is longer than the limit of 1 MiB (" +
                    std::to_string(limit) + " bytes, newline included)");
            }
            echo.assign(piece->size(), '\0');
            const auto start = std::chrono::steady_clock::now();
            exchange(socket.fd(), *piece, std::as_writable_bytes(std::span(echo)), options.timeout,
                     trace, false);
            const std::chrono::duration<double, std::micro> rtt =
                std::chrono::steady_clock::now() - start;
            if (!std::equal(piece->begin(), piece->end(), std::as_bytes(std::span(echo)).begin())) {
                status.error("echo mismatch: sent " + std::to_string(piece->size()) +
                             " bytes, the echo differs");
                return exit_failure;
            }
            if (ends_line(*piece)) {
                echo.pop_back();
            }
            char timing[64];
            std::snprintf(timing, sizeof(timing), "  (%.1f us)\n", rtt.count());
            write_text(STDOUT_FILENO, echo + timing, "write standard output");
        }
        if (at_end) {
            break;
        }
        if (terminal) {
            write_text(STDERR_FILENO, prompt, "write prompt");
        }
        at_end = !read_more(cutter); // Ctrl-D or the end of the input
    }
    if (terminal) {
        write_text(STDERR_FILENO, "\n", "write prompt");
    }
    if (!options.udp) {
        ::shutdown(socket.fd(), SHUT_WR);
        trace.closed_write();
        const AfterEcho after = await_close(socket.fd(), options.timeout, trace);
        if (after.surplus > 0) {
            trace.ended("echo longer than sent");
            status.error(surplus_text(after.surplus, after.closed, trace.peer()));
            return exit_failure;
        }
        trace.ended("end of input");
    }
    return exit_ok;
}

} // namespace echo
