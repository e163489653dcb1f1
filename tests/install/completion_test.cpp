// SPDX-License-Identifier: MIT
// The bash completion scripts, run in a real bash with and without bash-completion loaded.
#include "catch.hpp"
#include "process.hpp"
#include "usage_options.hpp"

#include <sstream>
#include <vector>

using namespace echo::test;

namespace {

// Sources bash-completion (when `library` is not empty) and the program's completion script,
// fills COMP_WORDS with `words` as if the user pressed Tab after the last one, calls the
// function `complete -p` names for the program, and prints COMPREPLY. HOSTFILE points at a file
// naming one host, so that host completion has a known answer.
const char* const simulate = R"(
library=$1 script=$2
shift 2
if [ -n "$library" ]; then source "$library" || exit 3; fi
source "$script" || exit 3
spec=$(complete -p "$1") || exit 4
function=${spec#*-F }
function=${function%% *}
HOSTFILE=$(mktemp) || exit 5
trap 'rm -f "$HOSTFILE"' EXIT
printf '127.0.0.1 echo-pair-test.example\n' > "$HOSTFILE"
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
"$function" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}"
)";

// Without bash-completion, and with it where it is installed.
std::vector<std::string> libraries() {
    std::vector<std::string> result{""};
    if (!std::string(ECHO_BASH_COMPLETION_SCRIPT).empty()) {
        result.emplace_back(ECHO_BASH_COMPLETION_SCRIPT);
    }
    return result;
}

std::set<std::string> complete(const std::string& library, const std::vector<std::string>& words) {
    std::vector<std::string> argv{
        "bash",   "--norc", "--noprofile", "-c",
        simulate, "bash",   library,       std::string(ECHO_COMPLETIONS_DIR) + "/" + words.front()};
    argv.insert(argv.end(), words.begin(), words.end());
    const auto result = run(argv);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    REQUIRE(result.err.empty());
    std::set<std::string> offered;
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) {
            offered.insert(line);
        }
    }
    return offered;
}

std::set<std::string> help_options(const std::string& path) {
    const auto help = run({path, "--help"});
    REQUIRE(help.exit_code == 0);
    return options_in_help(help.out);
}

} // namespace

TEST_CASE("Completing echo-server -- offers --port and every long option", "[install]") {
    const auto long_ones = long_options(help_options(server_path()));
    REQUIRE(long_ones.count("--port") == 1);
    for (const std::string& library : libraries()) {
        CAPTURE(library);
        const auto offered = complete(library, {"echo-server", "--"});
        CHECK(offered.count("--port") == 1);
        CHECK(offered == long_ones);
        CHECK(complete(library, {"echo-server", "--po"}) == std::set<std::string>{"--port"});
    }
}

TEST_CASE("Completing - offers exactly the options --help lists", "[install]") {
    for (const auto& [program, path] :
         {std::pair{"echo-server", server_path()}, std::pair{"echo-client", client_path()}}) {
        const auto listed = help_options(path);
        REQUIRE(listed.count("-H") == 1);
        for (const std::string& library : libraries()) {
            CAPTURE(program, library);
            INFO("the options list in completions/" << program << " must match --help");
            CHECK(complete(library, {program, "-"}) == listed);
            CHECK(complete(library, {program, "-q", "hello", "-"}) == listed);
        }
    }
}

TEST_CASE("Completion offers host names after -H and nothing after a number", "[install]") {
    const std::set<std::string> test_host{"echo-pair-test.example"};
    for (const std::string& library : libraries()) {
        for (const char* program : {"echo-server", "echo-client"}) {
            CAPTURE(program, library);
            CHECK(complete(library, {program, "-H", "echo-pair-te"}) == test_host);
            CHECK(complete(library, {program, "--host", "echo-pair-te"}) == test_host);
            CHECK(complete(library, {program, "-p", ""}).empty());
            CHECK(complete(library, {program, "--port", "-"}).empty());
        }
        CAPTURE(library);
        CHECK(complete(library, {"echo-client", "-t", "-"}).empty());
        CHECK(complete(library, {"echo-client", "--timeout", ""}).empty());
        for (const char* option : {"--retries", "-c", "--count", "-s", "--size", "--interval"}) {
            CAPTURE(option);
            CHECK(complete(library, {"echo-client", option, "-"}).empty());
        }
    }
}
