// SPDX-License-Identifier: MIT
#include "standard_descriptors.hpp"
#include "i18n.hpp"

#include "echo/error.hpp"
#include "echo/io.hpp"

#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

namespace echo {

void ensure_standard_descriptors() noexcept {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            // open(2) takes the lowest free number: `fd`, as those below it are open by now.
            // Read and write: a closed standard input reads as empty, output is discarded.
            // Where even /dev/null cannot be opened, the program goes on as it would have.
            (void)::open("/dev/null", O_RDWR);
        }
    }
}

void write_standard_output(std::span<const std::byte> data) {
    const IoResult written = write_all(STDOUT_FILENO, data);
    if (written.status == IoStatus::error) {
        throw_error(written.error, tr("write standard output"));
    }
}

} // namespace echo
