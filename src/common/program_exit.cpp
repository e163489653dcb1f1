// SPDX-License-Identifier: MIT
#include "program_exit.hpp"

#include "i18n.hpp"

namespace echo {

int report_failure(const std::exception& error, const Status& status) {
    if (dynamic_cast<const UsageError*>(&error) != nullptr) {
        status.error(fill(tr("%s (try --help)"), {error.what()}));
        return exit_usage;
    }
    status.error(translated_error(error));
    return exit_failure;
}

} // namespace echo
