// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <exception>
#include <initializer_list>
#include <string>
#include <string_view>

namespace echo {

// The programs speak the language LC_MESSAGES asks for, through GNU gettext (part of glibc), in
// the text domain "echo-pair". English is the source language: under C and C.UTF-8, and wherever
// no catalogue is found, every line is the msgid itself.

// Once, first thing in main: the locale from the environment (LC_NUMERIC stays "C", so numbers
// read the same in every language), and where the catalogues are.
void init_translations();

// The translation of `msgid` (xgettext keyword tr).
[[nodiscard]] const char* tr(const char* msgid) noexcept;

// The form for `count` (xgettext keyword tr_plural:1,2).
[[nodiscard]] const char* tr_plural(const char* singular, const char* plural,
                                    std::uint64_t count) noexcept;

// Marks a literal for the catalogue without translating it; tr() it where it is shown.
[[nodiscard]] constexpr const char* tr_noop(const char* msgid) noexcept {
    return msgid;
}

// `pattern` with each "%s" replaced by the next of `args`, "%N$s" by the Nth (from 1), "%%" by
// "%": the printf directives xgettext and msgfmt --check know, so that a translation that drops
// or reorders a placeholder is caught, and translators see whole sentences.
[[nodiscard]] std::string fill(std::string_view pattern,
                               std::initializer_list<std::string_view> args);

// "send to 127.0.0.1:9" in the user's language: a step of the wrapper ("connect to", "bind",
// "listen", "resolve", "setsockopt", "send to", "recv from", "recv on") with its argument.
[[nodiscard]] std::string translated_step(std::string_view step, std::string_view argument);

// The one-line text of an error for the user: what() of an exception from the wrapper, whose
// steps are written in English where they are formed ("bind 127.0.0.1:1234: cause"), with the
// step translated; any other what() as it is (the layers above translate where they write it).
// The cause, strerror(3) or gai_strerror(3), comes already translated from glibc.
[[nodiscard]] std::string translated_error(const std::exception& error);

} // namespace echo
