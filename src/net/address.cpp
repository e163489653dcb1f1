// SPDX-License-Identifier: MIT
#include "echo/address.hpp"

#include "call_report.hpp"
#include "echo/error.hpp"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <system_error>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

namespace echo {

Address::Address() noexcept : storage_{}, length_(sizeof(storage_)) {}

Address::Address(const sockaddr* address, socklen_t length) noexcept : storage_{}, length_(0) {
    if (length > sizeof(storage_)) {
        length = sizeof(storage_);
    }
    std::memcpy(&storage_, address, length);
    length_ = length;
}

namespace {

constexpr socklen_t unix_path_offset = offsetof(sockaddr_un, sun_path);

} // namespace

Address Address::unix_domain(std::string_view name) {
    const bool abstract = !name.empty() && name.front() == '@';
    if (abstract) {
        name.remove_prefix(1);
    }
    if (name.empty()) {
        throw_error(EINVAL, "Unix-domain socket name");
    }
    sockaddr_un address{};
    // A path keeps its terminating NUL inside sun_path; an abstract name has a NUL before it.
    if (name.size() + 1 > sizeof(address.sun_path)) {
        throw_error(ENAMETOOLONG, std::string(abstract ? "@" : "").append(name));
    }
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path + (abstract ? 1 : 0), name.data(), name.size());
    const auto length = static_cast<socklen_t>(unix_path_offset + 1 + name.size());
    return {reinterpret_cast<const sockaddr*>(&address), length};
}

bool Address::is_abstract() const noexcept {
    return family() == AF_UNIX && length_ > unix_path_offset &&
           reinterpret_cast<const sockaddr_un*>(&storage_)->sun_path[0] == '\0';
}

std::string Address::unix_name() const {
    if (family() != AF_UNIX || length_ <= unix_path_offset) {
        return {};
    }
    const char* path = reinterpret_cast<const sockaddr_un*>(&storage_)->sun_path;
    const std::size_t bytes = length_ - unix_path_offset;
    if (path[0] == '\0') {
        return std::string("@").append(path + 1, bytes - 1);
    }
    return {path, strnlen(path, bytes)};
}

const sockaddr* Address::data() const noexcept {
    return reinterpret_cast<const sockaddr*>(&storage_);
}

sockaddr* Address::data() noexcept {
    return reinterpret_cast<sockaddr*>(&storage_);
}

std::uint16_t Address::port() const noexcept {
    if (family() == AF_INET) {
        return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
    }
    if (family() == AF_INET6) {
        return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
    }
    return 0;
}

void Address::set_port(std::uint16_t port) noexcept {
    if (family() == AF_INET) {
        reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
    } else if (family() == AF_INET6) {
        reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
    }
}

bool Address::is_loopback() const noexcept {
    if (family() == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&storage_);
        return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    }
    if (family() == AF_INET6) {
        const in6_addr& v6 = reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
    }
    return false;
}

std::string Address::host() const {
    if (family() == AF_UNIX) {
        return to_string();
    }
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = nullptr;
    if (family() == AF_INET) {
        raw = &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr;
    } else if (family() == AF_INET6) {
        raw = &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr;
    } else {
        return "?";
    }
    if (::inet_ntop(family(), raw, text, sizeof(text)) == nullptr) {
        return "?";
    }
    return text;
}

std::string Address::to_string() const {
    if (family() == AF_UNIX || length_ == 0) { // 0: what recvfrom says of an unbound sender
        std::string name = unix_name();
        return name.empty() ? "(unnamed)" : name;
    }
    if (family() == AF_INET6) {
        // Appended piece by piece: g++ 12 -O3 warns falsely (-Wrestrict) about "[" + string.
        std::string text = "[";
        text += host();
        text += "]:";
        text += std::to_string(port());
        return text;
    }
    return host() + ":" + std::to_string(port());
}

bool operator==(const Address& a, const Address& b) noexcept {
    if (a.family() != b.family() || a.port() != b.port()) {
        return false;
    }
    if (a.family() == AF_INET) {
        return reinterpret_cast<const sockaddr_in*>(&a.storage_)->sin_addr.s_addr ==
               reinterpret_cast<const sockaddr_in*>(&b.storage_)->sin_addr.s_addr;
    }
    if (a.family() == AF_INET6) {
        return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(&a.storage_)->sin6_addr,
                           &reinterpret_cast<const sockaddr_in6*>(&b.storage_)->sin6_addr,
                           sizeof(in6_addr)) == 0;
    }
    return a.length_ == b.length_ && std::memcmp(&a.storage_, &b.storage_, a.length_) == 0;
}

std::size_t AddressHash::operator()(const Address& address) const noexcept {
    // FNV-1a: a handful of bytes, a good spread, no dependencies.
    std::uint64_t hash = 14695981039346656037ULL;
    auto mix = [&hash](const void* bytes, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            hash = (hash ^ static_cast<const unsigned char*>(bytes)[i]) * 1099511628211ULL;
        }
    };
    const int family = address.family();
    const std::uint16_t port = address.port();
    mix(&family, sizeof(family));
    mix(&port, sizeof(port));
    if (family == AF_INET) {
        mix(&reinterpret_cast<const sockaddr_in*>(address.data())->sin_addr, sizeof(in_addr));
    } else if (family == AF_INET6) {
        mix(&reinterpret_cast<const sockaddr_in6*>(address.data())->sin6_addr, sizeof(in6_addr));
    } else {
        mix(address.data(), address.size());
    }
    return static_cast<std::size_t>(hash);
}

Address local_address(int fd) {
    Address address;
    socklen_t length = address.size();
    const int result = ::getsockname(fd, address.data(), &length);
    if (calls_observed()) [[unlikely]] {
        const int error = errno;
        detail::report_call("getsockname", std::to_string(fd), result, error, 0, {},
                            ", " + Address(address.data(), length).to_string());
        errno = error;
    }
    if (result != 0) {
        throw_errno("getsockname");
    }
    return {address.data(), length};
}

Address peer_address(int fd) {
    Address address;
    socklen_t length = address.size();
    const int result = ::getpeername(fd, address.data(), &length);
    if (calls_observed()) [[unlikely]] {
        const int error = errno;
        detail::report_call("getpeername", std::to_string(fd), result, error, 0, {},
                            ", " + Address(address.data(), length).to_string());
        errno = error;
    }
    if (result != 0) {
        throw_errno("getpeername");
    }
    return {address.data(), length};
}

} // namespace echo
