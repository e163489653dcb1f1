// SPDX-License-Identifier: MIT
#include "connection_trace.hpp"
#include "datagram_batch.hpp"
#include "echo/datagram.hpp"
#include "echo/error.hpp"
#include "echo/io.hpp"
#include "i18n.hpp"
#include "line_budget.hpp"
#include "loop_guard.hpp"
#include "sender_memory.hpp"
#include "server_modes.hpp"
#include "source_rate.hpp"
#include "stop.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <optional>
#include <span>
#include <system_error>

#include <netinet/in.h>
#include <poll.h>

namespace echo {

namespace {

constexpr std::size_t datagrams_per_wakeup = 64; // per socket; then poll again: a stop stays prompt
constexpr std::size_t batch_capacity = 32;       // datagrams per recvmmsg/sendmmsg
constexpr int socket_buffer_bytes = 1 << 20;     // room for bursts of large datagrams
constexpr std::size_t senders_remembered = 512;  // per generation: see SenderMemory
// Lines a second about senders, per kind (new, refused, failing): a flood of senders, each said
// once, must not become a flood of lines. The rest are counted, and the count said.
constexpr std::size_t sender_lines_per_second = 10;

using Clock = LineBudget::Clock;

// Errors a datagram socket reports on recv for something that went before (an ICMP error for an
// earlier answer) or that passes (a memory shortage). Anything else is a bug: it is thrown.
bool passing(int error) {
    switch (error) {
    case ECONNREFUSED:
    case ECONNRESET:
    case EHOSTUNREACH:
    case EHOSTDOWN:
    case ENETUNREACH:
    case ENETDOWN:
    case EPROTO:
    case ETIMEDOUT:
    case EMSGSIZE:
    case ENOBUFS:
    case ENOMEM:
        return true;
    default:
        return false;
    }
}

// Whether `address` is 0.0.0.0 or ::, where a datagram may come to any of the host's addresses.
bool is_wildcard(const Address& address) {
    if (address.family() == AF_INET) {
        return reinterpret_cast<const sockaddr_in*>(address.data())->sin_addr.s_addr ==
               htonl(INADDR_ANY);
    }
    return address.family() == AF_INET6 &&
           IN6_IS_ADDR_UNSPECIFIED(
               &reinterpret_cast<const sockaddr_in6*>(address.data())->sin6_addr);
}

class UdpEcho final {
  public:
    UdpEcho(std::vector<Listener> listeners, const Status& status, const ServerOptions& options)
        : listeners_(std::move(listeners)), status_(status), classic_(options.explain),
          batch_(batch_capacity, options.read_size.value_or(datagram_buffer_size)),
          cut_at_(options.read_size), rate_(options.rate),
          // Beside TCP (passed sockets, -k without --udp) --idle-timeout is the TCP peers'.
          idle_timeout_(options.udp ? options.idle_timeout : std::nullopt),
          senders_(senders_remembered), host_(host_addresses()) {
        if (rate_) {
            limiter_.emplace(*rate_);
        }
        for (const Listener& listener : listeners_) {
            set_socket_buffers(listener.socket.fd(), socket_buffer_bytes);
            own_.push_back(listener.address);
        }
        own_.emplace_back(); // the address of the datagram at hand: see answer()
    }

    int run() {
        std::vector<pollfd> fds;
        for (const Listener& listener : listeners_) {
            fds.push_back({listener.socket.fd(), POLLIN, 0});
        }
        fds.push_back({stop_fd(), POLLIN, 0});
        for (;;) {
            wait(fds);
            const Clock::time_point now = Clock::now();
            say_omitted(now);
            if (fds.back().revents != 0) {
                return stopped();
            }
            bool arrived = false;
            for (std::size_t i = 0; i < listeners_.size(); ++i) {
                if (fds[i].revents != 0) {
                    arrived = true;
                    if (!serve(listeners_[i])) {
                        return stopped();
                    }
                }
            }
            if (arrived) {
                last_arrival_ = now;
            } else if (idle_timeout_ && now >= last_arrival_ + *idle_timeout_) {
                return idle();
            }
        }
    }

  private:
    // poll(2) until a socket is ready, a stop is requested, or a count of lines left unsaid is
    // due.
    void wait(std::span<pollfd> fds) const {
        std::optional<Clock::time_point> due;
        for (const LineBudget* budget : {&new_senders_, &refused_senders_, &failing_senders_,
                                         &cut_datagrams_, &limited_senders_}) {
            if (const auto at = budget->due(); at && (!due || *at < *due)) {
                due = at;
            }
        }
        if (idle_timeout_ && (!due || last_arrival_ + *idle_timeout_ < *due)) {
            due = last_arrival_ + *idle_timeout_; // --idle-timeout: the end, if nothing comes
        }
        std::chrono::milliseconds timeout{-1};
        if (due) {
            timeout = std::max(std::chrono::milliseconds(0),
                               std::chrono::ceil<std::chrono::milliseconds>(*due - Clock::now()));
        }
        poll_for(fds, timeout);
    }

    // Whether a line about a sender may be written now; what went unsaid before is said first.
    bool may_say(LineBudget& budget) {
        const Clock::time_point now = Clock::now();
        say_omitted(now);
        return budget.admit(now);
    }

    // The counts of lines left unsaid in a second that is over (`now`), or in the last one (at
    // the end, no `now`).
    void say_omitted(std::optional<Clock::time_point> now) {
        const auto omitted = [&now](LineBudget& budget) {
            return now ? budget.omitted(*now) : budget.omitted_at_end();
        };
        if (const std::uint64_t count = omitted(new_senders_); count > 0) {
            status_.line(fill(tr_plural("... and %s more new sender in the last second",
                                        "... and %s more new senders in the last second", count),
                              {std::to_string(count)}));
        }
        if (const std::uint64_t count = omitted(refused_senders_); count > 0) {
            status_.line(fill(
                tr_plural("... and %s more sender ignored by the loop guard in the last second",
                          "... and %s more senders ignored by the loop guard in the last second",
                          count),
                {std::to_string(count)}));
        }
        if (const std::uint64_t count = omitted(limited_senders_); count > 0) {
            status_.line(
                fill(tr_plural("... and %s more sender over --rate in the last second",
                               "... and %s more senders over --rate in the last second", count),
                     {std::to_string(count)}));
        }
        if (const std::uint64_t count = omitted(cut_datagrams_); count > 0) {
            status_.line(fill(
                tr_plural("... and %s more datagram cut by --read-size in the last second",
                          "... and %s more datagrams cut by --read-size in the last second", count),
                {std::to_string(count)}));
        }
        if (const std::uint64_t count = omitted(failing_senders_); count > 0) {
            status_.error(
                fill(tr_plural("... and %s more error with senders in the last second",
                               "... and %s more errors with senders in the last second", count),
                     {std::to_string(count)}));
        }
    }

    // Answers the datagrams waiting on `listener`, a bounded number of them; false on a stop.
    // They come and go in batches (recvmmsg/sendmmsg): a fifth less CPU per datagram than one
    // recvmsg and one sendmsg each (bench/README.md). --explain (classic_) takes one datagram
    // per wake-up with the tutorial's recvfrom and sendto instead.
    bool serve(const Listener& listener) {
        for (std::size_t taken = 0; taken < datagrams_per_wakeup;) {
            const int fd = listener.socket.fd();
            const std::uint16_t port = listener.address.port();
            const IoResult got = classic_
                                     ? batch_.receive_one(fd, port, is_wildcard(listener.address))
                                     : batch_.receive(fd, port);
            if (got.status == IoStatus::would_block) {
                return true;
            }
            if (got.status == IoStatus::error) {
                receive_failed(listener, got.error);
                ++taken;
                continue;
            }
            answers_.clear();
            for (std::size_t i = 0; i < batch_.size(); ++i) {
                if (worth_answering(batch_.received(i), batch_.data(i))) {
                    answers_.push_back(i);
                }
            }
            if (!send_answers(listener)) {
                return false;
            }
            if (batch_.size() < batch_capacity) {
                return true; // all that was waiting
            }
            taken += batch_.size();
        }
        return true;
    }

    void receive_failed(const Listener& listener, int error) {
        if (!passing(error)) {
            throw_error(error, "recv on " + listener.address.to_string()); // translated in main
        }
        const std::string step = translated_step("recv on", listener.address.to_string());
        // Not tied to any one sender we could name: said once per kind, then counted.
        if (std::find(receive_errors_.begin(), receive_errors_.end(), error) ==
            receive_errors_.end()) {
            receive_errors_.push_back(error);
            status_.error(
                fill(tr("%s (an earlier answer failed; carrying on)"), {describe(step, error)}));
        }
    }

    // Whether to echo a datagram: not one that risks a loop, nor one too large for any buffer.
    // One cut by --read-size is echoed as it was received, cut, as the tutorial's recv(1024)
    // then sendto() would: that is the lesson.
    bool worth_answering(const Received& got, std::span<const std::byte> data) {
        // Named only when something is said: formatting an address for every datagram costs.
        const auto sender = [&got] { return got.source.to_string(); };
        if (status_.verbose()) {
            status_.received(sender(), data);
        }
        const bool cut = got.size > got.io.bytes;
        if (cut && !cut_at_) {
            if (senders_.first(got.source, SenderMemory::cut) && may_say(failing_senders_)) {
                status_.error(fill(
                    tr("datagram of %s bytes from %s is larger than any UDP datagram; dropped"),
                    {std::to_string(got.size), sender()}));
            }
            return false;
        }
        if (got.source.size() == 0) { // an unbound Unix-domain sender: no answer reaches it
            if (senders_.first(got.source, SenderMemory::refused) && may_say(refused_senders_)) {
                status_.line(tr("Ignoring datagrams from unbound Unix sockets: no answer can "
                                "reach them"));
            }
            return false;
        }
        own_.back() = got.local;
        if (const auto risk = loop_risk(got.source, own_, host_)) {
            ++refused_;
            if (senders_.first(got.source, SenderMemory::refused) && may_say(refused_senders_)) {
                status_.line(
                    fill(tr("Ignoring datagrams from %s: %s could start an endless echo loop"),
                         {sender(), *risk}));
            }
            if (status_.verbose()) {
                status_.event(fill(tr("not answering %s (loop guard)"), {sender()}));
            }
            return false;
        }
        if (over_rate(got.source)) {
            return false;
        }
        if (senders_.first(got.source, SenderMemory::seen) && may_say(new_senders_)) {
            status_.line(fill(tr("First datagram from %s"), {sender()}));
        }
        if (cut && may_say(cut_datagrams_)) {
            status_.line(fill(tr("Datagram of %s from %s cut to %s by --read-size (MSG_TRUNC); "
                                 "echoing what was read"),
                              {plural(got.size, "%s byte", "%s bytes"), sender(),
                               plural(got.io.bytes, "%s byte", "%s bytes")}));
        }
        return true;
    }

    // --rate: whether a datagram from `source` is over its address's rate, and so dropped
    // silently (the sender is named once, the datagram counted).
    bool over_rate(const Address& source) {
        if (!limiter_ || limiter_->admit(source, Clock::now())) {
            return false;
        }
        ++over_rate_;
        if (senders_.first(source, SenderMemory::over_rate) && may_say(limited_senders_)) {
            status_.line(
                fill(tr("Datagrams from %s exceed --rate %s a second; dropping the excess"),
                     {source.to_string(), std::to_string(*rate_)}));
        }
        if (status_.verbose()) {
            status_.event(fill(tr("not answering %s (--rate)"), {source.to_string()}));
        }
        return true;
    }

    // Sends every chosen answer of the batch; false on a stop.
    bool send_answers(const Listener& listener) {
        std::size_t done = 0;
        while (done < answers_.size()) {
            std::size_t sent = 0;
            const std::span<const std::size_t> rest = std::span(answers_).subspan(done);
            const IoResult io = classic_ ? batch_.send_each(listener.socket.fd(), rest, sent)
                                         : batch_.send(listener.socket.fd(), rest, sent);
            for (std::size_t k = done; k < done + sent; ++k) {
                const std::span<const std::byte> data = batch_.data(answers_[k]);
                ++datagrams_;
                bytes_ += data.size();
                if (status_.verbose()) {
                    status_.sent(batch_.received(answers_[k]).source.to_string(), data);
                }
            }
            done += sent;
            if (io.status == IoStatus::ok) {
                return true;
            }
            if (io.status == IoStatus::error) {
                // One sender's trouble is its own: said once, and the server carries on.
                const Received& failed = batch_.received(answers_[done]);
                if (senders_.first(failed.source, SenderMemory::send_failed) &&
                    may_say(failing_senders_)) {
                    status_.error(
                        describe(translated_step("send to", failed.source.to_string()), io.error));
                }
                ++done;
                continue;
            }
            // Our send buffer is full: it drains to the network whatever the peer does, so
            // waiting (for that or a stop) cannot hang.
            std::array<pollfd, 2> fds{{{listener.socket.fd(), POLLOUT, 0}, {stop_fd(), POLLIN, 0}}};
            poll_for(fds, std::chrono::milliseconds(-1));
            if (fds[1].revents != 0) {
                return false;
            }
        }
        return true;
    }

    int stopped() {
        return ended(fill(tr("Stopped by signal; %s (%s) echoed"),
                          {plural(datagrams_, "%s datagram", "%s datagrams"),
                           plural(bytes_, "%s byte", "%s bytes")}));
    }

    // --idle-timeout: no datagram came for that long (inetd's "dgram wait" then takes the socket
    // back, and starts us again at the next datagram).
    int idle() {
        return ended(
            fill(tr("No datagram for %s; %s (%s) echoed"),
                 {seconds_text(*idle_timeout_), plural(datagrams_, "%s datagram", "%s datagrams"),
                  plural(bytes_, "%s byte", "%s bytes")}));
    }

    int ended(std::string summary) {
        say_omitted(std::nullopt);
        if (refused_ > 0) {
            summary += fill(tr_plural(", %s refused by the loop guard",
                                      ", %s refused by the loop guard", refused_),
                            {std::to_string(refused_)});
        }
        if (over_rate_ > 0) {
            summary +=
                fill(tr_plural(", %s dropped by --rate", ", %s dropped by --rate", over_rate_),
                     {std::to_string(over_rate_)});
        }
        status_.line(summary);
        return exit_ok;
    }

    std::vector<Listener> listeners_;
    const Status& status_;
    bool classic_; // --explain: one datagram at a time, the tutorial's calls
    DatagramBatch batch_;
    std::optional<std::size_t> cut_at_; // --read-size
    std::optional<std::uint64_t> rate_; // --rate
    std::optional<std::chrono::milliseconds> idle_timeout_;
    Clock::time_point last_arrival_ = Clock::now();
    std::optional<SourceRate> limiter_;
    std::vector<std::size_t> answers_; // indexes into batch_ of the datagrams to echo
    SenderMemory senders_;
    LineBudget new_senders_{sender_lines_per_second};
    LineBudget refused_senders_{sender_lines_per_second};
    LineBudget failing_senders_{sender_lines_per_second};
    LineBudget cut_datagrams_{sender_lines_per_second};
    LineBudget limited_senders_{sender_lines_per_second};
    std::vector<Address> own_;
    std::vector<Address> host_; // the addresses of this host's interfaces, when we started
    std::vector<int> receive_errors_;
    std::uint64_t datagrams_ = 0;
    std::uint64_t bytes_ = 0;
    std::uint64_t refused_ = 0;
    std::uint64_t over_rate_ = 0;
};

} // namespace

int serve_udp(const ServerOptions& options, std::vector<Listener> listeners, const Status& status) {
    return UdpEcho(std::move(listeners), status, options).run();
}

} // namespace echo
