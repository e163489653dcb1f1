// SPDX-License-Identifier: MIT
#include "connection_trace.hpp"

#include <cstdio>

namespace echo {

ConnectionTrace::ConnectionTrace(const Status& status, std::string peer)
    : status_(status), peer_(std::move(peer)), start_(std::chrono::steady_clock::now()) {}

void ConnectionTrace::received(std::span<const std::byte> bytes) {
    status_.received(peer_, bytes, bytes_in_); // the hexdump counts along the stream
    bytes_in_ += bytes.size();
    ++chunks_in_;
}

void ConnectionTrace::sent(std::span<const std::byte> bytes) {
    status_.sent(peer_, bytes, bytes_out_);
    bytes_out_ += bytes.size();
    ++chunks_out_;
}

void ConnectionTrace::peer_closed_write() {
    status_.event(peer_ + " closed its write side after " + plural(bytes_in_, "byte") +
                  " (FIN received)");
}

void ConnectionTrace::closed_write() {
    status_.event("shut down our write side to " + peer_ + " after " + plural(bytes_out_, "byte") +
                  " (FIN sent)");
}

void ConnectionTrace::ended(std::string_view why) {
    if (!status_.verbose()) {
        return;
    }
    const std::chrono::duration<double, std::milli> lasted =
        std::chrono::steady_clock::now() - start_;
    char duration[32];
    std::snprintf(duration, sizeof(duration), "%.3f ms", lasted.count());
    status_.event(peer_ + ": " + plural(bytes_in_, "byte") + " in (" + plural(chunks_in_, "chunk") +
                  "), " + plural(bytes_out_, "byte") + " out (" + plural(chunks_out_, "chunk") +
                  "), " + duration + ", ended: " + std::string(why));
}

} // namespace echo
