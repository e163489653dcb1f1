// SPDX-License-Identifier: MIT
#pragma once

#include "status.hpp"

namespace echo {

// What install_sandbox() achieved.
enum class SandboxOutcome {
    on,                   // no new privileges, and the seccomp filter is in place
    unsupported_platform, // not Linux, or an architecture the filter is not written for
    refused_by_kernel,    // prctl(2) failed (no seccomp in this kernel): errno says why
};

// Confines this process, and the threads it creates afterwards, to the system calls serving
// needs, as OpenBSD's pledge(2) would: PR_SET_NO_NEW_PRIVS, then a seccomp filter under which any
// other call fails with EPERM. Nothing that opens a file or a socket, runs a program or changes
// identity is allowed, so it comes after all setup.
SandboxOutcome install_sandbox();

// install_sandbox(), with a status line when the sandbox cannot be had; never throws.
void enter_sandbox(const Status& status);

} // namespace echo
