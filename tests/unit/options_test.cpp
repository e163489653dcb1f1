// SPDX-License-Identifier: MIT
#include "catch.hpp"

#include "client_options.hpp"
#include "server_options.hpp"

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
    [[nodiscard]] int argc() const { return static_cast<int>(strings.size()); }
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

// The usage error that each command line makes the parser throw.
std::string server_error(std::vector<std::string> words) {
    return usage_error([&words] { server(std::move(words)); });
}

std::string client_error(std::vector<std::string> words) {
    return usage_error([&words] { client(std::move(words)); });
}

} // namespace

TEST_CASE("Server defaults are the tutorial's", "[options]") {
    const echo::ServerOptions options = server({});
    CHECK(options.hosts == std::vector<std::string>{"localhost"});
    CHECK(options.port == 1234);
    CHECK(options.family == echo::Family::any);
    CHECK_FALSE(options.quiet);
    CHECK_FALSE(options.help);
    CHECK_FALSE(options.version);
    CHECK_FALSE(options.keep_open);
    CHECK(options.max_clients == 256);
    CHECK_FALSE(options.idle_timeout);
    CHECK(options.splice);
    CHECK_FALSE(options.read_size);
}

TEST_CASE("Server options in short, long and attached forms", "[options]") {
    const echo::ServerOptions a = server({"-H", "::1", "-p", "0", "-6", "-q"});
    CHECK(a.hosts == std::vector<std::string>{"::1"});
    CHECK(a.port == 0);
    CHECK(a.family == echo::Family::ipv6);
    CHECK(a.quiet);
    const echo::ServerOptions b = server({"--host=127.0.0.1", "--port", "65535", "-4"});
    CHECK(b.hosts == std::vector<std::string>{"127.0.0.1"});
    const std::vector<std::string> both{"0.0.0.0", "::"};
    CHECK(server({"-H", "0.0.0.0", "--host=::"}).hosts == both);
    CHECK(b.port == 65535);
    CHECK(b.family == echo::Family::ipv4);
    CHECK(server({"-p80"}).port == 80);
    CHECK(server({"-qh"}).help);
    CHECK(server({"--version"}).version);
    CHECK(server({"-V"}).version);
    CHECK_FALSE(server({"--no-splice"}).splice);
}

TEST_CASE("Server --read-size takes 1..256 KiB, and 1..65536 with --udp", "[options]") {
    CHECK(server({"--read-size", "4"}).read_size == std::size_t{4});
    CHECK(server({"--read-size=1", "-k"}).read_size == std::size_t{1});
    CHECK(server({"--read-size", "262144"}).read_size == std::size_t{262144});
    CHECK(server({"-u", "--read-size", "65536"}).read_size == std::size_t{65536});
    CHECK(server_error({"--read-size", "0"}) ==
          "--read-size takes a whole number in 1..262144, not '0'");
    CHECK(server_error({"--read-size", "262145"}) ==
          "--read-size takes a whole number in 1..262144, not '262145'");
    for (const char* bad : {"", "-1", "4k", " 4", "1.5"}) {
        CAPTURE(bad);
        CHECK(server_error({"--read-size", bad}).find("--read-size takes") == 0);
    }
    CHECK(server_error({"--read-size", "65537", "-u"}) ==
          "--read-size takes a whole number in 1..65536 with --udp, not '65537'");
    CHECK(server_error({"--read-size"}) == "option --read-size needs a value");
}

TEST_CASE("Options can be parsed twice in one process", "[options]") {
    CHECK(server({"-p", "7"}).port == 7);
    CHECK(server({"-p", "8"}).port == 8);
    CHECK(client({"-p", "9"}).port == 9);
}

TEST_CASE("Server usage errors", "[options]") {
    CHECK(server_error({"--bogus"}) == "unknown option --bogus");
    CHECK(server_error({"--bogus=1"}) == "unknown option --bogus");
    CHECK(server_error({"-x"}) == "unknown option -x");
    CHECK(server_error({"-p"}) == "option -p needs a value");
    CHECK(server_error({"--port"}) == "option --port needs a value");
    CHECK(server_error({"-H"}) == "option -H needs a value");
    CHECK(server_error({"-H", ""}).find("--host needs") == 0);
    CHECK(server_error({"extra"}) == "unexpected argument 'extra'");
    CHECK(server_error({"--no-splice=1"}) == "option --no-splice takes no value");
    CHECK(server_error({"--no-splice", "-k"}).find("--no-splice applies") == 0);
    CHECK(server_error({"-u", "--no-splice"}).find("--no-splice applies") == 0);
    CHECK(server_error({"-4", "-6"}).find("exclude each other") != std::string::npos);
    CHECK(server_error({"-H", "::1", "-H", ""}).find("--host needs") == 0);
    for (const char* bad : {"65536", "-1", "abc", "12x", "", " 1", "1.5", "99999999999999999999"}) {
        CAPTURE(bad);
        CHECK(server_error({"-p", bad}) ==
              std::string("port must be a whole number in 0..65535, not '") + bad + "'");
    }
}

TEST_CASE("Keep-open and its limits", "[options]") {
    CHECK(server({"-k"}).keep_open);
    CHECK(server({"--keep-open"}).keep_open);
    CHECK(server({"-kq"}).quiet);
    const echo::ServerOptions a = server({"-k", "--max-clients", "2", "--idle-timeout", "0.5"});
    CHECK(a.max_clients == 2);
    REQUIRE(a.idle_timeout);
    CHECK(*a.idle_timeout == 500ms);
    const echo::ServerOptions b = server({"--max-clients=1000000", "--idle-timeout=86400", "-k"});
    CHECK(b.max_clients == 1000000);
    CHECK(b.idle_timeout == std::chrono::milliseconds(86400s));
    CHECK(server({"-k", "--max-clients", "1"}).max_clients == 1);
    CHECK(server({"-k", "--idle-timeout", "0.0001"}).idle_timeout == 1ms);
    CHECK(server({"-k", "--max-clients", "3", "--max-clients", "4"}).max_clients == 4);
}

TEST_CASE("Keep-open usage errors", "[options]") {
    for (const char* bad : {"0", "-1", "abc", "1.5", "1000001", "", " 5", "5 ", "0x10", "+3",
                            "99999999999999999999"}) {
        CAPTURE(bad);
        CHECK(server_error({"-k", "--max-clients", bad}) ==
              std::string("--max-clients takes a whole number in 1..1000000, not '") + bad + "'");
    }
    for (const char* bad : {"0", "-1", "abc", "1e3", "nan", "inf", "86401", "", "1s", "0.0"}) {
        CAPTURE(bad);
        CHECK(server_error({"-k", "--idle-timeout", bad}) ==
              std::string("--idle-timeout takes seconds greater than 0 and at most 86400, not '") +
                  bad + "'");
    }
    CHECK(server_error({"-k", "--max-clients"}) == "option --max-clients needs a value");
    CHECK(server_error({"-k", "--idle-timeout"}) == "option --idle-timeout needs a value");
    CHECK(server_error({"--keep-open=yes"}) == "option --keep-open takes no value");
    // The limits only mean something with -k; without it they are refused, not ignored.
    CHECK(server_error({"--max-clients", "5"}) == "--max-clients needs -k (--keep-open)");
    CHECK(server_error({"--idle-timeout", "5"}) ==
          "--idle-timeout needs -k (--keep-open) or --udp");
    // -k changes nothing for UDP, which serves until stopped anyway; --max-clients does not
    // apply; --idle-timeout ends the server after that long without a datagram.
    const echo::ServerOptions udp = server({"-k", "--udp"});
    CHECK(udp.keep_open);
    CHECK(udp.udp);
    CHECK(server_error({"-k", "-u", "--max-clients", "5"}) ==
          "--max-clients applies to TCP peers, not --udp");
    CHECK(server({"-ku", "--idle-timeout", "5"}).idle_timeout == 5s);
    CHECK(server({"-u", "--idle-timeout", "0.5"}).idle_timeout == 500ms);
    CHECK(server({"--inetd", "-u", "--idle-timeout", "60"}).idle_timeout == 60s);
}

TEST_CASE("Abuse limits: --max-per-address and --rate", "[options][limits]") {
    CHECK_FALSE(server({"-k"}).max_per_address);
    CHECK_FALSE(server({"-u"}).rate);
    CHECK(server({"-k", "--max-per-address", "4"}).max_per_address == 4U);
    CHECK(server({"--max-per-address=1", "-k", "--max-clients", "8"}).max_per_address == 1U);
    CHECK(server({"-u", "--rate", "50"}).rate == 50U);
    CHECK(server({"--rate=1000000", "--udp", "-k"}).rate == 1000000U);
    for (const char* bad :
         {"0", "-1", "abc", "1.5", "1000001", "", " 5", "0x10", "+3", "99999999999999999999"}) {
        CAPTURE(bad);
        CHECK(usage_error([bad] {
                  server({"-k", "--max-per-address", bad});
              }) == std::string("--max-per-address takes a whole number in 1..1000000, not '") +
                        bad + "'");
        CHECK(usage_error([bad] {
                  server({"-u", "--rate", bad});
              }) == std::string("--rate takes a whole number in 1..1000000, not '") + bad + "'");
    }
    CHECK(usage_error([] {
              server({"-k", "--max-per-address"});
          }) == "option --max-per-address needs a value");
    CHECK(usage_error([] { server({"-u", "--rate"}); }) == "option --rate needs a value");
    CHECK(usage_error([] {
              server({"--max-per-address", "2"});
          }) == "--max-per-address needs -k (--keep-open)");
    CHECK(usage_error([] {
              server({"-ku", "--max-per-address", "2"});
          }) == "--max-per-address applies to TCP peers, not --udp");
    CHECK(usage_error([] { server({"--rate", "10"}); }) == "--rate applies to --udp only");
    CHECK(usage_error([] { server({"-k", "--rate", "10"}); }) == "--rate applies to --udp only");
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
    CHECK(client_error({"-p", "0"}) == "port must be a whole number in 1..65535, not '0'");
    CHECK(client_error({"-t"}) == "option -t needs a value");
    CHECK(client_error({"--timeout"}) == "option --timeout needs a value");
    for (const char* bad : {"0", "-1", "abc", "1e3", "nan", "inf", "86401", "", "1s", ".", "0.000",
                            "+1", "1.2.3", " 1", "86400.0001", "99999999999999999999999"}) {
        CAPTURE(bad);
        CHECK(client_error({"-t", bad}).find("--timeout takes seconds") == 0);
    }
    CHECK(client_error({"-", "word"}).find("'-'") == 0);
    CHECK(client_error({"--what"}) == "unknown option --what");
    CHECK(client_error({"-6", "-4"}).find("exclude each other") != std::string::npos);
    CHECK(client_error({"-H", "a", "--host=b"}).find("given twice") != std::string::npos);
}

TEST_CASE("Usage texts list every option", "[options]") {
    for (const char* option : {"--host", "--port", "-4", "-6", "--quiet", "--help", "--version"}) {
        CAPTURE(option);
        CHECK(echo::server_usage().find(option) != std::string::npos);
        CHECK(echo::client_usage().find(option) != std::string::npos);
    }
    CHECK(echo::client_usage().find("--timeout") != std::string::npos);
    for (const char* option : {"-k", "--keep-open", "--max-clients", "--idle-timeout"}) {
        CAPTURE(option);
        CHECK(echo::server_usage().find(option) != std::string::npos);
    }
    CHECK(echo::server_usage().find("--no-splice") != std::string::npos);
    CHECK(echo::server_usage().find("--read-size") != std::string::npos);
    CHECK(echo::server_usage().find("--max-per-address") != std::string::npos);
    CHECK(echo::server_usage().find("--rate") != std::string::npos);
}

TEST_CASE("Measuring options", "[options]") {
    const echo::ClientOptions counted = client({"-c", "10", "-s", "1000", "--interval", "0.5"});
    CHECK(counted.measuring());
    CHECK(counted.count == 10);
    CHECK(counted.size == std::size_t{1000});
    CHECK(counted.interval == 500ms);
    CHECK_FALSE(client({}).measuring());
    CHECK(client({"-s", "1"}).count == 1); // -s alone measures one round
    CHECK(client({"--json"}).count == 1);
    CHECK(client({"--json"}).json);
    CHECK(client({"--interval", "0"}).interval == 0ms);
    CHECK(client({"-c", "3", "hello", "there"}).message == "hello there");
}

TEST_CASE("Measuring usage errors", "[options]") {
    CHECK(client_error({"-c", "0"}) == "--count takes a whole number in 1..1000000000, not '0'");
    CHECK(client_error({"-c", "x"}).find("--count takes") == 0);
    CHECK(client_error({"-s", "-1"}).find("--size takes a whole number in 0..") == 0);
    CHECK(client_error({"-s", "67108865"}).find("--size takes") == 0);
    CHECK(client_error({"-s", "0"}).find("-s (the payload's size) is at least 1") == 0);
    CHECK(client_error({"--interval", "-1"}).find("--interval takes seconds from 0") == 0);
    CHECK(client_error({"--interval"}) == "option --interval needs a value");
    CHECK(client_error({"-c", "2", "-"}).find("measuring") == 0);
    CHECK(client_error({"-s", "9", "word"}).find("-s (a pattern payload)") == 0);
}

TEST_CASE("Interactive and verbose options", "[options]") {
    CHECK(client({"-i"}).interactive);
    CHECK(client({"--interactive"}).interactive);
    CHECK(client({"-v"}).verbose);
    CHECK(server({"--verbose"}).verbose);
    CHECK(client_error({"-i", "word"}).find("-i (interactive)") == 0);
    CHECK(client_error({"-i", "-"}).find("-i (interactive)") == 0);
    CHECK(client_error({"-i", "-c", "3"}).find("-i (interactive)") == 0);
    CHECK(client_error({"-q", "-v"}) == "-q (quiet) and -v (verbose) exclude each other");
    CHECK(server_error({"-v", "-q"}) == "-q (quiet) and -v (verbose) exclude each other");
}

TEST_CASE("Explain in both programs", "[options][explain]") {
    CHECK_FALSE(server({}).explain);
    CHECK_FALSE(client({}).explain);
    CHECK(server({"--explain"}).explain);
    CHECK(server({"--explain", "-k"}).explain);
    CHECK(server({"-u", "--explain", "-v"}).explain);
    CHECK(client({"--explain", "-"}).explain);
    CHECK(client({"-u", "--explain", "-c", "2"}).explain);
    CHECK(server_error({"--explain=1"}) == "option --explain takes no value");
    CHECK(client_error({"--explain", "-q"}) == "-q (quiet) and --explain exclude each other");
    CHECK(server_error({"-q", "--explain"}) == "-q (quiet) and --explain exclude each other");
    CHECK(echo::server_usage().find("--explain") != std::string::npos);
    CHECK(echo::client_usage().find("--explain") != std::string::npos);
}

TEST_CASE("Server --udp in short and long forms", "[options][udp]") {
    CHECK_FALSE(server({}).udp);
    CHECK(server({"-u"}).udp);
    CHECK(server({"--udp", "-p", "0"}).udp);
    CHECK(server({"-uq"}).quiet);
    CHECK(server_error({"--udp=yes"}) == "option --udp takes no value");
    CHECK(server_error({"--quiet=1"}) == "option --quiet takes no value");
    // A bad short option after a valid --name=value is still named as itself.
    CHECK(server_error({"--host=::1", "-xq"}) == "unknown option -x");
}

TEST_CASE("Client --udp: its own timeout default, and retries", "[options][udp]") {
    const echo::ClientOptions udp = client({"-u"});
    CHECK(udp.udp);
    CHECK(udp.timeout == 1s);
    CHECK(udp.retries == 2);
    CHECK(udp.message == "Hola, servidor!");
    CHECK(client({}).timeout == 10s); // TCP keeps its own default
    CHECK(client({"--udp", "-t", "0.25"}).timeout == 250ms);
    CHECK(client({"-t", "3", "-u"}).timeout == 3s); // order does not matter
    CHECK(client({"-u", "--retries", "0"}).retries == 0);
    CHECK(client({"-u", "--retries=100"}).retries == 100);
    CHECK(client({"-u", "-"}).stream);
    CHECK(client({"-u", ""}).message.empty()); // an empty datagram
}

TEST_CASE("Client --udp usage errors", "[options][udp]") {
    CHECK(client_error({"--retries", "3"}) ==
          "--retries applies to UDP only (add --udp); TCP retransmits by itself");
    CHECK(client_error({"-u", "--retries"}) == "option --retries needs a value");
    for (const char* bad : {"-1", "101", "abc", "", "1.5", "2x"}) {
        CAPTURE(bad);
        CHECK(client_error({"-u", "--retries", bad}) ==
              std::string("--retries takes a whole number in 0..100, not '") + bad + "'");
    }
    CHECK(client_error({"-u", "-t", "0"}).find("--timeout takes seconds") == 0);
    CHECK(client_error({"--udp=1"}) == "option --udp takes no value");
    CHECK(client({"-u", "-c", "3"}).measuring());
    CHECK(client({"-u", "-i"}).interactive);
    // -s over UDP is the datagram's size, its round number included.
    CHECK(client({"-u", "-s", "65507"}).size == std::size_t{65507});
    CHECK(client_error({"-u", "-s", "65508"}) ==
          "-s 65508: a UDP datagram carries at most 65507 bytes (65527 over IPv6, with -6)");
    CHECK(client({"-u", "-6", "-s", "65527"}).size == std::size_t{65527});
    CHECK(client_error({"-u", "-6", "-s", "65528"}) ==
          "-s 65528: a UDP datagram carries at most 65527 bytes");
    CHECK(client({"-u", "-s", "8"}).size == std::size_t{8});
    CHECK(client_error({"-u", "-s", "7"}) ==
          "-s over UDP is the size of each datagram, at least 8 (the bytes of the round "
          "number), not 7");
    CHECK(
        client_error({"-u", "-c", "2", std::string(65500, 'x')}).find("a message of 65500 bytes") ==
        0);
    CHECK(client_error({"-u", "-q", "-v"}).find("exclude each other") != std::string::npos);
    CHECK(client({"-u", "-v"}).verbose);
    CHECK(server({"-u", "-v"}).verbose);
}

TEST_CASE("A UDP message must fit in one datagram", "[options][udp]") {
    const std::string ipv4_max(65507, 'x');
    const std::string ipv6_max(65527, 'x');
    CHECK(client({"-u", ipv4_max}).message.size() == 65507);
    CHECK(client_error({"-u", ipv4_max + "x"}) ==
          "a message of 65508 bytes does not fit in one UDP datagram (at most 65507 bytes; "
          "65527 over IPv6, with -6)");
    // Words count with the spaces that join them.
    CHECK(client_error({"-u", ipv4_max, "y"}).find("65509 bytes") != std::string::npos);
    // IPv6's larger limit when the address can only be IPv6.
    CHECK(client({"-u", "-6", ipv6_max}).message.size() == 65527);
    CHECK(client({"-u", "-H", "::1", ipv6_max}).message.size() == 65527);
    CHECK(client_error({"-u", "-6", ipv6_max + "x"}) ==
          "a message of 65528 bytes does not fit in one UDP datagram (at most 65527 bytes over "
          "IPv6)");
    CHECK(client_error({"-u", "-4", "-H", "localhost", ipv6_max}).find("at most 65507 bytes") !=
          std::string::npos);
    // TCP has no such limit, and '-' cuts long lines itself.
    CHECK(client({ipv6_max + "x"}).message.size() == 65528);
    CHECK(client({"-u", "-"}).stream);
    CHECK(echo::udp_payload_limit(client({"-u", "-"})) == 65507);
    CHECK(echo::udp_payload_limit(client({"-u", "-6", "-"})) == 65527);
}

TEST_CASE("Usage texts list the UDP options", "[options][udp]") {
    CHECK(echo::server_usage().find("--udp") != std::string::npos);
    CHECK(echo::client_usage().find("--udp") != std::string::npos);
    CHECK(echo::client_usage().find("--retries") != std::string::npos);
}

TEST_CASE("Usage texts fit in 80 columns", "[options]") {
    for (const std::string& usage : {echo::server_usage(), echo::client_usage()}) {
        std::size_t start = 0;
        for (std::size_t end = usage.find('\n'); end != std::string::npos;
             start = end + 1, end = usage.find('\n', start)) {
            CAPTURE(usage.substr(start, end - start));
            CHECK(end - start <= 80);
        }
    }
}

TEST_CASE("Option --inetd: standard input is the peer, so no address and no -k", "[options]") {
    const echo::ServerOptions inetd = server({"--inetd"});
    CHECK(inetd.inetd);
    CHECK_FALSE(inetd.address_given);
    CHECK(server({"--inetd", "--udp"}).udp);
    CHECK(server({"-p", "7"}).address_given);
    CHECK(server({"-H", "::"}).address_given);
    CHECK(server({"-4"}).address_given);
    CHECK_FALSE(server({"-k", "-u"}).address_given);
    const std::string refusal = "--inetd serves standard input: -H, -p, -4, -6 and -k do not apply";
    CHECK(server_error({"--inetd", "-k"}) == refusal);
    CHECK(server_error({"--inetd", "-p", "7"}) == refusal);
    CHECK(server_error({"-H", "::", "--inetd"}) == refusal);
    CHECK(server_error({"--inetd", "-6"}) == refusal);
}
