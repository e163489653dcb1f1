// SPDX-License-Identifier: MIT
#include "status.hpp"

#include "echo/io.hpp"
#include "hexdump.hpp"
#include "i18n.hpp"
#include "log_writer.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>

#include <unistd.h>

namespace echo {

namespace {

// When the program started (its static initialisation): where -v's timestamps count from.
const std::chrono::steady_clock::time_point program_start = std::chrono::steady_clock::now();

void write_line(const std::string& text) {
    // Never blocks, and errors are ignored on purpose: a script that read our "Listening on" line
    // from a pipe and went away, or stopped reading, must not stop or stall the server.
    standard_error().write(text);
}

} // namespace

Status::Status(std::string_view program, bool quiet, bool verbose)
    : program_(program), quiet_(quiet), verbose_(verbose && !quiet) {
    standard_error();
}

void Status::line(std::string_view text) const {
    if (!quiet_) {
        write_line("[+] " + std::string(text) + "\n");
    }
}

void Status::error(std::string_view text) const {
    write_line(program_ + ": " + std::string(text) + "\n");
}

void Status::hint(std::string_view text) const {
    if (!quiet_) {
        write_line("[hint] " + std::string(text) + "\n");
    }
}

void Status::received(std::string_view peer, std::span<const std::byte> bytes,
                      std::uint64_t offset) const {
    if (verbose_) {
        write_line("[<] " + elapsed_since_start() + " " +
                   fill(tr_plural("%s byte from %s", "%s bytes from %s", bytes.size()),
                        {std::to_string(bytes.size()), peer}) +
                   "\n" + hexdump(bytes, offset));
    }
}

void Status::sent(std::string_view peer, std::span<const std::byte> bytes,
                  std::uint64_t offset) const {
    if (verbose_) {
        write_line("[>] " + elapsed_since_start() + " " +
                   fill(tr_plural("%s byte to %s", "%s bytes to %s", bytes.size()),
                        {std::to_string(bytes.size()), peer}) +
                   "\n" + hexdump(bytes, offset));
    }
}

void Status::event(std::string_view text) const {
    if (verbose_) {
        write_line("[*] " + elapsed_since_start() + " " + std::string(text) + "\n");
    }
}

bool Status::print(std::string_view text) const {
    const IoResult written = write_all(STDOUT_FILENO, std::as_bytes(std::span(text)));
    if (written.status == IoStatus::error) {
        error(describe(tr("write standard output"), written.error));
        return false;
    }
    return true;
}

std::string elapsed_since_start() {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - program_start)
                            .count();
    char text[32];
    std::snprintf(text, sizeof(text), "+%lld.%06lld", static_cast<long long>(micros / 1000000),
                  static_cast<long long>(micros % 1000000));
    return text;
}

std::string plural(std::uint64_t count, const char* singular, const char* plural_form) {
    return fill(tr_plural(singular, plural_form, count), {std::to_string(count)});
}

std::string describe(std::string_view step, int error) {
    return std::string(step) + ": " + std::strerror(error);
}

} // namespace echo
