// SPDX-License-Identifier: MIT
#include "line_cutter.hpp"

#include <algorithm>
#include <cstring>

namespace echo {

std::optional<std::span<const std::byte>> LineCutter::next(bool at_end) {
    const auto first = bytes_.begin() + static_cast<std::ptrdiff_t>(std::max(begin_, scanned_));
    const auto last = bytes_.begin() + static_cast<std::ptrdiff_t>(end_);
    const auto newline = std::find(first, last, std::byte{'\n'});
    std::size_t piece_end = end_;
    if (newline != last) {
        piece_end = static_cast<std::size_t>(newline - bytes_.begin()) + 1;
    } else if (end_ - begin_ < bytes_.size() && !(at_end && end_ > begin_)) {
        scanned_ = end_; // not a whole line yet, nor a full piece, nor the last words
        return std::nullopt;
    }
    const auto piece = std::span<const std::byte>(bytes_).subspan(begin_, piece_end - begin_);
    begin_ = piece_end;
    scanned_ = begin_;
    return piece;
}

std::span<std::byte> LineCutter::room() {
    if (begin_ > 0) {
        // Move the unfinished line to the front, so that it can grow to a whole piece.
        std::memmove(bytes_.data(), bytes_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        scanned_ -= begin_;
        begin_ = 0;
    }
    return std::span(bytes_).subspan(end_);
}

} // namespace echo
