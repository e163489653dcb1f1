// SPDX-License-Identifier: MIT
#pragma once

#include "echo/address.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace echo {

// --rate: at most `per_second` datagrams a second from one source address (whatever its port, as
// a forged flood varies the port), in bursts of up to `per_second`: a token bucket per source.
// Memory is fixed whatever the number of sources: `buckets` buckets, each picked by a hash of the
// address; sources whose hashes meet share a bucket, so a flood from many addresses can make the
// limit stricter for the others, never looser. The caller gives the time, so tests need no clock.
class SourceRate final {
  public:
    using Clock = std::chrono::steady_clock;

    explicit SourceRate(std::uint64_t per_second, std::size_t buckets = 4096);

    // A datagram from `source` at `now`: true when it is within the rate, false when it is over.
    bool admit(const Address& source, Clock::time_point now);

  private:
    // Each bucket is kept as the time at which it would be full again were nothing taken from
    // it meanwhile (the "theoretical arrival time" of the generic cell rate algorithm): a
    // datagram takes one interval; it is over the rate when that time lies more than a burst's
    // worth of intervals ahead.
    std::vector<Clock::time_point> full_at_;
    Clock::duration interval_;
    Clock::duration burst_;
};

} // namespace echo
