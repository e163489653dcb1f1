// SPDX-License-Identifier: MIT
// The man pages and --help name the same options, so neither can drift from the other.
#include "catch.hpp"
#include "process.hpp"
#include "usage_options.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace echo::test;

namespace {

// The text of one `.SH` section of a man page, from its heading to the next.
std::string section(const std::string& page, const std::string& heading) {
    const std::string start = "\n.SH " + heading + "\n";
    const auto begin = page.find(start);
    if (begin == std::string::npos) {
        return "";
    }
    const auto body = begin + start.size();
    const auto end = page.find("\n.SH ", body);
    return page.substr(body, end == std::string::npos ? std::string::npos : end - body);
}

// Roff as a reader sees it: "\fB\-\-port\fR" is "--port".
std::string plain(const std::string& roff) {
    static const std::regex fonts(R"(\\f[BIRP]|\\f\(..|\\f\[[^\]]*\]|\\%|\\&)");
    static const std::regex hyphen(R"(\\-)");
    return std::regex_replace(std::regex_replace(roff, fonts, ""), hyphen, "-");
}

// A page's headings, in its language: NAME, SYNOPSIS, DESCRIPTION, OPTIONS, STATUS LINES, EXIT
// STATUS, EXAMPLES, SEE ALSO.
const std::vector<std::string> english{"NAME",         "SYNOPSIS",    "DESCRIPTION", "OPTIONS",
                                       "STATUS LINES", "EXIT STATUS", "EXAMPLES",    "SEE ALSO"};
const std::vector<std::string> spanish{"NOMBRE",   "SINOPSIS",         "DESCRIPCIÓN",
                                       "OPCIONES", "LÍNEAS DE ESTADO", "ESTADO DE SALIDA",
                                       "EJEMPLOS", "VÉASE TAMBIÉN"};

struct Page {
    std::string program;
    std::string man_path;
    const std::vector<std::string>& headings;
};

// The Spanish pages list the same options as the English ones: --help names the same options
// in every language (tests/e2e/spanish_test.cpp).
const Page pages[] = {{"echo-server", ECHO_SERVER_MAN, english},
                      {"echo-client", ECHO_CLIENT_MAN, english},
                      {"echo-server", ECHO_SERVER_MAN_ES, spanish},
                      {"echo-client", ECHO_CLIENT_MAN_ES, spanish}};

std::string program_path(const std::string& program) {
    return program == "echo-server" ? server_path() : client_path();
}

} // namespace

TEST_CASE("The man page documents every option --help lists and no other", "[install]") {
    for (const Page& page : pages) {
        CAPTURE(page.man_path);
        const auto help = run({program_path(page.program), "--help"});
        REQUIRE(help.exit_code == 0);
        const auto listed = options_in_help(help.out);
        REQUIRE(listed.count("--help") == 1);
        REQUIRE(listed.count("-V") == 1);

        const std::string options = section(read_document(page.man_path), page.headings[3]);
        REQUIRE_FALSE(options.empty());
        const auto documented = options_named_in(plain(options));
        for (const std::string& option : listed) {
            INFO(page.program << " --help lists " << option << ": document it under OPTIONS");
            CHECK(documented.count(option) == 1);
        }
        for (const std::string& option : documented) {
            INFO(page.man_path << " names " << option << " under OPTIONS; --help does not");
            CHECK(listed.count(option) == 1);
        }
    }
}

TEST_CASE("The man pages have the sections a reader looks for", "[install]") {
    for (const Page& page : pages) {
        CAPTURE(page.man_path);
        const std::string text = read_document(page.man_path);
        std::string title = page.program;
        std::transform(title.begin(), title.end(), title.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        CHECK(text.find("\n.TH " + title + " 1 ") != std::string::npos);
        for (const std::string& heading : page.headings) {
            CAPTURE(heading);
            CHECK_FALSE(section(text, heading).empty());
        }
        CHECK(section(text, page.headings[0]).rfind(page.program + " \\- ", 0) == 0);
        const std::string see_also = plain(section(text, page.headings[7]));
        for (const char* reference : {"nc (1)", "ncat (1)", "socat (1)"}) {
            CAPTURE(reference);
            CHECK(see_also.find(reference) != std::string::npos);
        }
    }
}
