// SPDX-License-Identifier: MIT
#pragma once

#include "client_options.hpp"
#include "echo/address.hpp"
#include "status.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace echo {

// Sends datagrams on a connected UDP socket and waits for each one's echo, sending it again when
// none comes within the timeout: UDP may lose either the datagram or its echo.
class UdpExchange final {
  public:
    UdpExchange(int sock, const Address& server, const ClientOptions& options,
                const Status& status);

    // Returns the echo of `datagram` (valid until the next call), or throws: refused, a wrong
    // echo, or no echo after every try.
    std::span<const std::byte> echo(std::span<const std::byte> datagram);

  private:
    [[noreturn]] void refused(int error) const;
    void send(std::span<const std::byte> datagram);
    std::optional<std::span<const std::byte>> await(std::span<const std::byte> datagram);

    int sock_;
    const Address& server_;
    std::string name_;
    std::chrono::milliseconds timeout_;
    unsigned tries_;
    const Status& status_;
    std::vector<std::byte> reply_;
    std::optional<std::vector<std::byte>> previous_; // the datagram echoed before this one
};

} // namespace echo
