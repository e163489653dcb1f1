// SPDX-License-Identifier: MIT
#include "client_modes.hpp"
#include "connection_trace.hpp"
#include "echo/datagram.hpp"
#include "echo/error.hpp"
#include "echo/io.hpp"
#include "echo_failure.hpp"
#include "exchange.hpp"
#include "i18n.hpp"
#include "line_cutter.hpp"
#include "log_writer.hpp"
#include "standard_descriptors.hpp"
#include "udp_exchange.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace echo {

namespace {

// The longest line -i sends over TCP, newline included: the client holds it and its echo.
constexpr std::size_t line_limit = 1024 * 1024;

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
            throw_error(r.error, tr("read standard input"));
        }
        wait_for(STDIN_FILENO, POLLIN, std::chrono::milliseconds(-1));
    }
}

bool ends_line(std::span<const std::byte> piece) {
    return !piece.empty() && piece.back() == std::byte{'\n'};
}

// The echo of one line, checked, and its round-trip time: over TCP through exchange(), over UDP
// as one datagram with the resends and checks of -u.
class LineEcho final {
  public:
    LineEcho(const ClientOptions& options, int sock, const Address& server, const Status& status,
             ConnectionTrace& trace)
        : sock_(sock), timeout_(options.timeout), trace_(trace) {
        if (options.udp) {
            datagrams_.emplace(sock, server, options, status);
        }
    }

    // Returns the echo (valid until the next call), or throws on a wrong or missing echo.
    std::span<const std::byte> echo(std::span<const std::byte> line) {
        if (datagrams_) {
            return datagrams_->echo(line);
        }
        echo_.resize(line.size());
        exchange(sock_, line, echo_, timeout_, trace_, false);
        if (!std::equal(line.begin(), line.end(), echo_.begin())) {
            throw EchoFailure(fill(tr("echo mismatch: sent %s, the echo differs"),
                                   {plural(line.size(), "%s byte", "%s bytes")}));
        }
        return echo_;
    }

  private:
    int sock_;
    std::chrono::milliseconds timeout_;
    ConnectionTrace& trace_;
    std::optional<UdpExchange> datagrams_;
    std::vector<std::byte> echo_;
};

// Sends one line and prints its echo, without the newline, and its round-trip time.
void echo_line(LineEcho& round, std::span<const std::byte> line) {
    const auto start = std::chrono::steady_clock::now();
    const std::span<const std::byte> echo = round.echo(line);
    const std::chrono::duration<double, std::micro> rtt = std::chrono::steady_clock::now() - start;
    std::string shown(reinterpret_cast<const char*>(echo.data()),
                      echo.size() - (ends_line(echo) ? 1 : 0));
    char timing[64];
    std::snprintf(timing, sizeof(timing), "  (%.1f us)\n", rtt.count());
    write_standard_output(shown + timing);
}

// The end of input over TCP: our FIN, then, as in message mode, nothing more may come before the
// server's FIN. Throws EchoFailure when it sent more than we did.
void close_after_echo(int sock, std::chrono::milliseconds timeout, ConnectionTrace& trace) {
    shutdown_write(sock);
    trace.closed_write();
    const AfterEcho after = await_close(sock, timeout, trace);
    if (after.surplus > 0) {
        trace.ended(tr("echo longer than sent"));
        throw EchoFailure(surplus_text(after.surplus, after.closed, trace.peer()));
    }
    trace.ended(tr("end of input"));
}

// Lines longer than `limit`, newline included: over TCP an error (the client would hold it and
// its echo); over UDP, where a line is one datagram, each is read past without being held,
// reported once it ends, and skipped; the run then fails.
class LongLines final {
  public:
    LongLines(const ClientOptions& options, const Status& status)
        : udp_(options.udp), limit_(options.udp ? udp_payload_limit(options) : line_limit),
          status_(status) {}

    // The most bytes a piece of input may hold: one more makes a line too long.
    [[nodiscard]] std::size_t piece_limit() const noexcept { return limit_ + 1; }

    // Whether `piece` is (part of) a line too long, and so not to be sent.
    bool swallow(std::span<const std::byte> piece) {
        if (!skipping_ && piece.size() <= limit_) {
            return false;
        }
        if (!skipping_ && !udp_) {
            throw EchoFailure(fill(tr("a line of standard input is longer than the "
                                      "limit of 1 MiB (%s bytes, newline included)"),
                                   {std::to_string(limit_)}));
        }
        skipping_ = skipping_.value_or(0) + piece.size();
        if (ends_line(piece)) {
            skip();
        }
        return true;
    }

    // At the end of input: the last line, too long, had no newline.
    void finish() {
        if (skipping_) {
            skip();
        }
    }

    [[nodiscard]] std::uint64_t skipped() const noexcept { return skipped_; }

  private:
    void skip() {
        status_.error(fill(tr("a line of %s bytes does not fit in one UDP datagram (at most %s "
                              "bytes): not sent"),
                           {std::to_string(*skipping_), std::to_string(limit_)}));
        ++skipped_;
        skipping_.reset();
    }

    bool udp_;
    std::size_t limit_;
    const Status& status_;
    std::optional<std::uint64_t> skipping_; // the bytes so far of a line too long
    std::uint64_t skipped_ = 0;
};

} // namespace

int run_interactive(const ClientOptions& options, Socket socket, const Address& server,
                    const Status& status) {
    const bool terminal = ::isatty(STDIN_FILENO) == 1;
    // TRANSLATORS: the interactive prompt, on a terminal.
    const std::string prompt = tr("echo> ");
    ConnectionTrace trace(status, server.to_string());
    LineEcho round(options, socket.fd(), server, status, trace);
    LongLines long_lines(options, status);
    LineCutter cutter(long_lines.piece_limit());
    bool at_end = false;
    for (;;) {
        while (const auto piece = cutter.next(at_end)) {
            if (!long_lines.swallow(*piece)) {
                echo_line(round, *piece);
            }
        }
        if (at_end) {
            break;
        }
        if (terminal) {
            standard_error().write(prompt); // never blocks, like every status line
        }
        at_end = !read_more(cutter); // Ctrl-D or the end of the input
    }
    long_lines.finish();
    if (terminal) {
        standard_error().write("\n");
    }
    if (!options.udp) {
        close_after_echo(socket.fd(), options.timeout, trace);
    }
    // Each line too long for a datagram was reported as it was skipped; the run fails with them.
    return long_lines.skipped() > 0 ? exit_failure : exit_ok;
}

} // namespace echo
