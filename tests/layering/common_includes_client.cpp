// SPDX-License-Identifier: MIT
// Must not compile: what both programs share knows nothing of the client. tests/CMakeLists.txt
// builds this as part of echo_common and expects the compiler to say that "client_options.hpp" is
// not found.
#include "client_options.hpp"
