// SPDX-License-Identifier: MIT
#pragma once

#include "status.hpp"

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

namespace echo {

// The life of one connection as -v shows it: every chunk in and out, the FINs, and a summary
// when it ends. Without -v it only counts. The one way a trace is handed down: by reference,
// from the mode that made it to the loops that move the bytes.
class ConnectionTrace final {
  public:
    ConnectionTrace(const Status& status, std::string peer);

    void received(std::span<const std::byte> bytes);
    void sent(std::span<const std::byte> bytes);
    void peer_closed_write(); // the peer's FIN arrived
    void closed_write();      // we sent our FIN
    void ended(std::string_view why);

    [[nodiscard]] bool shows_bytes() const noexcept { return status_.verbose(); }
    [[nodiscard]] const std::string& peer() const noexcept { return peer_; }
    [[nodiscard]] std::uint64_t bytes_in() const noexcept { return bytes_in_; }
    [[nodiscard]] std::uint64_t bytes_out() const noexcept { return bytes_out_; }

  private:
    const Status& status_;
    std::string peer_;
    std::chrono::steady_clock::time_point start_;
    std::uint64_t bytes_in_ = 0;
    std::uint64_t bytes_out_ = 0;
    std::uint64_t chunks_in_ = 0;
    std::uint64_t chunks_out_ = 0;
};

} // namespace echo
