// SPDX-License-Identifier: MIT
#include "stop.hpp"

#include "echo/error.hpp"

#include <cerrno>
#include <csignal>
#include <system_error>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace echo {

namespace {

volatile std::sig_atomic_t stop_flag = 0;
volatile std::sig_atomic_t stop_shuts_down = -1; // a descriptor, or -1
int stop_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int /*signal*/) {
    const int saved = errno;
    stop_flag = 1;
    const char byte = 's';
    [[maybe_unused]] const ssize_t ignored = ::write(stop_pipe[1], &byte, 1);
    const int blocked = stop_shuts_down;
    if (blocked >= 0) {
        ::shutdown(blocked, SHUT_RDWR); // async-signal-safe: wakes a call blocked on it
    }
    errno = saved;
}

} // namespace

void install_stop_handlers() {
    if (stop_pipe[0] < 0 && ::pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        throw_errno("pipe");
    }
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (const int signal : {SIGINT, SIGTERM}) {
        // A program started in the background by a script has SIGINT ignored, so that Ctrl-C
        // at the terminal stops the script, not it: leave it so, as shells and ping do.
        struct sigaction inherited {};
        if (signal == SIGINT && ::sigaction(signal, nullptr, &inherited) == 0 &&
            inherited.sa_handler == SIG_IGN) {
            continue;
        }
        if (::sigaction(signal, &action, nullptr) != 0) {
            throw_errno("sigaction");
        }
    }
}

int stop_fd() noexcept {
    return stop_pipe[0];
}

bool stop_requested() noexcept {
    return stop_flag != 0;
}

ShutdownOnStop::ShutdownOnStop(int socket) noexcept {
    stop_shuts_down = socket;
    if (socket >= 0 && stop_requested()) {
        ::shutdown(socket, SHUT_RDWR); // the signal came before we were armed
    }
}

ShutdownOnStop::~ShutdownOnStop() {
    stop_shuts_down = -1;
}

} // namespace echo
