// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace echo {

// `hexdump -C` style lines: offset, sixteen hex bytes in two groups of eight, printable ASCII
// between bars. At most `limit` bytes are shown; the rest is summarised as "... N more bytes".
std::string hexdump(std::span<const std::byte> bytes, std::size_t limit = 256);

} // namespace echo
