// SPDX-License-Identifier: MIT
#include "rtt_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace echo {

namespace {

constexpr double max_ns = static_cast<double>((std::uint64_t{1} << RttHistogram::range_bits) - 1);

} // namespace

// Values below 2 * 128 ns have a bucket each. Above, a value of bit width w falls in the group
// w - 8 (from 1), whose 128 buckets are 2^(w - 8) ns wide: its top 8 bits pick the bucket.
std::size_t RttHistogram::bucket_of(std::uint64_t ns) noexcept {
    if (ns < 2 * sub_buckets) {
        return static_cast<std::size_t>(ns);
    }
    const auto shift = static_cast<int>(std::bit_width(ns)) - 1 - sub_bucket_bits;
    const std::uint64_t top = ns >> shift; // 128..255
    return static_cast<std::size_t>(sub_buckets * static_cast<std::uint64_t>(shift + 1) + top -
                                    sub_buckets);
}

double RttHistogram::middle_of(std::size_t bucket) noexcept {
    if (bucket < 2 * sub_buckets) {
        return static_cast<double>(bucket);
    }
    const auto shift = static_cast<int>(bucket / sub_buckets) - 1;
    const std::uint64_t low = (bucket % sub_buckets + sub_buckets) << shift;
    const std::uint64_t width = std::uint64_t{1} << shift;
    return static_cast<double>(low) + static_cast<double>(width - 1) / 2;
}

void RttHistogram::record(double us) noexcept {
    us = std::max(us, 0.0);
    const double ns = std::min(std::round(us * 1000), max_ns);
    ++counts_[bucket_of(static_cast<std::uint64_t>(ns))];
    ++count_;
    min_ = count_ == 1 ? us : std::min(min_, us);
    max_ = count_ == 1 ? us : std::max(max_, us);
    sum_ += us;
    const double delta = us - mean_;
    mean_ += delta / static_cast<double>(count_);
    squares_ += delta * (us - mean_);
}

double RttHistogram::stddev() const noexcept {
    return count_ == 0 ? 0 : std::sqrt(squares_ / static_cast<double>(count_));
}

double RttHistogram::percentile(double percent) const noexcept {
    if (count_ == 0) {
        return 0;
    }
    // The rank of nearest-rank percentiles; the small margin keeps 99.9% of 1000 at 999.
    const double exact = percent / 100 * static_cast<double>(count_);
    const auto rank =
        std::max<std::uint64_t>(static_cast<std::uint64_t>(std::ceil(exact - 1e-9)), 1);
    if (rank == 1) {
        return min_;
    }
    if (rank >= count_) {
        return max_;
    }
    std::uint64_t seen = 0;
    for (std::size_t bucket = 0; bucket < bucket_count; ++bucket) {
        seen += counts_[bucket];
        if (seen >= rank) {
            return std::clamp(middle_of(bucket) / 1000, min_, max_);
        }
    }
    return max_;
}

} // namespace echo
