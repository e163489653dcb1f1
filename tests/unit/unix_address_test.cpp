// SPDX-License-Identifier: MIT
// Unix-domain addresses (paths and abstract names) and the --unix option of both programs.
#include "catch.hpp"

#include "client_options.hpp"
#include "echo/address.hpp"
#include "server_options.hpp"

#include <cstddef>
#include <string>
#include <system_error>
#include <vector>

#include <sys/socket.h>
#include <sys/un.h>

namespace {

constexpr std::size_t path_offset = offsetof(sockaddr_un, sun_path);

const sockaddr_un& raw(const echo::Address& address) {
    return *reinterpret_cast<const sockaddr_un*>(address.data());
}

template <typename Options>
std::string usage_error(Options (*parse)(int, char**), std::vector<std::string> words) {
    std::vector<char*> argv;
    argv.reserve(words.size() + 1);
    for (std::string& word : words) {
        argv.push_back(word.data());
    }
    argv.push_back(nullptr);
    try {
        parse(static_cast<int>(words.size()), argv.data());
    } catch (const echo::UsageError& error) {
        return error.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("A Unix-domain path keeps its NUL and an abstract name starts with one",
          "[address][unix]") {
    const echo::Address path = echo::Address::unix_domain("/tmp/x.sock");
    CHECK(path.family() == AF_UNIX);
    CHECK(path.size() == path_offset + 12); // "/tmp/x.sock" and its NUL
    CHECK(std::string(raw(path).sun_path) == "/tmp/x.sock");
    CHECK_FALSE(path.is_abstract());
    CHECK(path.to_string() == "/tmp/x.sock");
    CHECK(path.unix_name() == "/tmp/x.sock");
    CHECK(path.port() == 0);
    CHECK_FALSE(path.is_loopback());

    const echo::Address abstract = echo::Address::unix_domain("@echo-1");
    CHECK(abstract.size() == path_offset + 7); // NUL and "echo-1", no NUL after
    CHECK(raw(abstract).sun_path[0] == '\0');
    CHECK(std::string(raw(abstract).sun_path + 1, 6) == "echo-1");
    CHECK(abstract.is_abstract());
    CHECK(abstract.to_string() == "@echo-1");
}

TEST_CASE("Unix-domain addresses compare and hash by name", "[address][unix]") {
    const echo::AddressHash hash;
    CHECK(echo::Address::unix_domain("/a") == echo::Address::unix_domain("/a"));
    CHECK_FALSE(echo::Address::unix_domain("/a") == echo::Address::unix_domain("/b"));
    CHECK_FALSE(echo::Address::unix_domain("/a") == echo::Address::unix_domain("@a"));
    CHECK(hash(echo::Address::unix_domain("@a")) == hash(echo::Address::unix_domain("@a")));
    CHECK(hash(echo::Address::unix_domain("/a")) != hash(echo::Address::unix_domain("/b")));
}

TEST_CASE("An unnamed Unix-domain peer prints as (unnamed)", "[address][unix]") {
    const sockaddr family_only{AF_UNIX, {}};
    const echo::Address unnamed(&family_only, sizeof(sa_family_t));
    CHECK(unnamed.to_string() == "(unnamed)");
    CHECK(unnamed.unix_name().empty());
    CHECK(echo::Address(&family_only, 0).to_string() == "(unnamed)");
}

TEST_CASE("Unix-domain names: empty or too long are refused", "[address][unix]") {
    CHECK_THROWS_AS(echo::Address::unix_domain(""), std::system_error);
    CHECK_THROWS_AS(echo::Address::unix_domain("@"), std::system_error);
    CHECK_NOTHROW(echo::Address::unix_domain(std::string(107, 'x')));
    CHECK_NOTHROW(echo::Address::unix_domain("@" + std::string(107, 'x')));
    CHECK_THROWS_AS(echo::Address::unix_domain(std::string(108, 'x')), std::system_error);
    CHECK_THROWS_AS(echo::Address::unix_domain("@" + std::string(108, 'x')), std::system_error);
}

TEST_CASE("Option --unix in both programs, and what it excludes", "[options][unix]") {
    const auto server = echo::parse_server_options;
    const auto client = echo::parse_client_options;
    CHECK(usage_error(server, {"echo-server", "--unix", "/tmp/x", "-k", "-u"}) == "(no error)");
    CHECK(usage_error(client, {"echo-client", "--unix=@x", "-c", "3"}) == "(no error)");
    for (const char* other : {"-H", "-p"}) {
        CAPTURE(other);
        CHECK(usage_error(server, {"echo-server", "--unix", "/x", other, "1"})
                  .starts_with("--unix names the socket: -H, -p"));
        CHECK(usage_error(client, {"echo-client", other, "1", "--unix", "/x"})
                  .starts_with("--unix names the server's socket: -H, -p"));
    }
    for (const char* other : {"-4", "-6"}) {
        CHECK(usage_error(server, {"echo-server", "--unix", "/x", other}) != "(no error)");
        CHECK(usage_error(client, {"echo-client", "--unix", "/x", other}) != "(no error)");
    }
    CHECK(usage_error(server, {"echo-server", "--unix", "/x", "--inetd"}) != "(no error)");
    CHECK(usage_error(server, {"echo-server", "--unix", ""}).starts_with("--unix needs"));
    CHECK(usage_error(client, {"echo-client", "--unix", "@"}).starts_with("--unix needs"));
    CHECK(usage_error(client, {"echo-client", "--unix", std::string(108, 'x')}) ==
          "--unix: a socket path or name of at most 107 bytes, not 108");
    CHECK(usage_error(client, {"echo-client", "--unix"}) == "option --unix needs a value");
}
