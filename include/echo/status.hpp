// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace echo {

// The one place where both programs talk to the user on stderr, so that lines look the same
// everywhere: "[+] Listening on 127.0.0.1:1234 (TCP)" for status, "echo-server: cause" for errors.
// Each line is one write(2), flushed at once; a closed or broken stderr is ignored.
class Status final {
  public:
    Status(std::string_view program, bool quiet) : program_(program), quiet_(quiet) {}

    void line(std::string_view text) const;  // "[+] text", unless quiet
    void error(std::string_view text) const; // "program: text", always

    [[nodiscard]] const std::string& program() const noexcept { return program_; }
    [[nodiscard]] bool quiet() const noexcept { return quiet_; }

  private:
    std::string program_;
    bool quiet_;
};

// "1 datagram", "2 datagrams"
std::string counted(std::uint64_t count, std::string_view noun);

// "text: strerror(error)"
std::string describe(std::string_view step, int error);

} // namespace echo
