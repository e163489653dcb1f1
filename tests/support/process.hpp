// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

namespace echo::test {

using namespace std::chrono_literals;

// Paths of the programs under test, set by CMake.
std::string server_path();
std::string client_path();

// `timeout`, longer when the programs run under ECHO_TEST_WRAPPER (valgrind is slow).
std::chrono::milliseconds patience(std::chrono::milliseconds timeout);

// A child process with its standard input, output and error on pipes. When ECHO_TEST_WRAPPER is
// set (e.g. "valgrind --error-exitcode=99 ..."), the programs under test run under it.
// An exit code that only a checking tool gives (86 from a sanitizer, 99 from valgrind) fails the
// test: finish() throws, and the destructor fails the test case. The destructor stops a child
// that is still running (SIGTERM, then SIGKILL) and reaps it, so a failing test never leaves a
// process behind.
class Process {
  public:
    struct Result {
        int exit_code = -1; // 128 + signal number when killed by a signal
        std::string out;
        std::string err;
    };

    explicit Process(const std::vector<std::string>& command);
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    Process(Process&& other) noexcept;
    Process& operator=(Process&&) = delete;
    ~Process();

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

    // Reads standard error until a line containing `needle` arrives (returned whole), or throws
    // after `timeout`. Lines read so far are kept in err().
    std::string wait_for_line(const std::string& needle, std::chrono::milliseconds timeout = 10s);

    // "[+] Listening on ADDR:PORT (...)": waits for the line and returns PORT. `start`: the
    // line's start in another language ("[+] Escuchando en ").
    std::uint16_t wait_listening(std::chrono::milliseconds timeout = 10s,
                                 const std::string& start = "[+] Listening on ");

    // Reads standard output until it holds `needle`, or throws after `timeout`; returns all of
    // standard output read so far (finish() returns it too).
    std::string wait_for_output(const std::string& needle, std::chrono::milliseconds timeout = 10s);

    // Writes all of `input` to standard input, which stays open; throws after `timeout`.
    void write_stdin(const std::string& input, std::chrono::milliseconds timeout = 10s);

    void close_stdin();
    void close_stdout(); // our end of the child's stdout pipe: later writes there fail with EPIPE
    void close_stderr(); // likewise for stderr
    void signal(int number) const;

    // Reads what standard error holds now, without waiting (into err()); for a test that left
    // the pipe unread and starts reading it again.
    void read_stderr_now();

    // Waits up to `timeout` for the child to exit without reading its output, so that a full
    // pipe stays full; returns the exit code (as Result::exit_code), or -1 if it still runs.
    int wait_exit(std::chrono::milliseconds timeout);

    // Writes `input` to standard input (then closes it), collects all output and waits for the
    // exit; kills the child and throws after `timeout`.
    Result finish(const std::string& input = "", std::chrono::milliseconds timeout = 30s);

    [[nodiscard]] const std::string& err() const noexcept { return err_; }

  private:
    Result collect(const std::string& input, std::chrono::milliseconds timeout);

    pid_t pid_ = -1;
    int in_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    std::string out_;
    std::string err_;
    std::size_t err_scanned_ = 0;
};

// Runs a program to completion with `input` on its standard input.
Process::Result run(const std::vector<std::string>& argv, const std::string& input = "",
                    std::chrono::milliseconds timeout = 30s);

// An echo-server on 127.0.0.1 (or `host`), port 0, started with `extra` options; ready when
// constructed.
struct Server {
    explicit Server(const std::vector<std::string>& extra = {},
                    const std::string& host = "127.0.0.1");
    Process process;
    std::uint16_t port;
    [[nodiscard]] std::string port_text() const { return std::to_string(port); }
};

// echo-client's command line for `host` (127.0.0.1 unless said) and `port`, then `extra`; the
// UDP one with -u first.
std::vector<std::string> tcp_client(const std::string& port,
                                    const std::vector<std::string>& extra = {},
                                    const std::string& host = "127.0.0.1");
std::vector<std::string> udp_client(const std::string& port,
                                    const std::vector<std::string>& extra = {},
                                    const std::string& host = "127.0.0.1");

// The same for a Server of the test, on 127.0.0.1.
std::vector<std::string> tcp_client(const Server& server,
                                    const std::vector<std::string>& extra = {});
std::vector<std::string> udp_client(const Server& server,
                                    const std::vector<std::string>& extra = {});

// Deterministic pseudo-random bytes.
std::string random_bytes(std::size_t count, std::uint32_t seed = 1);

} // namespace echo::test
