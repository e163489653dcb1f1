// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace echo {

// Cuts a byte stream into datagrams of at most `limit` bytes: each line with its newline, and a
// line longer than `limit` into pieces of `limit` bytes (the newline ends the last piece). At the
// end of the stream, a last line without a newline is a datagram of its own. Memory: `limit`.
class LineCutter final {
  public:
    explicit LineCutter(std::size_t limit) : bytes_(limit == 0 ? 1 : limit) {}

    // The next whole datagram, valid until room() is called; nullopt when more input is needed
    // (or, with `at_end`, when nothing is left).
    std::optional<std::span<const std::byte>> next(bool at_end);

    // Where to read more input: never empty once next() has returned nullopt.
    std::span<std::byte> room();
    void filled(std::size_t count) noexcept { end_ += count; }

  private:
    std::vector<std::byte> bytes_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::size_t scanned_ = 0; // no newline in [begin_, scanned_)
};

} // namespace echo
