// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace echo {

// At most `per_window` lines a window (a second) about one kind of event, so that a flood of
// events cannot become a flood of lines: the events beyond are only counted, and the count is
// said in one line once their window is over. The caller gives the time, so tests need no clock.
class LineBudget final {
  public:
    using Clock = std::chrono::steady_clock;

    explicit LineBudget(std::size_t per_window,
                        Clock::duration window = std::chrono::seconds(1)) noexcept
        : per_window_(per_window), window_(window) {}

    // An event at `now`: true when its line may be written, false when it is only counted.
    bool admit(Clock::time_point now);

    // How many events went unsaid in windows over by `now`: to be said in one line (0: nothing to
    // say). They are forgotten once returned.
    std::uint64_t omitted(Clock::time_point now);

    // Every event unsaid so far, its window over or not: for a last line at the end.
    std::uint64_t omitted_at_end();

    // When omitted() will next have something to say; nullopt while nothing is counted.
    [[nodiscard]] std::optional<Clock::time_point> due() const;

  private:
    void close_window(Clock::time_point now);

    std::size_t per_window_;
    Clock::duration window_;
    std::optional<Clock::time_point> opened_; // the first event of the current window
    std::size_t admitted_ = 0;                // in the current window
    std::uint64_t counting_ = 0;              // unsaid in the current window
    std::uint64_t over_ = 0;                  // unsaid in windows that are over
};

} // namespace echo
