// SPDX-License-Identifier: MIT
#include "sender_memory.hpp"

namespace echo {

bool SenderMemory::first(const Address& sender, Event event) {
    auto entry = recent_.find(sender);
    if (entry == recent_.end()) {
        std::uint8_t events = 0;
        if (const auto old = older_.find(sender); old != older_.end()) {
            events = old->second; // seen again: it moves up to the recent generation
            older_.erase(old);
        }
        if (recent_.size() >= capacity_) {
            older_ = std::move(recent_);
            recent_.clear();
        }
        entry = recent_.emplace(sender, events).first;
    }
    if ((entry->second & event) != 0) {
        return false;
    }
    entry->second = static_cast<std::uint8_t>(entry->second | event);
    return true;
}

} // namespace echo
