// SPDX-License-Identifier: MIT
#pragma once

// What every load mode shares: its settings, the byte pattern that every echo is checked
// against, clocks, and the one-line JSON report.

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace load {

struct Settings {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::uint64_t bytes = 1ULL << 30; // stream
    std::size_t size = 1;             // pingpong, conns, udp: bytes per message
    std::uint64_t count = 0;          // pingpong, udp: messages (0: until `seconds`)
    double seconds = 3;               // conns, udp: how long to measure
    std::size_t conns = 50;           // conns
    std::size_t window = 1;           // udp: datagrams in flight
    int loss_timeout_ms = 200;        // udp: an answer later than this counts as lost
    int stall_seconds = 30;           // tcp modes: no progress for this long is a failure
};

// A wrong, short or missing echo, or a peer that failed: the run is void. main prints it and
// exits 1.
class Broken final : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A fixed pseudo-random byte sequence, read cyclically. Its period is not a power of two, so a
// lost, repeated or reordered block of any usual size shows as a mismatch.
class Pattern {
  public:
    Pattern();
    [[nodiscard]] std::size_t period() const noexcept { return bytes_.size(); }
    // Up to `max` bytes of the pattern from stream position `position`, without wrapping.
    [[nodiscard]] std::span<const std::byte> at(std::uint64_t position, std::size_t max) const;
    void fill(std::uint64_t position, std::span<std::byte> out) const;
    [[nodiscard]] bool matches(std::uint64_t position, std::span<const std::byte> got) const;

  private:
    std::vector<std::byte> bytes_;
};

std::int64_t now_ns();
double cpu_seconds(); // this process, user + system

// A blocking TCP connection with TCP_NODELAY whose recv gives up after the stall timeout;
// throws Broken.
int connect_tcp(const Settings& settings);
void set_nonblocking(int fd);

// p50 and p99 in microseconds; sorts `ns`.
std::pair<double, double> percentiles_us(std::vector<std::int64_t>& ns);

// Builds the JSON object that main prints: {"mode":"stream","bytes":...}.
class Report {
  public:
    explicit Report(const std::string& mode);
    Report& add(const std::string& key, double value);
    Report& add(const std::string& key, std::uint64_t value);
    [[nodiscard]] std::string str() const { return text_ + "}"; }

  private:
    std::string text_;
};

Report run_stream(const Settings& settings);
Report run_pingpong(const Settings& settings);
Report run_conns(const Settings& settings);
Report run_udp(const Settings& settings);
Report run_idle(const Settings& settings);

} // namespace load
