// SPDX-License-Identifier: MIT
#include "usage_options.hpp"

#include "catch.hpp"

#include <fstream>
#include <regex>
#include <sstream>

namespace echo::test {

std::string read_document(const std::string& path) {
    std::ifstream file(path);
    REQUIRE(file.good());
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

std::set<std::string> options_named_in(const std::string& text) {
    // A name starts the text or follows a blank, ',', '(', '[', '|' or '/'; it ends where a name
    // cannot go on. So "Ctrl-D", "TCP-LISTEN" and "0..65535" name nothing.
    static const std::regex name(
        R"((?:^|[\s,(\[|/])(--[A-Za-z0-9][A-Za-z0-9-]*|-[A-Za-z0-9])(?![A-Za-z0-9-]))");
    std::set<std::string> names;
    for (std::sregex_iterator it(text.begin(), text.end(), name), end; it != end; ++it) {
        names.insert((*it)[1].str());
    }
    return names;
}

std::set<std::string> options_in_help(const std::string& help) {
    std::set<std::string> options;
    std::istringstream lines(help);
    for (std::string line; std::getline(lines, line);) {
        const auto first = line.find_first_not_of(' ');
        if (first == 0 || first == std::string::npos || line[first] != '-') {
            continue;
        }
        // The option column ends at the first gap of two blanks.
        const std::string column = line.substr(first, line.find("  ", first) - first);
        options.merge(options_named_in(column));
    }
    return options;
}

std::set<std::string> long_options(const std::set<std::string>& options) {
    std::set<std::string> result;
    for (const std::string& option : options) {
        if (option.starts_with("--")) {
            result.insert(option);
        }
    }
    return result;
}

} // namespace echo::test
