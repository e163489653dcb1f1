// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace echo {

// The one error convention of the wrapper and the programs. A call that sets something up
// (socket, bind, listen, connect, accept, setsockopt, poll, pipe, sigaction) throws
// std::system_error when it fails, and its what() reads "step: strerror(errno)", e.g.
// "bind 127.0.0.1:1234: Address already in use". Moving bytes does not throw: read_some,
// write_some and the rest return an IoResult, and an exchange that failed says where with an
// IoFailure (io.hpp).

// Throws for the errno of the call that just failed; `step` names it ("poll", "getsockname").
[[noreturn]] void throw_errno(const char* step);

// Throws for `error`, saved earlier (from an IoResult, or before building `step`).
[[noreturn]] void throw_error(int error, const std::string& step);

} // namespace echo
