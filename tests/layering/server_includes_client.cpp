// SPDX-License-Identifier: MIT
// Must not compile: the server does not reach into the client. tests/CMakeLists.txt builds this as
// part of echo_server and expects the compiler to say that "pump.hpp" is not found.
#include "pump.hpp"
