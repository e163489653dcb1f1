// SPDX-License-Identifier: MIT
#include "stream_echo_paths.hpp"

#if defined(__linux__)

#include "echo/socket.hpp"

#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace echo::detail {

namespace {

// The pipe between the two splices. It holds references to the socket's pages, not copies: 1 MiB
// (the usual pipe-max-size) means fewer calls per byte than the default 64 KiB (measured in
// bench/: about 10% more throughput). If the kernel refuses, the default serves. The pipe blocks,
// so that splice(2) blocks or not as the peer's socket does (a blocking one: one call a chunk).
constexpr int wanted_pipe_bytes = 1024 * 1024;

struct Pipe {
    Socket read_end;
    Socket write_end;
    std::size_t capacity = 0;
};

bool open_pipe(Pipe& pipe) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return false;
    }
    pipe.read_end.reset(fds[0]);
    pipe.write_end.reset(fds[1]);
    int capacity = ::fcntl(fds[1], F_SETPIPE_SZ, wanted_pipe_bytes);
    if (capacity < 0) {
        capacity = ::fcntl(fds[1], F_GETPIPE_SZ);
    }
    pipe.capacity = capacity > 0 ? static_cast<std::size_t>(capacity) : 64 * 1024;
    return true;
}

bool cannot_splice(int error) {
    return error == EINVAL || error == ENOSYS || error == EOPNOTSUPP;
}

bool would_block(int error) {
    return error == EAGAIN || error == EWOULDBLOCK;
}

// Whether `peer` has a byte to read, whatever splice(2) said.
bool byte_waiting(int peer) {
    char byte = 0;
    return ::recv(peer, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

// Hands what is still in the pipe (already read from the peer, not yet echoed) to the portable
// loop; the pipe holds exactly `in_pipe` bytes, so no read waits.
SpliceEnd hand_over(const Pipe& pipe, std::size_t in_pipe, EchoOutcome outcome) {
    SpliceEnd end{true, outcome, std::vector<std::byte>(in_pipe)};
    std::size_t got = 0;
    while (got < in_pipe) {
        const ssize_t n = ::read(pipe.read_end.fd(), end.pending.data() + got, in_pipe - got);
        if (n > 0) {
            got += static_cast<std::size_t>(n);
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    end.pending.resize(got);
    return end;
}

// The same loop as echo_by_copy(), with splice(2) into the pipe and out of it: run() holds the
// loop, its ends and its two hand-overs to the copy loop (a kernel that cannot splice, the urgent
// mark); splice_in() and splice_out() move the bytes.
class SpliceEcho {
  public:
    SpliceEcho(int peer, int stop_fd, Pipe pipe)
        : peer_(peer), stop_fd_(stop_fd), pipe_(std::move(pipe)) {
        outcome_.spliced = true;
    }

    SpliceEnd run() {
        for (unsigned round = 1;; ++round) {
            if (round % rounds_between_stop_checks == 0 && stop_pending(stop_fd_)) {
                return ended(EchoOutcome::End::stopped);
            }
            const bool sending = in_pipe_ > 0;
            const ssize_t n = sending ? splice_out() : splice_in();
            const int error = n < 0 ? errno : 0;
            if (n > 0) {
                woken_for_ = 0;
                continue;
            }
            if (!sending && n == 0 && !byte_waiting(peer_) && !stopped_meanwhile(0, stop_fd_)) {
                // End of stream and the pipe is empty: all echoed, send our FIN too.
                shutdown_write(peer_);
                return {false, outcome_, {}};
            }
            const short waiting_for = sending ? POLLOUT : POLLIN;
            outcome_.failure.step = sending ? "send to" : "recv from";
            if (stopped_meanwhile(error, stop_fd_)) {
                return ended(EchoOutcome::End::stopped);
            }
            if (error == EINTR) {
                continue;
            }
            // splice(2) never reads past urgent data (MSG_OOB), even inline (SO_OOBINLINE): there
            // it would block while poll(2) says readable, so that polling again would spin, or,
            // once the peer's FIN has come, it says end of stream with bytes still to read. The
            // portable loop reads on through urgent data, and takes the rest of this (rare) stream.
            const bool stuck =
                n == 0 || (waiting_for == POLLIN && woken_for_ == POLLIN && would_block(error));
            if (cannot_splice(error) || stuck) {
                outcome_.spliced = outcome_.bytes > 0 || in_pipe_ > 0;
                outcome_.failure.step = "";
                return hand_over(pipe_, in_pipe_, outcome_);
            }
            if (!would_block(error)) {
                outcome_.failure.error = error;
                return ended(EchoOutcome::End::failed);
            }
            if (wait_or_stop(peer_, waiting_for, stop_fd_)) {
                return ended(EchoOutcome::End::stopped);
            }
            woken_for_ = waiting_for;
        }
    }

  private:
    ssize_t splice_out() {
        const ssize_t n =
            ::splice(pipe_.read_end.fd(), nullptr, peer_, nullptr, in_pipe_, SPLICE_F_MOVE);
        if (n > 0) {
            in_pipe_ -= static_cast<std::size_t>(n);
            outcome_.bytes += static_cast<std::uint64_t>(n);
        }
        return n;
    }

    // The pipe is empty when we read into it, so "would block" can only be the socket's.
    ssize_t splice_in() {
        const ssize_t n =
            ::splice(peer_, nullptr, pipe_.write_end.fd(), nullptr, pipe_.capacity, SPLICE_F_MOVE);
        if (n > 0) {
            in_pipe_ = static_cast<std::size_t>(n);
        }
        return n;
    }

    SpliceEnd ended(EchoOutcome::End end) {
        outcome_.end = end;
        return {false, outcome_, {}};
    }

    int peer_;
    int stop_fd_;
    Pipe pipe_;
    EchoOutcome outcome_;
    std::size_t in_pipe_ = 0; // read from the peer, not yet echoed
    short woken_for_ = 0;     // what poll(2) last said the peer is ready for, until progress
};

} // namespace

SpliceEnd echo_by_splice(int peer, int stop_fd) {
    Pipe pipe;
    if (!open_pipe(pipe)) {
        return {true, {}, {}}; // no descriptors left for a pipe: the portable loop needs none
    }
    return SpliceEcho(peer, stop_fd, std::move(pipe)).run();
}

} // namespace echo::detail

#else

namespace echo::detail {

SpliceEnd echo_by_splice(int /*peer*/, int /*stop_fd*/) {
    return {true, {}, {}};
}

} // namespace echo::detail

#endif
