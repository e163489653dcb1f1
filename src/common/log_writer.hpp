// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace echo {

// Writes whole lines to a descriptor (standard error) without ever blocking the caller, so that a
// reader that stops reading cannot stall the program. What the descriptor does not take at once
// is held, up to `capacity` bytes, and goes out at a later write or at exit; past that, lines
// are dropped and, once everything held went out, one line tells how many:
// "[+] N status lines dropped: standard error was not being read".
//
// The shared file description is never made non-blocking (the shell and, under 2>&1, standard
// output share it): a pipe, FIFO or terminal is reopened through /proc/self/fd as a new,
// non-blocking description; a socket is written with MSG_DONTWAIT; anything else (a regular
// file, /dev/null) takes plain writes, which do not wait for a reader. A pipe or terminal that
// cannot be reopened (no /proc, no permission, a pseudo-terminal's master) is written only when
// poll(2) says it has room, a piece at a time.
class LogWriter final {
  public:
    static constexpr std::size_t capacity = 64 * 1024;
    static constexpr std::chrono::milliseconds exit_patience{250};

    explicit LogWriter(int fd);
    LogWriter(const LogWriter&) = delete;
    LogWriter& operator=(const LogWriter&) = delete;
    ~LogWriter(); // flush(exit_patience), then closes what it opened

    // `lines`: one or more whole lines. A write error (no reader left, a full disk) drops them
    // silently, as before: it must not stop the program.
    void write(std::string_view lines);

    // Waits up to `patience` for the held lines to go out; true when none are left.
    bool flush(std::chrono::milliseconds patience);

    [[nodiscard]] std::size_t held() const;
    [[nodiscard]] std::uint64_t dropped() const;

  private:
    enum class Kind { plain, nonblocking, polled, socket };

    std::size_t write_now(std::string_view text); // what the descriptor took (all on an error)
    ssize_t write_polled(std::string_view text) const;
    void hold(std::string_view rest, bool cut);
    void send_held();

    int fd_;
    int opened_ = -1;
    Kind kind_ = Kind::plain;
    std::size_t polled_piece_ = 0; // Kind::polled: the most one write may carry
    std::string held_;
    std::uint64_t dropped_ = 0;
    mutable std::mutex mutex_;
};

// The writer of standard error that Status uses, created at its first use.
LogWriter& standard_error();

} // namespace echo
