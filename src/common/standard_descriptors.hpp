// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace echo {

// Opens /dev/null on whichever of 0, 1 and 2 is closed, so that no socket or pipe opened later
// takes a standard number (echo-server 2>&- would write its status lines into its own self-pipe,
// echo-client into its socket). Called first thing in main, before anything is opened.
void ensure_standard_descriptors() noexcept;

// All of `data` to standard output, where a failure is the program's (a full disk, a reader
// gone): throws std::system_error naming "write standard output".
void write_standard_output(std::span<const std::byte> data);
inline void write_standard_output(std::string_view text) {
    write_standard_output(std::as_bytes(std::span(text)));
}

} // namespace echo
