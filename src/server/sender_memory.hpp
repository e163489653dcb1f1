// SPDX-License-Identifier: MIT
#pragma once

#include "echo/address.hpp"

#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace echo {

// What a UDP server has already said about its recent senders, so that each kind of event is
// logged once per sender however many datagrams it sends, in bounded memory: two generations of
// at most `capacity` senders each; when the newer one fills up, the older one is forgotten. A
// forgotten sender that comes back is reported again, which a flood of new senders cannot turn
// into more than one line per sender anyway.
class SenderMemory final {
  public:
    enum Event : std::uint8_t { seen = 1, refused = 2, send_failed = 4, cut = 8, over_rate = 16 };

    explicit SenderMemory(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

    // Records `event` for `sender`: true the first time, false while it is remembered.
    bool first(const Address& sender, Event event);

    // How many senders are remembered (at most twice the capacity).
    [[nodiscard]] std::size_t size() const noexcept { return recent_.size() + older_.size(); }

  private:
    using Generation = std::unordered_map<Address, std::uint8_t, AddressHash>;
    Generation recent_;
    Generation older_;
    std::size_t capacity_;
};

} // namespace echo
