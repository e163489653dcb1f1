// SPDX-License-Identifier: MIT
#include "connection_trace.hpp"
#include "i18n.hpp"

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
    status_.event(fill(tr("%s closed its write side after %s (FIN received)"),
                       {peer_, plural(bytes_in_, "%s byte", "%s bytes")}));
}

void ConnectionTrace::closed_write() {
    status_.event(fill(tr("shut down our write side to %s after %s (FIN sent)"),
                       {peer_, plural(bytes_out_, "%s byte", "%s bytes")}));
}

void ConnectionTrace::ended(std::string_view why) {
    if (!status_.verbose()) {
        return;
    }
    const std::chrono::duration<double, std::milli> lasted =
        std::chrono::steady_clock::now() - start_;
    char duration[32];
    std::snprintf(duration, sizeof(duration), "%.3f ms", lasted.count());
    // TRANSLATORS: peer, bytes in (chunks), bytes out (chunks), duration, why it ended.
    status_.event(fill(tr("%s: %s in (%s), %s out (%s), %s, ended: %s"),
                       {peer_, plural(bytes_in_, "%s byte", "%s bytes"),
                        plural(chunks_in_, "%s chunk", "%s chunks"),
                        plural(bytes_out_, "%s byte", "%s bytes"),
                        plural(chunks_out_, "%s chunk", "%s chunks"), duration, why}));
}

} // namespace echo
