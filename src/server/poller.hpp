// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <memory>
#include <span>

namespace echo {

// Readiness of many descriptors at once, level-triggered, as poll(2) reports it. Two versions
// implement this class, chosen when building: poller_epoll.cpp (Linux), where a wait costs
// the number of ready descriptors rather than the number watched, and poller_poll.cpp
// (portable POSIX).
class Poller final {
  public:
    enum class Interest { read, write };

    Poller(); // throws std::system_error, as do the other members when the kernel refuses
    Poller(const Poller&) = delete;
    Poller& operator=(const Poller&) = delete;
    ~Poller();

    void add(int fd, Interest interest);
    void change(int fd, Interest interest);
    void remove(int fd); // before closing `fd`

    // Waits until some descriptors are ready, or `timeout` passes (negative: forever; EINTR
    // returns none), and returns them. An error or hang-up counts as ready: the next read or
    // write on the descriptor reports it. The span is valid until the next call.
    std::span<const int> wait(std::chrono::milliseconds timeout);

  private:
    struct State; // each version's own
    std::unique_ptr<State> state_;
};

} // namespace echo
