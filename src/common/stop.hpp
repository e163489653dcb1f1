// SPDX-License-Identifier: MIT
#pragma once

namespace echo {

// SIGINT and SIGTERM ask the program to stop. The handler only sets a flag and writes one byte to
// a pipe (the self-pipe trick), so that every poll(2) loop that also watches stop_fd() wakes up.
// A SIGINT ignored by whoever started us (a background job of a script) stays ignored.
void install_stop_handlers();

// Readable once a stop was requested; -1 before install_stop_handlers().
int stop_fd() noexcept;

bool stop_requested() noexcept;

} // namespace echo
