// SPDX-License-Identifier: MIT
// Must not compile: the client does not reach into the server. tests/CMakeLists.txt builds this as
// part of echo_client and expects the compiler to say that "poller.hpp" is not found.
#include "poller.hpp"
