// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace echo::test {

// -v's lines with their timestamps taken out: "[<] +0.000123 15 bytes from ..." becomes
// "[<] 15 bytes from ...", likewise for "[>]" and "[*]", so that a test can match the rest.
std::string untimed(std::string_view err);

// The timestamps of -v's lines in `err`, in seconds, in the order they appear; a line of "[<]",
// "[>]" or "[*]" without a well-formed "+S.UUUUUU" after its tag fails the test.
std::vector<double> timestamps(std::string_view err);

} // namespace echo::test
