// SPDX-License-Identifier: MIT
#include "catch.hpp"

#include "echo/client_options.hpp"
#include "echo/server_options.hpp"

#include <string>
#include <vector>

using namespace std::chrono_literals;
using echo::UsageError;

namespace {

// getopt_long wants mutable argv; keep the strings alive for the parse.
struct Args {
    explicit Args(std::vector<std::string> words) : strings(std::move(words)) {
        for (std::string& word : strings) {
            pointers.push_back(word.data());
        }
        pointers.push_back(nullptr);
    }
    int argc() const { return static_cast<int>(strings.size()); }
    char** argv() { return pointers.data(); }
    std::vector<std::string> strings;
    std::vector<char*> pointers;
};

echo::ServerOptions server(std::vector<std::string> words) {
    words.insert(words.begin(), "echo-server");
    Args args(std::move(words));
    return echo::parse_server_options(args.argc(), args.argv());
}

echo::ClientOptions client(std::vector<std::string> words) {
    words.insert(words.begin(), "echo-client");
    Args args(std::move(words));
    return echo::parse_client_options(args.argc(), args.argv());
}

template <typename Parse>
std::string usage_error(Parse parse) {
    try {
        parse();
    } catch (const UsageError& error) {
        return error.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("Server defaults are the tutorial's", "[options]") {
    const echo::ServerOptions options = server({});
    CHECK(options.host == "localhost");
    CHECK(options.port == 1234);
    CHECK(options.family == echo::Family::any);
    CHECK_FALSE(options.quiet);
    CHECK_FALSE(options.help);
    CHECK_FALSE(options.version);
    CHECK(options.splice);
}

TEST_CASE("Server options in short, long and attached forms", "[options]") {
    const echo::ServerOptions a = server({"-H", "::1", "-p", "0", "-6", "-q"});
    CHECK(a.host == "::1");
    CHECK(a.port == 0);
    CHECK(a.family == echo::Family::ipv6);
    CHECK(a.quiet);
    const echo::ServerOptions b = server({"--host=127.0.0.1", "--port", "65535", "-4"});
    CHECK(b.host == "127.0.0.1");
    CHECK(b.port == 65535);
    CHECK(b.family == echo::Family::ipv4);
    CHECK(server({"-p80"}).port == 80);
    CHECK(server({"-qh"}).help);
    CHECK(server({"--version"}).version);
    CHECK(server({"-V"}).version);
    CHECK_FALSE(server({"--no-splice"}).splice);
}

TEST_CASE("Options can be parsed twice in one process", "[options]") {
    CHECK(server({"-p", "7"}).port == 7);
    CHECK(server({"-p", "8"}).port == 8);
    CHECK(client({"-p", "9"}).port == 9);
}

TEST_CASE("Server usage errors", "[options]") {
    CHECK(usage_error([] { server({"--bogus"}); }) == "unknown option --bogus");
    CHECK(usage_error([] { server({"--bogus=1"}); }) == "unknown option --bogus");
    CHECK(usage_error([] { server({"-x"}); }) == "unknown option -x");
    CHECK(usage_error([] { server({"-p"}); }) == "option -p needs a value");
    CHECK(usage_error([] { server({"--port"}); }) == "option --port needs a value");
    CHECK(usage_error([] { server({"-H"}); }) == "option -H needs a value");
    CHECK(usage_error([] { server({"-H", ""}); }).find("--host needs") == 0);
    CHECK(usage_error([] { server({"extra"}); }) == "unexpected argument 'extra'");
    CHECK(usage_error([] { server({"--no-splice=1"}); }).find("--no-splice") != std::string::npos);
    for (const char* bad : {"65536", "-1", "abc", "12x", "", " 1", "1.5", "99999999999999999999"}) {
        CAPTURE(bad);
        CHECK(usage_error([bad] {
                  server({"-p", bad});
              }) == std::string("port must be a whole number in 0..65535, not '") + bad + "'");
    }
}

TEST_CASE("Client defaults are the tutorial's", "[options]") {
    const echo::ClientOptions options = client({});
    CHECK(options.host == "localhost");
    CHECK(options.port == 1234);
    CHECK(options.message == "Hola, servidor!");
    CHECK_FALSE(options.stream);
    CHECK(options.timeout == 10s);
}

TEST_CASE("Client words, stream and timeout", "[options]") {
    CHECK(client({"hello", "big", "world"}).message == "hello big world");
    CHECK(client({"hello", "-q", "world"}).message == "hello world");
    CHECK(client({"--", "-x"}).message == "-x");
    CHECK(client({""}).message.empty());
    CHECK(client({"-"}).stream);
    CHECK(client({"-t", "0.5"}).timeout == 500ms);
    CHECK(client({"--timeout=2"}).timeout == 2s);
    CHECK(client({"-t", "0.0001"}).timeout == 1ms);
    CHECK(client({"-t", "1.0011"}).timeout == 1002ms);
    CHECK(client({"-t", "1.0010000"}).timeout == 1001ms);
    CHECK(client({"-t", ".25"}).timeout == 250ms);
    CHECK(client({"-t", "3."}).timeout == 3s);
    CHECK(client({"-t", "86400"}).timeout == 86400s);
    CHECK(client({"-t", "0086400.000"}).timeout == 86400s);
}

TEST_CASE("Client usage errors", "[options]") {
    CHECK(usage_error([] {
              client({"-p", "0"});
          }) == "port must be a whole number in 1..65535, not '0'");
    CHECK(usage_error([] { client({"-t"}); }) == "option -t needs a value");
    CHECK(usage_error([] { client({"--timeout"}); }) == "option --timeout needs a value");
    for (const char* bad : {"0", "-1", "abc", "1e3", "nan", "inf", "86401", "", "1s", ".", "0.000",
                            "+1", "1.2.3", " 1", "86400.0001", "99999999999999999999999"}) {
        CAPTURE(bad);
        CHECK(usage_error([bad] { client({"-t", bad}); }).find("--timeout takes seconds") == 0);
    }
    CHECK(usage_error([] { client({"-", "word"}); }).find("'-'") == 0);
    CHECK(usage_error([] { client({"--what"}); }) == "unknown option --what");
}

TEST_CASE("Usage texts list every option", "[options]") {
    for (const char* option : {"--host", "--port", "-4", "-6", "--quiet", "--help", "--version"}) {
        CAPTURE(option);
        CHECK(echo::server_usage().find(option) != std::string::npos);
        CHECK(echo::client_usage().find(option) != std::string::npos);
    }
    CHECK(echo::client_usage().find("--timeout") != std::string::npos);
    CHECK(echo::server_usage().find("--no-splice") != std::string::npos);
}

TEST_CASE("Measuring options", "[options]") {
    const echo::ClientOptions counted = client({"-c", "10", "-s", "1000", "--interval", "0.5"});
    CHECK(counted.measuring());
    CHECK(counted.count == 10);
    CHECK(counted.size == std::size_t{1000});
    CHECK(counted.interval == 500ms);
    CHECK_FALSE(client({}).measuring());
    CHECK(client({"-s", "0"}).count == 1); // -s alone measures one round
    CHECK(client({"--json"}).count == 1);
    CHECK(client({"--json"}).json);
    CHECK(client({"--interval", "0"}).interval == 0ms);
    CHECK(client({"-c", "3", "hello", "there"}).message == "hello there");
}

TEST_CASE("Measuring usage errors", "[options]") {
    CHECK(usage_error([] {
              client({"-c", "0"});
          }) == "--count takes a whole number in 1..1000000000, not '0'");
    CHECK(usage_error([] { client({"-c", "x"}); }).find("--count takes") == 0);
    CHECK(usage_error([] {
              client({"-s", "-1"});
          }).find("--size takes a whole number in 0..") == 0);
    CHECK(usage_error([] { client({"-s", "67108865"}); }).find("--size takes") == 0);
    CHECK(usage_error([] {
              client({"--interval", "-1"});
          }).find("--interval takes seconds from 0") == 0);
    CHECK(usage_error([] { client({"--interval"}); }) == "option --interval needs a value");
    CHECK(usage_error([] { client({"-c", "2", "-"}); }).find("measuring") == 0);
    CHECK(usage_error([] { client({"-s", "9", "word"}); }).find("-s (a pattern payload)") == 0);
}

TEST_CASE("Interactive and verbose options", "[options]") {
    CHECK(client({"-i"}).interactive);
    CHECK(client({"--interactive"}).interactive);
    CHECK(client({"-v"}).verbose);
    CHECK(server({"--verbose"}).verbose);
    CHECK(usage_error([] { client({"-i", "word"}); }).find("-i (interactive)") == 0);
    CHECK(usage_error([] { client({"-i", "-"}); }).find("-i (interactive)") == 0);
    CHECK(usage_error([] { client({"-i", "-c", "3"}); }).find("-i (interactive)") == 0);
    CHECK(usage_error([] {
              client({"-q", "-v"});
          }) == "-q (quiet) and -v (verbose) exclude each other");
    CHECK(usage_error([] {
              server({"-v", "-q"});
          }) == "-q (quiet) and -v (verbose) exclude each other");
}
