// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <sys/socket.h>

namespace echo {

// An IPv4, IPv6 or Unix-domain socket address that prints itself as 127.0.0.1:1234, [::1]:1234,
// /run/echo.sock or @echo (a name in Linux's abstract namespace).
class Address final {
  public:
    Address() noexcept;
    Address(const sockaddr* address, socklen_t length) noexcept;

    // A Unix-domain address: a file system path, or, starting with '@', the rest as a name in
    // Linux's abstract namespace (sun_path[0] == '\0', the length exact, no NUL counted).
    // Throws std::system_error: EINVAL when empty (or "@" alone), ENAMETOOLONG past sun_path.
    static Address unix_domain(std::string_view name);

    [[nodiscard]] const sockaddr* data() const noexcept;
    [[nodiscard]] sockaddr* data() noexcept;
    [[nodiscard]] socklen_t size() const noexcept { return length_; }
    [[nodiscard]] int family() const noexcept { return storage_.ss_family; }

    [[nodiscard]] std::uint16_t port() const noexcept;
    void set_port(std::uint16_t port) noexcept;

    [[nodiscard]] std::string host() const;      // 127.0.0.1 or ::1 (Unix: as to_string)
    [[nodiscard]] std::string to_string() const; // 127.0.0.1:1234 or [::1]:1234
    // Unix-domain: the name as unix_domain() takes it ("/tmp/x.sock", "@x"), "" when unnamed
    // (an unbound peer) or not a Unix-domain address.
    [[nodiscard]] std::string unix_name() const;
    // A Unix-domain address in the abstract namespace (no file behind it).
    [[nodiscard]] bool is_abstract() const noexcept;
    // 127.0.0.0/8, ::1 or ::ffff:127.x.y.z: only this machine reaches it.
    [[nodiscard]] bool is_loopback() const noexcept;

    friend bool operator==(const Address& a, const Address& b) noexcept;

  private:
    sockaddr_storage storage_;
    socklen_t length_;
};

// Hashes what operator== compares (family, address, port), for unordered containers.
struct AddressHash {
    std::size_t operator()(const Address& address) const noexcept;
};

// The address a socket is bound to, and the address of its connected peer.
Address local_address(int fd);
Address peer_address(int fd);

} // namespace echo
