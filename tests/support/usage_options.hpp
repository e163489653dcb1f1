// SPDX-License-Identifier: MIT
#pragma once

#include <set>
#include <string>

namespace echo::test {

// The options a --help text lists: from each indented line that starts with '-', the short and
// long names in its first column ("  -H, --host HOST     ..." gives -H and --host).
std::set<std::string> options_in_help(const std::string& help);

// Every option named in `text` ("-4", "--port"), where a name starts a word.
std::set<std::string> options_named_in(const std::string& text);

// The whole text of a file of the source tree (a man page, the README); fails the test when it
// cannot be read.
std::string read_document(const std::string& path);

// Only the long ones ("--port") of a set of options.
std::set<std::string> long_options(const std::set<std::string>& options);

} // namespace echo::test
