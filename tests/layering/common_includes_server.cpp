// SPDX-License-Identifier: MIT
// Must not compile: what both programs share knows nothing of the server. tests/CMakeLists.txt
// builds this as part of echo_common and expects the compiler to say that "server_options.hpp" is
// not found.
#include "server_options.hpp"
