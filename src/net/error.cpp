// SPDX-License-Identifier: MIT
#include "echo/error.hpp"

#include <cerrno>
#include <system_error>

namespace echo {

void throw_errno(const char* step) {
    const int error = errno; // before anything else can change it
    throw std::system_error(error, std::generic_category(), step);
}

void throw_error(int error, const std::string& step) {
    throw std::system_error(error, std::generic_category(), step);
}

} // namespace echo
