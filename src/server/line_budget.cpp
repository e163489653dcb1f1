// SPDX-License-Identifier: MIT
#include "line_budget.hpp"

#include <utility>

namespace echo {

void LineBudget::close_window(Clock::time_point now) {
    if (opened_ && now - *opened_ >= window_) {
        over_ += std::exchange(counting_, 0);
        admitted_ = 0;
        opened_.reset();
    }
}

bool LineBudget::admit(Clock::time_point now) {
    close_window(now);
    if (!opened_) {
        opened_ = now;
    }
    if (admitted_ < per_window_) {
        ++admitted_;
        return true;
    }
    ++counting_;
    return false;
}

std::uint64_t LineBudget::omitted(Clock::time_point now) {
    close_window(now);
    return std::exchange(over_, 0);
}

std::uint64_t LineBudget::omitted_at_end() {
    return std::exchange(over_, 0) + std::exchange(counting_, 0);
}

std::optional<LineBudget::Clock::time_point> LineBudget::due() const {
    if (over_ > 0) {
        return Clock::time_point{}; // now: long due
    }
    if (counting_ > 0) {
        return *opened_ + window_;
    }
    return std::nullopt;
}

} // namespace echo
