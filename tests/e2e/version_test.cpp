// SPDX-License-Identifier: MIT
// --version prints the CMake project version, the one place the version is written.
#include "catch.hpp"
#include "process.hpp"

#include <regex>

using namespace echo::test;

TEST_CASE("Both programs print the CMake project version for --version and -V", "[install]") {
    const std::string version = ECHO_TEST_VERSION;
    REQUIRE(std::regex_match(version, std::regex(R"(\d+\.\d+\.\d+)")));
    for (const auto& [program, path] :
         {std::pair{"echo-server", server_path()}, std::pair{"echo-client", client_path()}}) {
        for (const char* option : {"--version", "-V"}) {
            CAPTURE(program, option);
            const auto printed = run({path, option});
            CHECK(printed.exit_code == 0);
            CHECK(printed.out == std::string(program) + " " + version + "\n");
            CHECK(printed.err.empty());
        }
    }
}
