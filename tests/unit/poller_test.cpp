// SPDX-License-Identifier: MIT
// The Poller contract, whichever version was built (epoll or poll).
#include "catch.hpp"
#include "sockets.hpp"

#include "echo/socket.hpp"
#include "poller.hpp"

#include <algorithm>
#include <chrono>
#include <system_error>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

using echo::Poller;
using echo::Socket;
using echo::test::socket_pair;
using namespace std::chrono_literals;

namespace {

std::vector<int> ready(Poller& poller, std::chrono::milliseconds timeout = 0ms) {
    const auto span = poller.wait(timeout);
    std::vector<int> fds(span.begin(), span.end());
    std::sort(fds.begin(), fds.end());
    return fds;
}

} // namespace

TEST_CASE("Poller reports what each descriptor waits for, level-triggered", "[poller]") {
    auto [a, b] = socket_pair();
    auto [c, d] = socket_pair();
    Poller poller;
    poller.add(a.fd(), Poller::Interest::read);
    poller.add(c.fd(), Poller::Interest::write);
    CHECK(ready(poller) == std::vector<int>{c.fd()}); // writable at once; nothing to read yet

    REQUIRE(::write(b.fd(), "x", 1) == 1);
    const std::vector<int> both = ready(poller, 1000ms);
    CHECK(both.size() == 2);
    CHECK(std::count(both.begin(), both.end(), a.fd()) == 1);
    CHECK(ready(poller).size() == 2); // still unread: reported again

    poller.change(c.fd(), Poller::Interest::read);
    CHECK(ready(poller) == std::vector<int>{a.fd()});
    poller.remove(a.fd());
    CHECK(ready(poller, 10ms).empty()); // nothing due: the timeout passes
}

TEST_CASE("Poller counts a hang-up as ready, for the next read to report", "[poller]") {
    auto [a, b] = socket_pair();
    Poller poller;
    poller.add(a.fd(), Poller::Interest::write);
    // Fill a's buffer, so that it is no longer writable; then the peer goes away.
    const std::vector<char> block(65536, 'x');
    while (::write(a.fd(), block.data(), block.size()) > 0) {
    }
    CHECK(ready(poller).empty());
    b.reset();
    CHECK(ready(poller, 1000ms) == std::vector<int>{a.fd()});
}

TEST_CASE("Poller refuses to change or remove what it does not watch", "[poller]") {
    auto [a, b] = socket_pair();
    Poller poller;
    CHECK_THROWS_AS(poller.change(a.fd(), Poller::Interest::read), std::system_error);
    CHECK_THROWS_AS(poller.remove(a.fd()), std::system_error);
    poller.add(a.fd(), Poller::Interest::read);
    CHECK_THROWS_AS(poller.add(a.fd(), Poller::Interest::read), std::system_error);
}
