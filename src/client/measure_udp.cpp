// SPDX-License-Identifier: MIT
// Measuring over UDP (--udp -c): numbered datagrams, each awaited and sent again after a timeout,
// the echoes matched to their rounds.
#include "client_modes.hpp"
#include "connection_trace.hpp"
#include "echo/datagram.hpp"
#include "echo/error.hpp"
#include "echo/io.hpp"
#include "echo_failure.hpp"
#include "i18n.hpp"
#include "measure.hpp"
#include "standard_descriptors.hpp"
#include "stop.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <span>
#include <vector>

#include <poll.h>

namespace echo {

namespace {
using Clock = std::chrono::steady_clock;
} // namespace

namespace {

// UDP rounds carry their number in the first 8 bytes (big-endian), ahead of the payload, so that
// each echo can be matched to its round: loss, duplicates and reordering are counted, not guessed.
constexpr std::size_t round_number_size = udp_round_number_size;

void put_round_number(std::vector<std::byte>& datagram, std::uint64_t round) {
    for (std::size_t i = 0; i < round_number_size; ++i) {
        datagram[i] = static_cast<std::byte>(round >> (8 * (round_number_size - 1 - i)));
    }
}

std::uint64_t round_number(std::span<const std::byte> datagram) {
    std::uint64_t round = 0;
    for (std::size_t i = 0; i < round_number_size; ++i) {
        round = (round << 8) | std::to_integer<std::uint64_t>(datagram[i]);
    }
    return round;
}

// Matches the echoes of a UDP measuring run to their rounds, and counts them in the report.
// Which of the last udp_round_window rounds were echoed is kept, one bit each: enough to tell a
// duplicate from the late first echo of a round, in the same memory whatever -c.
class EchoMatcher final {
  public:
    // `datagram`: what each round sends, its round number aside.
    EchoMatcher(std::span<const std::byte> datagram, RoundReport& report)
        : datagram_(datagram), report_(report), echoed_(udp_round_window, false) {}

    // `round` is sent (for the first time): its bit is that of round - udp_round_window.
    void sending(std::uint64_t round) { echoed_[slot(round)] = false; }

    // Checks one echo of `size` bytes from the server while `round` is awaited; true when it is
    // the first echo of `round`. Throws EchoFailure when it is not an echo of what was sent.
    bool accept(std::span<const std::byte> got, std::size_t size, std::uint64_t round) {
        if (size != datagram_.size()) {
            throw EchoFailure(fill(tr("echo mismatch: sent %s, got %s back in round %s"),
                                   {plural(datagram_.size(), "%s byte", "%s bytes"),
                                    std::to_string(size), std::to_string(round)}));
        }
        const std::uint64_t number = round_number(got);
        if (number == 0 || number > round) {
            throw EchoFailure(fill(tr("echo mismatch: an echo of round %s, which was never sent"),
                                   {std::to_string(number)}));
        }
        const auto body = got.subspan(round_number_size);
        const auto sent = datagram_.subspan(round_number_size);
        const auto [differs, unused] = std::mismatch(sent.begin(), sent.end(), body.begin());
        if (differs != sent.end()) {
            throw EchoFailure(
                fill(tr("echo mismatch at byte %s of round %s"),
                     {std::to_string(differs - sent.begin() + 1), std::to_string(number)}));
        }
        if (number + udp_round_window <= round) {
            ++report_.too_old; // its bit went to a later round: echoed before or not, unknown
            return false;
        }
        if (echoed_[slot(number)]) {
            ++report_.duplicates;
            return false;
        }
        echoed_[slot(number)] = true;
        ++report_.echoed;
        if (number < round) {
            ++report_.reordered; // the echo of an earlier round, after we moved on
            return false;
        }
        return true;
    }

  private:
    static std::size_t slot(std::uint64_t round) noexcept {
        return static_cast<std::size_t>(round % udp_round_window);
    }

    std::span<const std::byte> datagram_;
    RoundReport& report_;
    std::vector<bool> echoed_;
};

// One measured UDP round: the datagram sent (again after each timeout, up to options.retries
// times) until its echo comes back.
enum class RoundEnd { answered, lost, stopped };

struct UdpRound {
    const ClientOptions& options;
    int sock;
    const Address& server;
    const std::string& name;
    const Status& status;
    std::span<const std::byte> datagram;
    std::span<std::byte> reply;
    RoundReport& report;
    EchoMatcher& matcher;
    bool blocking; // the socket blocks, up to the timeout (SO_RCVTIMEO), and a stop wakes it

    [[nodiscard]] RoundEnd run(std::uint64_t round) const {
        for (unsigned attempt = 0; attempt <= options.retries; ++attempt) {
            report.retries += attempt > 0 ? 1 : 0;
            const auto start = Clock::now();
            const IoResult sent = send_datagram(sock, datagram);
            if (sent.status == IoStatus::error) {
                throw_error(sent.error, "send to " + name);
            }
            status.sent(name, datagram);
            for (bool first = true;; first = false) {
                // The first read of a try blocks by itself (no poll(2) per round); a stray
                // datagram's successors wait for what is left of the try.
                if (!(blocking && first)) {
                    const Wakeup woke = wait_until(sock, POLLIN, start + options.timeout);
                    if (woke == Wakeup::stopped) {
                        return RoundEnd::stopped;
                    }
                    if (woke == Wakeup::timed_out) {
                        break; // this try is lost; send again, or give the round up
                    }
                }
                const Received got = receive_from(sock, reply);
                if (blocking && stop_requested()) {
                    return RoundEnd::stopped; // ShutdownOnStop woke the read
                }
                if (got.io.status == IoStatus::would_block) {
                    if (blocking && first) {
                        break; // SO_RCVTIMEO: this try is lost
                    }
                    continue;
                }
                if (got.io.status == IoStatus::error) {
                    // An ICMP error (nobody listens there) surfaces here; it is about the send.
                    throw_error(got.io.error, "send to " + name);
                }
                const auto echo = std::span<const std::byte>(reply).first(got.io.bytes);
                status.received(got.source.to_string(), echo);
                if (!(got.source == server)) {
                    continue; // a stray datagram from someone else
                }
                if (matcher.accept(echo, got.size, round)) {
                    const std::chrono::duration<double, std::micro> rtt = Clock::now() - start;
                    report.rtt.record(rtt.count());
                    if (options.verbose && !options.json) {
                        write_standard_output(
                            round_line(datagram.size(), name, round, rtt.count()));
                    }
                    return RoundEnd::answered;
                }
            }
        }
        return RoundEnd::lost;
    }
};

} // namespace

int measure_udp_rounds(const ClientOptions& options, Socket socket, const Address& server,
                       const Status& status) {
    // -s is the datagram's size, round number included (the options checked it holds it).
    const std::string payload =
        options.size ? pattern_payload(*options.size - round_number_size) : options.message;
    std::vector<std::byte> datagram(round_number_size + payload.size());
    std::copy_n(std::as_bytes(std::span(payload)).begin(), payload.size(),
                datagram.begin() + round_number_size);
    std::vector<std::byte> reply(datagram_buffer_size);
    const std::string name = server.to_string();
    RoundReport report;
    report.server = name;
    report.protocol = server.family() == AF_UNIX ? "unix-dgram" : "udp";
    report.payload_bytes = datagram.size();
    EchoMatcher matcher(datagram, report);
    install_stop_handlers();
    // Blocking reads that time out by themselves; --explain keeps the calls it shows.
    const bool blocking = !options.explain && options.timeout.count() > 0;
    if (blocking) {
        set_nonblocking(socket.fd(), false);
        set_receive_timeout(socket.fd(), options.timeout);
    }
    const ShutdownOnStop wakes(blocking ? socket.fd() : -1);
    UdpRound one_round{options,  socket.fd(), server, name,    status,
                       datagram, reply,       report, matcher, blocking};

    bool stopped = false;
    try {
        for (std::uint64_t round = 1; round <= options.count; ++round) {
            if (!pause_between(options, round)) {
                stopped = true;
                break;
            }
            put_round_number(datagram, round);
            matcher.sending(round);
            ++report.sent;
            if (one_round.run(round) == RoundEnd::stopped) {
                --report.sent; // the round the stop cut short is not counted
                stopped = true;
                break;
            }
        }
    } catch (const std::exception&) {
        print_report(options, report); // the rounds so far, then main prints the cause
        throw;
    }
    print_report(options, report);
    fail_if_stopped_empty(stopped, report);
    if (report.echoed < report.sent) {
        throw EchoFailure(fill(
            tr_plural("%s of %s round got no echo", "%s of %s rounds got no echo", report.sent),
            {std::to_string(report.sent - report.echoed), std::to_string(report.sent)}));
    }
    return exit_ok;
}

} // namespace echo
