// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace echo {

// Round-trip times kept in a fixed number of log-linear buckets, as HdrHistogram keeps them, so
// that a run of a billion rounds takes no more memory than a run of ten. Each power of two of
// nanoseconds is cut into 128 equal buckets; a percentile is read back as the middle of its
// bucket, within 1/256 (0.4%) of the recorded value it stands for. Count, min, max, mean and
// standard deviation are exact.
class RttHistogram final {
  public:
    // One round trip, in microseconds (0 up to about 18 minutes; longer ones count as that).
    void record(double us) noexcept;

    [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
    [[nodiscard]] double min() const noexcept { return min_; } // 0 when empty, like the rest
    [[nodiscard]] double max() const noexcept { return max_; }
    [[nodiscard]] double sum() const noexcept { return sum_; }
    [[nodiscard]] double mean() const noexcept { return mean_; }
    [[nodiscard]] double stddev() const noexcept; // population

    // The nearest-rank percentile (0 < percent <= 100): the smallest recorded value that at
    // least `percent`% of the values do not exceed, as its bucket knows it (exact at the first
    // and last rank: min and max).
    [[nodiscard]] double percentile(double percent) const noexcept;

    static constexpr int sub_bucket_bits = 7;
    static constexpr std::uint64_t sub_buckets = std::uint64_t{1} << sub_bucket_bits;
    static constexpr int range_bits = 40; // values below 2^40 ns

  private:
    static constexpr std::size_t bucket_count =
        static_cast<std::size_t>(sub_buckets * (range_bits - sub_bucket_bits + 1));

    static std::size_t bucket_of(std::uint64_t ns) noexcept;
    static double middle_of(std::size_t bucket) noexcept; // in nanoseconds

    std::array<std::uint64_t, bucket_count> counts_{};
    std::uint64_t count_ = 0;
    double min_ = 0;
    double max_ = 0;
    double sum_ = 0;
    double mean_ = 0;
    double squares_ = 0; // Welford's sum of squared differences from the mean
};

} // namespace echo
