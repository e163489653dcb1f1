// SPDX-License-Identifier: MIT
#include "catch.hpp"
#include "sockets.hpp"

#include "echo/socket.hpp"

#include <cerrno>
#include <type_traits>
#include <utility>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using echo::Socket;
using echo::test::socket_pair;

namespace {

bool is_open(int fd) {
    return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

} // namespace

TEST_CASE("Socket is move-only", "[socket]") {
    STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<Socket>);
    STATIC_REQUIRE_FALSE(std::is_copy_assignable_v<Socket>);
    STATIC_REQUIRE(std::is_nothrow_move_constructible_v<Socket>);
    STATIC_REQUIRE(std::is_nothrow_move_assignable_v<Socket>);
}

TEST_CASE("A default Socket owns nothing", "[socket]") {
    const Socket socket;
    CHECK_FALSE(socket);
    CHECK(socket.fd() == -1);
}

TEST_CASE("The destructor closes the descriptor", "[socket]") {
    auto [a, b] = socket_pair(false);
    const int fd = a.fd();
    { const Socket owner(a.release()); }
    CHECK_FALSE(is_open(fd));
}

TEST_CASE("reset closes the descriptor and adopts another", "[socket]") {
    auto [a, b] = socket_pair(false);
    const int first = a.fd();
    const int second = b.release();
    a.reset(second);
    CHECK_FALSE(is_open(first));
    CHECK(a.fd() == second);
    a.reset();
    CHECK_FALSE(is_open(second));
    CHECK_FALSE(a);
}

TEST_CASE("release gives the descriptor up without closing it", "[socket]") {
    auto [a, b] = socket_pair(false);
    const int fd = a.release();
    CHECK_FALSE(a);
    CHECK(is_open(fd));
    ::close(fd);
}

TEST_CASE("Move construction transfers ownership", "[socket]") {
    auto [a, b] = socket_pair(false);
    const int fd = a.fd();
    Socket moved(std::move(a));
    CHECK(moved.fd() == fd);
    CHECK(a.fd() == -1); // NOLINT(bugprone-use-after-move): a moved-from Socket is empty
    CHECK(is_open(fd));
}

TEST_CASE("Move assignment closes the old descriptor at once", "[socket]") {
    auto [a, b] = socket_pair(false);
    const int old_fd = a.fd();
    const int new_fd = b.fd();
    a = std::move(b);
    CHECK_FALSE(is_open(old_fd));
    CHECK(a.fd() == new_fd);
    CHECK(is_open(new_fd));
}

TEST_CASE("Self move assignment keeps the descriptor", "[socket]") {
    auto [a, b] = socket_pair(false);
    const int fd = a.fd();
    Socket& same = a;
    a = std::move(same);
    CHECK(a.fd() == fd);
    CHECK(is_open(fd));
}

TEST_CASE("open_socket sets close-on-exec", "[socket]") {
    const Socket socket = echo::open_socket(AF_INET, SOCK_STREAM);
    REQUIRE(socket);
    CHECK((::fcntl(socket.fd(), F_GETFD) & FD_CLOEXEC) != 0);
}

TEST_CASE("open_socket throws system_error with errno", "[socket]") {
    try {
        (void)echo::open_socket(-1, SOCK_STREAM);
        FAIL("no exception");
    } catch (const std::system_error& error) {
        CHECK(error.code().value() == EAFNOSUPPORT);
    }
}
