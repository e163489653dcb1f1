// SPDX-License-Identifier: MIT
// docs/CLASSROOM.md: every example in the lesson runs, and shows what the lesson says it shows.
// An example is a fenced block whose first line is "$ echo-server ..." or "$ echo-client ...",
// followed by its output (stdout and stderr as a terminal interleaves them; "..." skips lines).
// The clients after a server, up to the next heading, talk to that server. A server example
// showing "^Z" (Ctrl-Z, then the shell's "[1]+  Stopped" line) is suspended while its clients run.
#include "catch.hpp"
#include "process.hpp"
#include "sockets.hpp"
#include "usage_options.hpp"

#include <algorithm>
#include <csignal>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace echo::test;

namespace {

struct Example {
    std::size_t line = 0;           // in the document, for messages
    std::vector<std::string> words; // the command after "$ "
    std::vector<std::string> expected;
    bool suspended = false; // the reader pressed Ctrl-Z after the server started
    [[nodiscard]] bool server() const { return words.front() == "echo-server"; }
    [[nodiscard]] bool has(const std::string& option) const {
        return std::find(words.begin(), words.end(), option) != words.end();
    }
};

// The examples of one section: at most one server, then the clients.
using Scene = std::vector<Example>;

std::vector<std::string> split_words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> words;
    for (std::string word; in >> word;) {
        words.push_back(word);
    }
    return words;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

std::vector<Scene> scenes(const std::string& document) {
    std::vector<Scene> all(1);
    const auto lines = split_lines(document);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].starts_with("#")) {
            all.emplace_back();
        } else if (lines[i].starts_with("```") && i + 1 < lines.size() &&
                   lines[i + 1].starts_with("$ echo-")) {
            Example example{i + 2, split_words(lines[i + 1].substr(2)), {}};
            for (i += 2; i < lines.size() && !lines[i].starts_with("```"); ++i) {
                if (lines[i] == "^Z") {
                    example.suspended = true;
                } else if (!lines[i].starts_with("[1]+")) { // the shell's, not the program's
                    example.expected.push_back(lines[i]);
                }
            }
            all.back().push_back(example);
        }
    }
    std::erase_if(all, [](const Scene& scene) { return scene.empty(); });
    return all;
}

// What varies from run to run: addresses and ports, times, descriptor numbers, the listen
// backlog (net.core.somaxconn), decimal figures (round trips, rates).
std::string normalised(std::string line) {
    static const std::vector<std::pair<std::regex, std::string>> rules = {
        {std::regex(R"(\[[0-9a-fA-F:.]+\]:\d+|\d+\.\d+\.\d+\.\d+:\d+)"), "ADDR:PORT"},
        {std::regex(R"(\d+\.\d+\.\d+\.\d+)"), "ADDR"},
        {std::regex(R"(\+\d+\.\d{6})"), "+TIME"},
        {std::regex(R"(^\[call\] (\w+)\(\d+)"), "[call] $1(FD"},
        {std::regex(R"(^(\[call\] (socket|accept)\(.*\)) = \d+)"), "$1 = FD"},
        {std::regex(R"(listen\(FD, \d+\))"), "listen(FD, N)"},
        {std::regex(R"(up to \d+ wait)"), "up to N wait"},
        {std::regex(R"(\d+\.\d+)"), "#"},
        {std::regex(R"(\d+ bytes/s)"), "# bytes/s"},
    };
    for (const auto& [pattern, replacement] : rules) {
        line = std::regex_replace(line, pattern, replacement);
    }
    return line;
}

// The expected lines, in order, each the next line of stdout or of stderr; "..." skips lines of
// either until the next expected line. Returns what went wrong, or "" when all matched.
std::string mismatch(const std::vector<std::string>& expected, const std::string& out,
                     const std::string& err) {
    const auto out_lines = split_lines(out);
    const auto err_lines = split_lines(err);
    std::size_t o = 0;
    std::size_t e = 0;
    bool skipping = false;
    for (const std::string& raw : expected) {
        if (raw == "...") {
            skipping = true;
            continue;
        }
        const std::string want = normalised(raw);
        const auto find = [&](const std::vector<std::string>& lines, std::size_t from) {
            for (std::size_t at = from; at < lines.size() && (skipping || at == from); ++at) {
                if (normalised(lines[at]) == want) {
                    return at;
                }
            }
            return lines.size();
        };
        if (const auto at = find(err_lines, e); at < err_lines.size()) {
            e = at + 1;
        } else if (const auto at_out = find(out_lines, o); at_out < out_lines.size()) {
            o = at_out + 1;
        } else {
            return "not shown: \"" + raw + "\"";
        }
        skipping = false;
    }
    if (!skipping && (o < out_lines.size() || e < err_lines.size())) {
        return "shown by the program but not in the lesson: \"" +
               (e < err_lines.size() ? err_lines[e] : out_lines[o]) + "\"";
    }
    return "";
}

// The example's command with our programs, on 127.0.0.1 and the test's port instead of the
// lesson's host and port.
std::vector<std::string> command(const Example& example, const std::string& port) {
    std::vector<std::string> argv = {example.server() ? server_path() : client_path()};
    bool host = false;
    for (std::size_t i = 1; i < example.words.size(); ++i) {
        argv.push_back(example.words[i]);
        if (example.words[i] == "-H" && i + 1 < example.words.size()) {
            host = true;
            argv.push_back(example.server() ? example.words[i + 1] : "127.0.0.1");
            ++i;
        }
    }
    if (!host) {
        argv.insert(argv.begin() + 1, {"-H", "127.0.0.1"});
    }
    argv.insert(argv.begin() + 1, {"-p", port});
    return argv;
}

void check(const Example& example, const Process::Result& result) {
    INFO("docs/CLASSROOM.md line " << example.line << ": $ " << [&] {
        std::string joined;
        for (const auto& word : example.words) {
            joined += word + " ";
        }
        return joined;
    }());
    INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
    const std::string problem = mismatch(example.expected, result.out, result.err);
    INFO(problem);
    CHECK(problem.empty());
}

} // namespace

TEST_CASE("Every example in the classroom lesson shows what the lesson says",
          "[install][classroom]") {
    const auto all = scenes(read_document(ECHO_CLASSROOM));
    REQUIRE(all.size() >= 7);
    for (const Scene& scene : all) {
        if (!scene.front().server()) {
            // Clients alone: nothing listens on their port.
            const echo::Socket reserve = reserve_port();
            const std::string port = port_of(reserve);
            for (const Example& client : scene) {
                check(client, run(command(client, port)));
            }
            continue;
        }
        const Example& server_example = scene.front();
        Process server(command(server_example, "0"));
        const std::string port = std::to_string(server.wait_listening());
        if (server_example.suspended) {
            server.signal(SIGSTOP);
        }
        for (std::size_t i = 1; i < scene.size(); ++i) {
            REQUIRE_FALSE(scene[i].server());
            check(scene[i], run(command(scene[i], port)));
            if (!server_example.has("-u")) {
                (void)server.wait_for_line("disconnected");
            }
        }
        if (server_example.suspended) {
            server.signal(SIGCONT);
        }
        if (server_example.has("-k") || server_example.has("-u")) {
            server.signal(SIGINT);
        }
        check(server_example, server.finish());
    }
}
