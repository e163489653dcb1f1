// SPDX-License-Identifier: MIT
#include "log_writer.hpp"
#include "i18n.hpp"

#include "echo/io.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace echo {

namespace {

// Whether `fd` takes a write within `patience`. Never throws: the log is written from a
// destructor too, and a log that cannot even be polled is one we stop waiting for.
bool has_room(int fd, std::chrono::milliseconds patience) noexcept {
    pollfd entry{fd, POLLOUT, 0};
    try {
        return poll_for(std::span(&entry, 1), patience) > 0;
    } catch (const std::system_error&) {
        return false;
    }
}

} // namespace

LogWriter::LogWriter(int fd) : fd_(fd) {
    struct stat about {};
    if (::fstat(fd, &about) != 0) {
        return;
    }
    if (S_ISSOCK(about.st_mode)) {
        kind_ = Kind::socket;
    } else if (S_ISFIFO(about.st_mode) || S_ISCHR(about.st_mode)) {
        kind_ = Kind::polled;
        polled_piece_ = ::isatty(fd) == 1 ? 256 : PIPE_BUF; // a terminal may have less room
        // A new open file description of the same pipe or terminal, ours alone to make
        // non-blocking. Not for a pseudo-terminal's master side: opening it again makes a new
        // terminal. Where it cannot be done (no /proc, no permission), `polled` writes.
        unsigned int pty = 0;
        const bool pty_master = S_ISCHR(about.st_mode) && ::ioctl(fd, TIOCGPTN, &pty) == 0;
        if (!pty_master && (::fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDONLY) {
            const std::string path = "/proc/self/fd/" + std::to_string(fd);
            opened_ = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
            if (opened_ >= 0) {
                fd_ = opened_;
                kind_ = Kind::nonblocking;
            }
        }
    }
}

LogWriter::~LogWriter() {
    flush(exit_patience);
    if (opened_ >= 0) {
        ::close(opened_);
    }
}

void LogWriter::write(std::string_view lines) {
    const std::lock_guard lock(mutex_);
    send_held();
    if (!held_.empty() || dropped_ > 0) {
        hold(lines, false);
        return;
    }
    const std::size_t taken = write_now(lines);
    if (taken < lines.size()) {
        hold(lines.substr(taken), taken > 0 && lines[taken - 1] != '\n');
    }
}

bool LogWriter::flush(std::chrono::milliseconds patience) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    const std::lock_guard lock(mutex_);
    for (;;) {
        send_held();
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (held_.empty() || left.count() <= 0) {
            return held_.empty();
        }
        if (!has_room(fd_, left)) {
            send_held();
            return held_.empty();
        }
    }
}

std::size_t LogWriter::held() const {
    const std::lock_guard lock(mutex_);
    return held_.size();
}

std::uint64_t LogWriter::dropped() const {
    const std::lock_guard lock(mutex_);
    return dropped_;
}

// A blocking pipe or terminal we could not reopen: write only when poll(2) says there is room,
// and no more than a pipe takes whole when it has any (PIPE_BUF), less for a terminal.
ssize_t LogWriter::write_polled(std::string_view text) const {
    if (!has_room(fd_, std::chrono::milliseconds(0))) {
        errno = EAGAIN;
        return -1;
    }
    return ::write(fd_, text.data(), std::min(text.size(), polled_piece_));
}

std::size_t LogWriter::write_now(std::string_view text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const std::string_view rest = text.substr(done);
        const ssize_t n = kind_ == Kind::socket
                              ? ::send(fd_, rest.data(), rest.size(), MSG_DONTWAIT | MSG_NOSIGNAL)
                          : kind_ == Kind::polled ? write_polled(rest)
                                                  : ::write(fd_, rest.data(), rest.size());
        if (n > 0) {
            done += static_cast<std::size_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return done;
        } else if (n == 0 || errno != EINTR) {
            held_.clear(); // nobody can read what is held either
            return text.size();
        }
    }
    return done;
}

// Keeps `rest` while it fits, whole lines only; counts the lines that do not fit. A line the
// descriptor took in part (`cut`) is always finished, so that no line is ever cut short.
void LogWriter::hold(std::string_view rest, bool cut) {
    if (cut) {
        const std::size_t end = std::min(rest.find('\n'), rest.size() - 1) + 1;
        held_.append(rest.substr(0, end));
        rest.remove_prefix(end);
    }
    while (!rest.empty() && dropped_ == 0) {
        const std::size_t end = std::min(rest.find('\n'), rest.size() - 1) + 1;
        if (held_.size() + end > capacity) {
            break;
        }
        held_.append(rest.substr(0, end));
        rest.remove_prefix(end);
    }
    dropped_ += static_cast<std::uint64_t>(std::count(rest.begin(), rest.end(), '\n'));
}

// Writes what is held; once all of it went out, says how many lines were dropped.
void LogWriter::send_held() {
    held_.erase(0, write_now(held_));
    if (held_.empty() && dropped_ > 0) {
        const std::string notice =
            "[+] " +
            fill(tr_plural("%s status line dropped: standard error was not being read",
                           "%s status lines dropped: standard error was not being read", dropped_),
                 {std::to_string(dropped_)}) +
            "\n";
        dropped_ = 0;
        const std::size_t taken = write_now(notice);
        held_.append(notice.substr(taken));
    }
}

LogWriter& standard_error() {
    static LogWriter writer(STDERR_FILENO);
    return writer;
}

} // namespace echo
