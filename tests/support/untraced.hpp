// SPDX-License-Identifier: MIT
#pragma once

#include "connection_trace.hpp"

// A trace that shows nothing (a quiet Status), for the loops under test that take one; one per
// thread, as a trace counts the bytes it is told about.
echo::ConnectionTrace& untraced();
