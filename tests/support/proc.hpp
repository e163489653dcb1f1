// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include <sys/types.h>

namespace echo::test {

// How many descriptors a process has open, from /proc/PID/fd.
std::size_t open_descriptors(pid_t pid);

// The descriptor number a process's next open would get, from /proc/PID/fd.
int lowest_free_descriptor(pid_t pid);

// A "Vm...:" figure from /proc/PID/status ("VmRSS", "VmHWM"), in KiB; fails the test if missing.
long memory_kib(pid_t pid, const std::string& field);

// User plus system CPU time of a process so far, from /proc/PID/stat.
std::chrono::milliseconds cpu_time(pid_t pid);

// The port of the first listening TCP socket of process `pid` (from /proc), or 0 if none yet.
std::uint16_t listening_port(pid_t pid);

} // namespace echo::test
