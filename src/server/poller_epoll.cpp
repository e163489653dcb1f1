// SPDX-License-Identifier: MIT
// Poller on epoll(7): the kernel keeps the watched set, so a wait costs only the ready ones.
#include "poller.hpp"

#include "echo/error.hpp"
#include "echo/socket.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <system_error>
#include <vector>

#include <sys/epoll.h>

namespace echo {

struct Poller::State {
    Socket epoll;
    std::array<epoll_event, 256> events{};
    std::vector<int> ready;
};

namespace {

void control(int epoll, int operation, int fd, Poller::Interest interest) {
    epoll_event event{};
    event.events = interest == Poller::Interest::read ? EPOLLIN : EPOLLOUT;
    event.data.fd = fd;
    if (::epoll_ctl(epoll, operation, fd, &event) != 0) {
        throw_errno("epoll_ctl");
    }
}

} // namespace

Poller::Poller() : state_(std::make_unique<State>()) {
    state_->epoll.reset(::epoll_create1(EPOLL_CLOEXEC));
    if (!state_->epoll) {
        throw_errno("epoll_create1");
    }
}

Poller::~Poller() = default;

void Poller::add(int fd, Interest interest) {
    control(state_->epoll.fd(), EPOLL_CTL_ADD, fd, interest);
}

void Poller::change(int fd, Interest interest) {
    control(state_->epoll.fd(), EPOLL_CTL_MOD, fd, interest);
}

void Poller::remove(int fd) {
    if (::epoll_ctl(state_->epoll.fd(), EPOLL_CTL_DEL, fd, nullptr) != 0) {
        throw_errno("epoll_ctl");
    }
}

std::span<const int> Poller::wait(std::chrono::milliseconds timeout) {
    State& state = *state_;
    state.ready.clear();
    const int wait_ms =
        timeout.count() < 0 ? -1 : static_cast<int>(std::min<long long>(timeout.count(), INT_MAX));
    const int count = ::epoll_wait(state.epoll.fd(), state.events.data(),
                                   static_cast<int>(state.events.size()), wait_ms);
    if (count < 0 && errno != EINTR) {
        throw_errno("epoll_wait");
    }
    for (int i = 0; i < count; ++i) {
        state.ready.push_back(state.events[static_cast<std::size_t>(i)].data.fd);
    }
    return state.ready;
}

} // namespace echo
