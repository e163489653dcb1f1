// SPDX-License-Identifier: MIT
// Poller on poll(2), for systems without epoll: the watched set lives here, and every wait hands
// all of it to the kernel.
#include "poller.hpp"

#include "echo/error.hpp"
#include "echo/io.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <system_error>
#include <unordered_map>
#include <vector>

#include <poll.h>

namespace echo {

struct Poller::State {
    std::vector<pollfd> watched;
    std::unordered_map<int, std::size_t> index; // fd -> its place in `watched`
    std::vector<int> ready;
};

namespace {

short events_for(Poller::Interest interest) {
    return interest == Poller::Interest::read ? POLLIN : POLLOUT;
}

} // namespace

Poller::Poller() : state_(std::make_unique<State>()) {}

Poller::~Poller() = default;

void Poller::add(int fd, Interest interest) {
    if (!state_->index.emplace(fd, state_->watched.size()).second) {
        throw_error(EEXIST, "poller add");
    }
    state_->watched.push_back({fd, events_for(interest), 0});
}

void Poller::change(int fd, Interest interest) {
    const auto found = state_->index.find(fd);
    if (found == state_->index.end()) {
        throw_error(ENOENT, "poller change");
    }
    state_->watched[found->second].events = events_for(interest);
}

void Poller::remove(int fd) {
    State& state = *state_;
    const auto found = state.index.find(fd);
    if (found == state.index.end()) {
        throw_error(ENOENT, "poller remove");
    }
    // Move the last entry into the hole, so that removal stays O(1).
    const std::size_t hole = found->second;
    state.index.erase(found);
    if (hole + 1 != state.watched.size()) {
        state.watched[hole] = state.watched.back();
        state.index[state.watched[hole].fd] = hole;
    }
    state.watched.pop_back();
}

std::span<const int> Poller::wait(std::chrono::milliseconds timeout) {
    State& state = *state_;
    state.ready.clear();
    const int count = poll_for(state.watched, timeout);
    for (std::size_t i = 0; count > 0 && i < state.watched.size(); ++i) {
        if (state.watched[i].revents != 0) {
            state.ready.push_back(state.watched[i].fd);
        }
    }
    return state.ready;
}

} // namespace echo
