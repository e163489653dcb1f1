// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace echo {

// `hexdump -C` style lines: offset, sixteen hex bytes in two groups of eight, printable ASCII
// between bars. The first byte is at `offset` (where the chunk starts in its direction's
// stream), so that the dumps of a connection's chunks read as one dump of its stream; a line
// equal to the one before is shown as one "*" for the whole run, as hexdump -C does. At most
// `limit` bytes are shown; the rest is summarised as "... N more bytes".
std::string hexdump(std::span<const std::byte> bytes, std::uint64_t offset = 0,
                    std::size_t limit = 256);

} // namespace echo
