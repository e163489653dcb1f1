// SPDX-License-Identifier: MIT
// Must not compile: the socket wrapper knows nothing of status lines. tests/CMakeLists.txt builds
// this as part of echo_net and expects the compiler to say that "status.hpp" is not found.
#include "status.hpp"
