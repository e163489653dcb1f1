// SPDX-License-Identifier: MIT
// The README's option lists and --help name the same options, so neither can drift from the other.
#include "catch.hpp"
#include "process.hpp"
#include "usage_options.hpp"

#include <fstream>
#include <sstream>

using namespace echo::test;

namespace {

// The first fenced block after the heading "### `program` options": the program's option list.
std::string option_list(const std::string& readme, const std::string& program) {
    const std::string heading = "\n### `" + program + "` options\n";
    const auto at = readme.find(heading);
    if (at == std::string::npos) {
        return "";
    }
    const auto open = readme.find("\n```", at + heading.size());
    const auto next_heading = readme.find("\n#", at + heading.size());
    if (open == std::string::npos || (next_heading != std::string::npos && next_heading < open)) {
        return "";
    }
    const auto body = readme.find('\n', open + 1);
    const auto close = readme.find("\n```", body);
    return close == std::string::npos ? "" : readme.substr(body, close - body);
}

} // namespace

TEST_CASE("The README lists every option --help lists and no other", "[install]") {
    const std::string readme = read_document(ECHO_README);
    for (const std::string program : {"echo-server", "echo-client"}) {
        CAPTURE(program);
        const auto help = run({program == "echo-server" ? server_path() : client_path(), "--help"});
        REQUIRE(help.exit_code == 0);
        const auto listed = options_in_help(help.out);
        REQUIRE(listed.count("--help") == 1);

        const std::string list = option_list(readme, program);
        INFO("README.md: a heading \"### `" << program
                                            << "` options\" and a fenced block under it");
        REQUIRE_FALSE(list.empty());
        const auto documented = options_named_in(list);
        for (const std::string& option : listed) {
            INFO(program << " --help lists " << option << ": add it to the README's option list");
            CHECK(documented.count(option) == 1);
        }
        for (const std::string& option : documented) {
            INFO("the README's " << program << " option list names " << option
                                 << "; --help does not");
            CHECK(listed.count(option) == 1);
        }
    }
}
