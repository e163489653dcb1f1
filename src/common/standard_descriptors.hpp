// SPDX-License-Identifier: MIT
#pragma once

namespace echo {

// Opens /dev/null on whichever of 0, 1 and 2 is closed, so that no socket or pipe opened later
// takes a standard number (echo-server 2>&- would write its status lines into its own self-pipe,
// echo-client into its socket). Called first thing in main, before anything is opened.
void ensure_standard_descriptors() noexcept;

} // namespace echo
