// SPDX-License-Identifier: MIT
// The translation helpers of src/common/i18n.hpp, without a catalogue: every text is its English
// msgid, so the lines of the C locale are those of before.
#include "catch.hpp"
#include "i18n.hpp"
#include "status.hpp"

#include <stdexcept>
#include <system_error>

#include <cerrno>

TEST_CASE("fill puts each argument in its placeholder, in order or by number", "[i18n]") {
    CHECK(echo::fill("Client %s disconnected (%s echoed)", {"127.0.0.1:9", "15 bytes"}) ==
          "Client 127.0.0.1:9 disconnected (15 bytes echoed)");
    CHECK(echo::fill("han vuelto de %2$s %1$s bytes", {"3", "127.0.0.1:9"}) ==
          "han vuelto de 127.0.0.1:9 3 bytes");
    CHECK(echo::fill("%s%% loss", {"20.0"}) == "20.0% loss");
    CHECK(echo::fill("no placeholder", {"x"}) == "no placeholder");
    CHECK(echo::fill("%s and %s", {"one"}) == "one and %s"); // a missing argument stays visible
    CHECK(echo::fill("100%", {}) == "100%");
    CHECK(echo::fill("%d", {"x"}) == "%d");
}

TEST_CASE("plural takes the form for the count", "[i18n]") {
    CHECK(echo::plural(0, "%s byte", "%s bytes") == "0 bytes");
    CHECK(echo::plural(1, "%s byte", "%s bytes") == "1 byte");
    CHECK(echo::plural(2, "%s retry", "%s retries") == "2 retries");
}

TEST_CASE("translated_error keeps the wrapper's English under the C locale", "[i18n]") {
    const std::system_error refused(ECONNREFUSED, std::generic_category(),
                                    "connect to 127.0.0.1:9");
    CHECK(echo::translated_error(refused) == refused.what());
    const std::runtime_error other("resolve nowhere.invalid: Name or service not known");
    CHECK(echo::translated_error(other) == other.what());
    CHECK(echo::translated_step("send to", "[::1]:7") == "send to [::1]:7");
    CHECK(echo::translated_step("recv from", "") == "recv from");
    CHECK(echo::translated_step("poll", "") == "poll");
}
