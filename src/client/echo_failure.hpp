// SPDX-License-Identifier: MIT
#pragma once

#include <stdexcept>

namespace echo {

// How a client mode fails: it throws. A call that failed throws std::system_error (its errno);
// an echo that is wrong, short, too long or missing throws EchoFailure, whose what() is the whole
// line. main() prints "echo-client: what()" and returns exit_failure. A mode that must show
// something first (the statistics of the rounds so far) shows it, then lets the exception go on.
class EchoFailure final : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

} // namespace echo
