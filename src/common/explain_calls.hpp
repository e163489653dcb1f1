// SPDX-License-Identifier: MIT
#pragma once

#include <string_view>

namespace echo {

// --explain: from now on every socket call the wrapper makes (echo/explain.hpp) is a line on
// stderr, written like every status line (never waiting for the reader):
//
//   [call] --explain: the classic calls (recv/send, not splice), one line per call
//          not shown: the waits (poll/epoll) and calls that would wait (EAGAIN)
//   [call] socket(AF_INET, SOCK_STREAM) = 3
//          a new socket; the number it returns names it in every later call
//   [call] recv(4, 262144) = 15  "Hola, servidor!"
//
// The first line says which calls the mode makes (`calls`, at most 62 characters: "the classic
// calls (recv/send, not splice), one line per call"). The first
// time a call appears, and the first time an outcome does (the end of a stream, each errno), an
// indented line under it says what it means; `udp` picks the words for connect, send and
// ECONNREFUSED. Received bytes are shown quoted where the line has room (80 columns).
void explain_calls(std::string_view calls, bool udp);

} // namespace echo
