// SPDX-License-Identifier: MIT
// Addresses from fuzz input. The first byte picks what the rest is:
// - even: raw socket address bytes (any length, any family) for echo::Address, which must print
//   and compare without reading past what it holds, print IPv4/IPv6 as inet_ntop does, and a
//   Unix-domain name as its path or @abstract name;
// - odd: a host as typed after -H. Only numeric hosts (those inet_pton accepts) go to resolve(),
//   so the fuzzer never waits on DNS; they must resolve to exactly that address and port.
#include "fuzz_argv.hpp"

#include "echo/address.hpp"
#include "echo/resolve.hpp"

#include <array>
#include <cstdlib>
#include <cstring>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>

namespace {

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

// inet_ntop's text for the address bytes at `raw`.
std::string ntop(int family, const void* raw) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    require(::inet_ntop(family, raw, text.data(), text.size()) != nullptr);
    return text.data();
}

void check_raw(std::string_view bytes) {
    const echo::Address address(reinterpret_cast<const sockaddr*>(bytes.data()),
                                static_cast<socklen_t>(bytes.size()));
    require(address.size() <= sizeof(sockaddr_storage));
    require(address == echo::Address(address.data(), address.size()));
    const std::string text = address.to_string();
    if (address.family() == AF_UNIX || address.size() == 0) {
        // A Unix name (a path, "@abstract") or a sender that has none: never a port.
        const std::string name = address.unix_name();
        require(text == (name.empty() ? "(unnamed)" : name) && address.port() == 0);
        require(!address.is_abstract() || name.front() == '@');
        return;
    }
    const std::string host = address.host();
    const std::string port = std::to_string(address.port());
    require(text.ends_with(":" + port));

    // The bytes as the kernel would lay them out, zero-filled past the input's end.
    sockaddr_storage storage{};
    std::memcpy(&storage, bytes.data(), std::min(bytes.size(), sizeof(storage)));
    if (address.family() == AF_INET) {
        sockaddr_in in{};
        std::memcpy(&in, &storage, sizeof(in));
        require(host == ntop(AF_INET, &in.sin_addr));
        require(text == host + ":" + port);
    } else if (address.family() == AF_INET6) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, &storage, sizeof(in6));
        require(host == ntop(AF_INET6, &in6.sin6_addr));
        require(text == "[" + host + "]:" + port);
    } else {
        require(host == "?" && address.port() == 0);
    }
}

void check_host(std::string_view input) {
    if (input.size() < 2 || input.find('\0') != std::string_view::npos) {
        return;
    }
    const auto port = static_cast<std::uint16_t>((static_cast<unsigned char>(input[0]) << 8) |
                                                 static_cast<unsigned char>(input[1]));
    const std::string host(input.substr(2));
    in6_addr raw{};
    int family = AF_UNSPEC;
    if (::inet_pton(AF_INET, host.c_str(), &raw) == 1) {
        family = AF_INET;
    } else if (::inet_pton(AF_INET6, host.c_str(), &raw) == 1) {
        family = AF_INET6;
    } else {
        return; // a name: resolving it would ask DNS
    }
    const bool stream = (port & 1) == 0;
    const auto found = echo::resolve(host, port, echo::Family::any,
                                     stream ? SOCK_STREAM : SOCK_DGRAM, (port & 2) != 0);
    require(found.size() == 1);
    const echo::Address& address = found.front();
    require(address.family() == family && address.port() == port);
    require(address.host() == ntop(family, &raw));

    // What the Listening line prints resolves back to the same address.
    const std::string printed = address.host();
    const auto again = echo::resolve(printed, port, echo::Family::any, SOCK_STREAM, false);
    require(again.size() == 1 && again.front() == address);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string_view rest = echo::fuzz::as_text(data + 1, size - 1);
    if ((data[0] & 1) == 0) {
        check_raw(rest);
    } else {
        check_host(rest);
    }
    return 0;
}
