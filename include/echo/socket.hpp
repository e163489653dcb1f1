// SPDX-License-Identifier: MIT
#pragma once

namespace echo {

// Owns one file descriptor and closes it exactly once. Move-only.
class Socket final {
  public:
    Socket() noexcept = default;
    explicit Socket(int fd) noexcept : fd_(fd) {}
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    Socket(Socket&& other) noexcept : fd_(other.release()) {}
    Socket& operator=(Socket&& other) noexcept {
        if (this != &other) {
            reset(other.release()); // the old descriptor closes now, not when `other` dies
        }
        return *this;
    }
    ~Socket() { reset(); }

    [[nodiscard]] int fd() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }

    // Gives up ownership without closing.
    [[nodiscard]] int release() noexcept {
        const int owned = fd_;
        fd_ = -1;
        return owned;
    }

    // Closes the current descriptor (if any) and adopts `fd`.
    void reset(int fd = -1) noexcept;

  private:
    int fd_ = -1;
};

// A new socket with SOCK_CLOEXEC set; throws std::system_error.
Socket open_socket(int family, int type, int protocol = 0);

} // namespace echo
