// SPDX-License-Identifier: MIT
#include "process.hpp"

#include "catch.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace echo::test {

namespace {

// The test process ignores SIGPIPE, like the programs do, so that a peer that went away is an
// error value in the test too.
const bool sigpipe_ignored = [] {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
}();

[[noreturn]] void fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

void close_fd(int& fd) {
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

// Reads what is there from `fd` into `into`; false at end of file (and closes `fd`).
bool drain(int& fd, std::string& into) {
    std::array<char, 65536> chunk{};
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n > 0) {
        into.append(chunk.data(), static_cast<std::size_t>(n));
        return true;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return true;
    }
    close_fd(fd);
    return false;
}

// ECHO_TEST_WRAPPER, split on spaces: a command that runs the programs under test, such as
// "valgrind --error-exitcode=99 ...". Empty when unset.
std::vector<std::string> wrapper() {
    std::vector<std::string> words;
    const char* value = std::getenv("ECHO_TEST_WRAPPER");
    std::istringstream stream(value != nullptr ? value : "");
    for (std::string word; stream >> word;) {
        words.push_back(word);
    }
    return words;
}

// Exit codes that only a checking tool produces, never the programs (0, 1, 2): the sanitizers'
// exitcode=86 (set by the asan test preset) and valgrind's --error-exitcode=99.
bool tool_reported(int exit_code) {
    return exit_code == 86 || exit_code == 99;
}

// Writes what `fd` takes of `input` from `written` on; closes `fd` when all is written or the
// child stopped reading.
void feed(int& fd, const std::string& input, std::size_t& written) {
    const ssize_t n = ::write(fd, input.data() + written, input.size() - written);
    if (n > 0) {
        written += static_cast<std::size_t>(n);
    }
    if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
        close_fd(fd);
    }
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

} // namespace

std::string server_path() {
    return ECHO_SERVER_PATH;
}
std::string client_path() {
    return ECHO_CLIENT_PATH;
}

std::chrono::milliseconds patience(std::chrono::milliseconds timeout) {
    static const bool wrapped = !wrapper().empty();
    return wrapped ? timeout * 5 : timeout;
}

Process::Process(const std::vector<std::string>& command) {
    (void)sigpipe_ignored;
    std::vector<std::string> argv = command;
    if (argv.front() == server_path() || argv.front() == client_path()) {
        const std::vector<std::string> words = wrapper();
        const bool valgrind = !words.empty() && words.front().find("valgrind") != std::string::npos;
        if (valgrind && argv.front() == server_path()) {
            // valgrind runs the program's calls on its own behalf: the filter would refuse them.
            argv.insert(argv.begin() + 1, "--no-sandbox");
        }
        argv.insert(argv.begin(), words.begin(), words.end());
    }
    int in_pipe[2];
    int out_pipe[2];
    int err_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
        ::pipe2(err_pipe, O_CLOEXEC) != 0) {
        fail("pipe2");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const std::string& arg : argv) {
        args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    const int status = ::posix_spawnp(&pid_, args[0], &actions, &attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    in_ = in_pipe[1];
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
    if (status != 0) {
        errno = status;
        pid_ = -1;
        fail("spawn " + argv.front());
    }
    ::fcntl(in_, F_SETFL, O_NONBLOCK);
}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), in_(std::exchange(other.in_, -1)),
      out_fd_(std::exchange(other.out_fd_, -1)), err_fd_(std::exchange(other.err_fd_, -1)),
      out_(std::move(other.out_)), err_(std::move(other.err_)), err_scanned_(other.err_scanned_) {}

Process::~Process() {
    if (pid_ > 0) {
        // Ask politely first: a program that exits normally runs its leak check (LeakSanitizer,
        // valgrind), so every run is checked, not only those a test finishes itself.
        ::kill(pid_, SIGTERM);
        try {
            const Result result = collect("", 10s);
            if (tool_reported(result.exit_code)) {
                const std::string report = "a checking tool reported an error (exit " +
                                           std::to_string(result.exit_code) + "): " + result.err;
                if (std::uncaught_exceptions() == 0) {
                    FAIL_CHECK(report);
                } else {
                    std::cerr << report << '\n';
                }
            }
        } catch (const std::exception&) {
            // finish() killed it with SIGKILL: nothing left to check.
        }
    }
    if (pid_ > 0) {
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    close_fd(in_);
    close_fd(out_fd_);
    close_fd(err_fd_);
}

std::string Process::wait_for_line(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + patience(timeout);
    for (;;) {
        for (std::size_t end = err_.find('\n', err_scanned_); end != std::string::npos;
             end = err_.find('\n', err_scanned_)) {
            std::string line = err_.substr(err_scanned_, end - err_scanned_);
            err_scanned_ = end + 1;
            if (line.find(needle) != std::string::npos) {
                return line;
            }
        }
        if (err_fd_ < 0) {
            throw std::runtime_error("stderr closed before a line with '" + needle +
                                     "'; stderr was: " + err_);
        }
        pollfd entry{err_fd_, POLLIN, 0};
        const int ready = ::poll(&entry, 1, remaining_ms(deadline));
        if (ready == 0) {
            throw std::runtime_error("timed out waiting for a line with '" + needle +
                                     "'; stderr was: " + err_);
        }
        if (ready > 0) {
            drain(err_fd_, err_);
        }
    }
}

std::uint16_t Process::wait_listening(std::chrono::milliseconds timeout, const std::string& start) {
    const std::string line = wait_for_line(start, timeout);
    const std::size_t open = line.rfind(" (");
    const std::size_t colon = line.rfind(':', open);
    return static_cast<std::uint16_t>(std::stoul(line.substr(colon + 1, open - colon - 1)));
}

std::string Process::wait_for_output(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out_.find(needle) == std::string::npos) {
        if (out_fd_ < 0) {
            throw std::runtime_error("stdout closed before '" + needle + "'; stdout was: " + out_);
        }
        pollfd entry{out_fd_, POLLIN, 0};
        const int ready = ::poll(&entry, 1, remaining_ms(deadline));
        if (ready == 0) {
            throw std::runtime_error("timed out waiting for '" + needle +
                                     "' on stdout; stdout was: " + out_);
        }
        if (ready > 0) {
            drain(out_fd_, out_);
        }
    }
    return out_;
}

void Process::write_stdin(const std::string& input, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t written = 0;
    while (written < input.size()) {
        pollfd entry{in_, POLLOUT, 0};
        if (in_ < 0 || ::poll(&entry, 1, remaining_ms(deadline)) == 0) {
            throw std::runtime_error("could not write standard input in time");
        }
        const ssize_t n = ::write(in_, input.data() + written, input.size() - written);
        if (n > 0) {
            written += static_cast<std::size_t>(n);
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            fail("write standard input");
        }
    }
}

void Process::close_stdin() {
    close_fd(in_);
}

void Process::close_stdout() {
    close_fd(out_fd_);
}

void Process::close_stderr() {
    close_fd(err_fd_);
}

void Process::signal(int number) const {
    if (pid_ > 0) {
        ::kill(pid_, number);
    }
}

void Process::read_stderr_now() {
    pollfd entry{err_fd_, POLLIN, 0};
    while (err_fd_ >= 0 && ::poll(&entry, 1, 0) > 0 && drain(err_fd_, err_)) {
        entry.fd = err_fd_;
    }
}

int Process::wait_exit(std::chrono::milliseconds timeout) {
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd < 0) {
        fail("pidfd_open");
    }
    pollfd exited{pidfd, POLLIN, 0};
    const int ready = ::poll(&exited, 1, static_cast<int>(timeout.count()));
    ::close(pidfd);
    if (ready <= 0) {
        return -1;
    }
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (tool_reported(exit_code)) {
        throw std::runtime_error("a checking tool reported an error (exit " +
                                 std::to_string(exit_code) + ")");
    }
    return exit_code;
}

Process::Result Process::finish(const std::string& input, std::chrono::milliseconds timeout) {
    Result result = collect(input, timeout);
    if (tool_reported(result.exit_code)) {
        throw std::runtime_error("a checking tool reported an error (exit " +
                                 std::to_string(result.exit_code) + "): " + result.err);
    }
    return result;
}

Process::Result Process::collect(const std::string& input, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + patience(timeout);
    std::size_t written = 0;
    if (input.empty()) {
        close_fd(in_);
    }
    while (out_fd_ >= 0 || err_fd_ >= 0 || in_ >= 0) {
        std::array<pollfd, 3> fds{{{in_, POLLOUT, 0}, {out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}}};
        const int ready = ::poll(fds.data(), fds.size(), remaining_ms(deadline));
        if (ready == 0) {
            ::kill(pid_, SIGKILL);
            throw std::runtime_error("process did not finish in time; stderr was: " + err_);
        }
        if (ready < 0) {
            continue;
        }
        if (fds[0].revents != 0) {
            feed(in_, input, written);
        }
        if (fds[1].revents != 0) {
            drain(out_fd_, out_);
        }
        if (fds[2].revents != 0) {
            drain(err_fd_, err_);
        }
    }
    // Output closed: the child is exiting. Wait for it with a pidfd, bounded by the deadline;
    // where pidfds are missing, the CTest TIMEOUT bounds the blocking waitpid instead.
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd >= 0) {
        pollfd exited{pidfd, POLLIN, 0};
        const int ready = ::poll(&exited, 1, remaining_ms(deadline));
        ::close(pidfd);
        if (ready == 0) {
            ::kill(pid_, SIGKILL);
            throw std::runtime_error("process closed its output but did not exit in time");
        }
    }
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    Result result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = std::move(out_);
    result.err = std::move(err_);
    return result;
}

Process::Result run(const std::vector<std::string>& argv, const std::string& input,
                    std::chrono::milliseconds timeout) {
    Process process(argv);
    return process.finish(input, timeout);
}

Server::Server(const std::vector<std::string>& extra, const std::string& host)
    : process([&] {
          std::vector<std::string> argv{server_path(), "-H", host, "-p", "0"};
          argv.insert(argv.end(), extra.begin(), extra.end());
          return Process(argv);
      }()),
      port(process.wait_listening()) {}

std::vector<std::string> tcp_client(const std::string& port, const std::vector<std::string>& extra,
                                    const std::string& host) {
    std::vector<std::string> argv{client_path(), "-H", host, "-p", port};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

std::vector<std::string> udp_client(const std::string& port, const std::vector<std::string>& extra,
                                    const std::string& host) {
    std::vector<std::string> argv{client_path(), "-u", "-H", host, "-p", port};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

std::vector<std::string> tcp_client(const Server& server, const std::vector<std::string>& extra) {
    return tcp_client(server.port_text(), extra);
}

std::vector<std::string> udp_client(const Server& server, const std::vector<std::string>& extra) {
    return udp_client(server.port_text(), extra);
}

std::string random_bytes(std::size_t count, std::uint32_t seed) {
    std::mt19937 generator(seed);
    std::string bytes(count, '\0');
    for (char& byte : bytes) {
        byte = static_cast<char>(generator() & 0xff);
    }
    return bytes;
}

} // namespace echo::test
