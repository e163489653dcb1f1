// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace echo {

// The one place where both programs talk to the user on stderr, so that lines look the same
// everywhere: "[+] Listening on 127.0.0.1:1234 (TCP)" for status, "echo-server: cause" for errors.
// Each line is one write(2), at once where stderr takes it, else held or dropped but never waited
// for (see log_writer.hpp); a closed or broken stderr is ignored.
// With -v (verbose) it also shows what crosses the wire: "[<]" bytes received, "[>]" bytes sent,
// each with a hexdump, and "[*]" events in the life of a connection. Each of these lines starts
// with the seconds since the program started, "[<] +0.000123 15 bytes from ...", to the
// microsecond; "[+]" lines and errors never carry one, so that scripts read them unchanged.
class Status final {
  public:
    // The first Status readies the writer of stderr (one descriptor of its own, opened then,
    // before the program's sockets).
    Status(std::string_view program, bool quiet, bool verbose = false);

    void line(std::string_view text) const;  // "[+] text", unless quiet
    void error(std::string_view text) const; // "program: text", always
    // "[hint] text", unless quiet: what to try next, after the line it explains (an error, or
    // the Listening lines); a marker of its own, so that scripts reading "[+]" lines skip it.
    void hint(std::string_view text) const;

    // `text` on standard output (--help, --version); false after saying why it failed.
    [[nodiscard]] bool print(std::string_view text) const;

    // Only with -v. `offset`: where `bytes` start in their direction's stream (a connection's
    // bytes so far that way; 0 for a datagram, a message of its own), which the hexdump counts
    // from.
    void received(std::string_view peer, std::span<const std::byte> bytes,
                  std::uint64_t offset = 0) const;
    void sent(std::string_view peer, std::span<const std::byte> bytes,
              std::uint64_t offset = 0) const;
    void event(std::string_view text) const; // "[*] +0.000123 text"

    [[nodiscard]] const std::string& program() const noexcept { return program_; }
    [[nodiscard]] bool quiet() const noexcept { return quiet_; }
    [[nodiscard]] bool verbose() const noexcept { return verbose_; }

  private:
    std::string program_;
    bool quiet_;
    bool verbose_;
};

// "+0.000123": the time since the program started, in seconds to the microsecond.
std::string elapsed_since_start();

// A count with its noun in the form the language asks for: plural(n, "%s byte", "%s bytes") is
// "1 byte", "2 bytes", "0 bytes" in English (ngettext picks; xgettext keyword plural:2,3). For
// every count that a line prints.
std::string plural(std::uint64_t count, const char* singular, const char* plural_form);

// "text: strerror(error)"
std::string describe(std::string_view step, int error);

} // namespace echo
