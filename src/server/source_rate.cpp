// SPDX-License-Identifier: MIT
#include "source_rate.hpp"
#include "peer_host.hpp"

#include <algorithm>

namespace echo {

SourceRate::SourceRate(std::uint64_t per_second, std::size_t buckets)
    : full_at_(std::max<std::size_t>(buckets, 1), Clock::time_point::min()) {
    const auto rate = static_cast<Clock::rep>(std::max<std::uint64_t>(per_second, 1));
    interval_ = Clock::duration(std::chrono::seconds(1)) / rate;
    burst_ = interval_ * rate;
}

bool SourceRate::admit(const Address& source, Clock::time_point now) {
    Clock::time_point& full_at = full_at_[PeerHostHash{}(host_of(source)) % full_at_.size()];
    const Clock::time_point after = std::max(full_at, now) + interval_;
    if (after - now > burst_) {
        return false;
    }
    full_at = after;
    return true;
}

} // namespace echo
