// SPDX-License-Identifier: MIT
// The seccomp filter itself, installed in a forked child: what serving needs still works, a call
// outside the list fails with EPERM instead of killing the process.
#include "catch.hpp"

#include "sandbox.hpp"

#include <cerrno>
#include <thread>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

// Runs `check` in a forked child under the sandbox; returns the child's exit code (0: passed).
template <typename Check>
int in_sandboxed_child(Check check) {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (echo::install_sandbox() != echo::SandboxOutcome::on) {
            ::_exit(10);
        }
        ::_exit(check());
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status)); // refused, not killed
    return WEXITSTATUS(status);
}

} // namespace

TEST_CASE("The sandbox refuses a new socket and running a program with EPERM", "[sandbox]") {
    CHECK(in_sandboxed_child([] {
              return ::socket(AF_INET, SOCK_STREAM, 0) == -1 && errno == EPERM ? 0 : 1;
          }) == 0);
    CHECK(in_sandboxed_child([] {
              char* const argv[] = {nullptr};
              return ::execve("/bin/true", argv, argv) == -1 && errno == EPERM ? 0 : 1;
          }) == 0);
    CHECK(in_sandboxed_child([] { return ::setuid(0) == -1 && errno == EPERM ? 0 : 1; }) == 0);
}

TEST_CASE("Under the sandbox pipes and writes and threads still work", "[sandbox]") {
    CHECK(in_sandboxed_child([] {
              int fds[2];
              if (::pipe2(fds, O_CLOEXEC) != 0) {
                  return 1;
              }
              char byte = 0;
              std::thread writer([&] { (void)::write(fds[1], "x", 1); });
              writer.join();
              return ::read(fds[0], &byte, 1) == 1 && byte == 'x' ? 0 : 2;
          }) == 0);
}
