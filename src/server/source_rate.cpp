// SPDX-License-Identifier: MIT
#include "source_rate.hpp"
#include "peer_host.hpp"

#include <algorithm>

namespace echo {

namespace {

// The time one datagram takes from a bucket, at `per_second` datagrams a second.
SourceRate::Clock::duration interval_of(std::uint64_t per_second) {
    using Duration = SourceRate::Clock::duration;
    return Duration(std::chrono::seconds(1)) /
           static_cast<Duration::rep>(std::max<std::uint64_t>(per_second, 1));
}

} // namespace

SourceRate::SourceRate(std::uint64_t per_second, std::size_t buckets)
    : full_at_(std::max<std::size_t>(buckets, 1), Clock::time_point::min()),
      interval_(interval_of(per_second)),
      burst_(interval_ * static_cast<Clock::rep>(std::max<std::uint64_t>(per_second, 1))) {}

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
