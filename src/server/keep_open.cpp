// SPDX-License-Identifier: MIT
// -k: many TCP peers at once, served by one event loop over non-blocking sockets.
#include "connection_trace.hpp"
#include "echo/io.hpp"
#include "echo/net.hpp"
#include "i18n.hpp"
#include "line_budget.hpp"
#include "peer_host.hpp"
#include "poller.hpp"
#include "server_modes.hpp"
#include "stop.hpp"

#include <algorithm>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <unordered_map>

#include <sys/socket.h>

namespace echo {

namespace {

using Clock = std::chrono::steady_clock;
using Interest = Poller::Interest;
using namespace std::chrono_literals;

// What one read takes from a peer, and so the most echo a peer can have waiting for it.
constexpr std::size_t chunk_size = 64 * 1024;

// After accept(2) fails for want of descriptors or memory, how long new peers wait in the backlog
// before we try again (unless a peer leaves first and frees a descriptor).
constexpr auto accept_pause = 250ms;

// Lines a second about peers refused by --max-per-address: a flood of connections must not
// become a flood of lines. The rest are counted, and the count said.
constexpr std::size_t refusal_lines_per_second = 10;

struct Peer {
    Socket socket;
    Address address;
    PeerHost host; // what --max-per-address counts
    std::uint64_t echoed = 0;
    Clock::time_point last_active; // when a byte last moved, either way
    // Echo the peer has not taken yet, held only while there is some. The peer is not read from
    // meanwhile, so this (at most one chunk) is all the memory it costs beyond its entry here.
    std::unique_ptr<std::byte[]> backlog;
    std::span<const std::byte> unsent;
    std::unique_ptr<ConnectionTrace> trace; // only with -v
};

class ManyPeers {
  public:
    ManyPeers(const ServerOptions& options, std::vector<Listener> listeners, const Status& status)
        : options_(options), listeners_(std::move(listeners)), status_(status) {}

    int run();

  private:
    using Peers = std::list<Peer>;

    void accept_from(int listener, Clock::time_point now);
    void admit(Accepted accepted, Clock::time_point now);
    bool refuse(const Accepted& accepted, Clock::time_point now);
    void say_refusals_omitted(std::optional<Clock::time_point> now);
    int stopped();
    void serve(Peers::iterator peer, Clock::time_point now);
    std::optional<std::size_t> send_backlog(Peers::iterator peer);
    std::optional<std::size_t> echo_fresh_bytes(Peers::iterator peer);
    void finish(Peers::iterator peer);
    std::size_t count_echoed(Peer& peer, const IoResult& sent);
    void close(Peers::iterator peer, std::string_view why);
    void fail(Peers::iterator peer, IoFailure failure);
    void close_idle(Clock::time_point now);
    void watch_listeners(bool on);
    [[nodiscard]] std::chrono::milliseconds time_to_deadline() const;

    const ServerOptions& options_;
    std::vector<Listener> listeners_;
    const Status& status_;
    Poller poller_;
    Peers peers_; // least recently active first, so the next to go idle is at the front
    std::unordered_map<int, Peers::iterator> by_fd_;
    // --read-size makes each read smaller, never the chunk larger.
    std::vector<std::byte> chunk_ =
        std::vector<std::byte>(std::min(chunk_size, options_.read_size.value_or(chunk_size)));
    bool accepting_ = false;
    std::optional<Clock::time_point> accept_paused_until_;
    bool accept_failure_logged_ = false;
    std::uint64_t clients_ = 0;
    std::uint64_t echoed_ = 0;
    // --max-per-address: peers open from each address, only for addresses with peers open (so at
    // most --max-clients entries), and how many were refused.
    std::unordered_map<PeerHost, std::uint64_t, PeerHostHash> per_host_;
    std::uint64_t refused_ = 0;
    LineBudget refusal_lines_{refusal_lines_per_second};
};

int ManyPeers::run() {
    poller_.add(stop_fd(), Interest::read);
    for (;;) {
        // Accept while there is room for one more peer and accept(2) is not resting.
        const bool accept_more = peers_.size() < options_.max_clients && !accept_paused_until_;
        if (accept_more != accepting_) {
            watch_listeners(accept_more);
        }
        const std::span<const int> ready = poller_.wait(time_to_deadline());
        const Clock::time_point now = Clock::now();
        for (const int fd : ready) {
            if (fd == stop_fd()) {
                return stopped();
            }
            // A peer is closed only while its own readiness is handled (or after the batch), so
            // a descriptor later in `ready` never names a peer that has gone.
            if (const auto found = by_fd_.find(fd); found != by_fd_.end()) {
                serve(found->second, now);
            } else {
                accept_from(fd, now); // the rest are listeners
            }
        }
        close_idle(now);
        say_refusals_omitted(now);
        if (accept_paused_until_ && now >= *accept_paused_until_) {
            accept_paused_until_.reset();
        }
    }
}

int ManyPeers::stopped() {
    for (Peer& peer : peers_) {
        if (peer.trace) {
            peer.trace->ended(tr("stopped by signal"));
        }
    }
    say_refusals_omitted(std::nullopt);
    status_.line(peers_.empty()
                     ? std::string(tr("Stopped by signal"))
                     : fill(tr_plural("Stopped by signal; %s client dropped",
                                      "Stopped by signal; %s clients dropped", peers_.size()),
                            {std::to_string(peers_.size())}));
    std::string summary =
        fill(tr("Served %s, %s echoed"),
             {plural(clients_, "%s client", "%s clients"), plural(echoed_, "%s byte", "%s bytes")});
    if (refused_ > 0) {
        summary += fill(tr_plural(", %s refused by --max-per-address",
                                  ", %s refused by --max-per-address", refused_),
                        {std::to_string(refused_)});
    }
    status_.line(summary);
    return exit_ok;
}

void ManyPeers::accept_from(int listener, Clock::time_point now) {
    while (peers_.size() < options_.max_clients) {
        std::optional<Accepted> accepted;
        try {
            accepted = accept_peer(listener);
            if (!accepted) {
                accept_failure_logged_ = false; // caught up with the backlog
                return;
            }
            if (refuse(*accepted, now)) {
                continue; // closed as it goes out of scope
            }
            poller_.add(accepted->socket.fd(), Interest::read);
        } catch (const std::system_error& error) {
            // Out of descriptors (EMFILE, ENFILE) or memory: the peer stays in the backlog.
            // Stop watching the listeners for a while, or the next wait would return at once.
            if (!accept_failure_logged_) {
                status_.error(
                    fill(tr("%s (new peers wait in the backlog)"), {translated_error(error)}));
                accept_failure_logged_ = true;
            }
            accept_paused_until_ = now + accept_pause;
            return;
        }
        admit(std::move(*accepted), now);
    }
}

void ManyPeers::admit(Accepted accepted, Clock::time_point now) {
    ++clients_;
    status_.line(fill(tr("Client connected: %s"), {accepted.peer.to_string()}));
    Peer& peer = peers_.emplace_back();
    peer.socket = std::move(accepted.socket);
    peer.address = accepted.peer;
    peer.last_active = now;
    if (options_.max_per_address) {
        peer.host = host_of(peer.address);
        ++per_host_[peer.host];
    }
    if (status_.verbose()) {
        peer.trace = std::make_unique<ConnectionTrace>(status_, peer.address.to_string());
    }
    by_fd_.emplace(peer.socket.fd(), std::prev(peers_.end()));
}

// --max-per-address: whether `accepted` comes from an address that has all the peers it may
// have; such a peer is closed at once, before it is ever read, rather than left in the backlog
// where it would hold up the peers of other hosts behind it.
bool ManyPeers::refuse(const Accepted& accepted, Clock::time_point now) {
    if (!options_.max_per_address) {
        return false;
    }
    const auto open = per_host_.find(host_of(accepted.peer));
    if (open == per_host_.end() || open->second < *options_.max_per_address) {
        return false;
    }
    ++refused_;
    if (refusal_lines_.admit(now)) {
        status_.line(
            fill(tr("Refusing %s: %s from its address already (--max-per-address)"),
                 {accepted.peer.to_string(), plural(open->second, "%s peer", "%s peers")}));
    }
    return true;
}

// The count of refusals left unsaid in a second that is over (`now`), or at the end.
void ManyPeers::say_refusals_omitted(std::optional<Clock::time_point> now) {
    const std::uint64_t count =
        now ? refusal_lines_.omitted(*now) : refusal_lines_.omitted_at_end();
    if (count > 0) {
        status_.line(fill(tr_plural("... and %s more peer refused by --max-per-address in the "
                                    "last second",
                                    "... and %s more peers refused by --max-per-address in the "
                                    "last second",
                                    count),
                          {std::to_string(count)}));
    }
}

// One peer's turn of the event loop, the -k twin of echo_by_copy(): the rest of an earlier echo
// while one waits, else a fresh read and its echo. Either way, moving bytes makes it the most
// recently active peer.
void ManyPeers::serve(Peers::iterator peer, Clock::time_point now) {
    const std::optional<std::size_t> moved =
        peer->backlog ? send_backlog(peer) : echo_fresh_bytes(peer);
    if (moved && *moved > 0) {
        peer->last_active = now;
        peers_.splice(peers_.end(), peers_, peer); // now the most recently active
    }
}

// Room at last for the rest of an echo: bytes sent, or nullopt when the peer is gone.
std::optional<std::size_t> ManyPeers::send_backlog(Peers::iterator peer) {
    const int fd = peer->socket.fd();
    const IoResult sent = send_some(fd, peer->unsent);
    if (sent.status == IoStatus::error) {
        fail(peer, {"send to", sent.error});
        return std::nullopt;
    }
    const std::size_t moved = count_echoed(*peer, sent);
    if (peer->trace && moved > 0) {
        peer->trace->sent(peer->unsent.first(moved));
    }
    peer->unsent = peer->unsent.subspan(moved);
    if (peer->unsent.empty()) {
        peer->backlog.reset();
        poller_.change(fd, Interest::read);
    }
    return moved;
}

// Reads what the peer sent and echoes it, keeping what it does not take yet: bytes read, or
// nullopt when the peer is gone (closed after its FIN, or failed).
std::optional<std::size_t> ManyPeers::echo_fresh_bytes(Peers::iterator peer) {
    const int fd = peer->socket.fd();
    const IoResult received = receive_some(fd, chunk_);
    if (received.status == IoStatus::would_block) {
        return 0;
    }
    if (received.status == IoStatus::error) {
        fail(peer, {"recv from", received.error});
        return std::nullopt;
    }
    if (received.status == IoStatus::eof) {
        finish(peer);
        return std::nullopt;
    }
    const std::span<const std::byte> echo = std::span(chunk_).first(received.bytes);
    if (peer->trace) {
        peer->trace->received(echo);
    }
    const IoResult sent = send_some(fd, echo);
    if (sent.status == IoStatus::error) {
        fail(peer, {"send to", sent.error});
        return std::nullopt;
    }
    const std::size_t taken = count_echoed(*peer, sent);
    if (peer->trace && taken > 0) {
        peer->trace->sent(echo.first(taken));
    }
    if (taken < echo.size()) {
        // The peer takes its echo slower than it sends: keep the rest, and read no more
        // from it until that has gone. Its unread bytes wait in the kernel meanwhile.
        const std::span<const std::byte> rest = echo.subspan(taken);
        peer->backlog = std::make_unique_for_overwrite<std::byte[]>(rest.size());
        std::copy(rest.begin(), rest.end(), peer->backlog.get());
        peer->unsent = std::span(peer->backlog.get(), rest.size());
        poller_.change(fd, Interest::write);
    }
    return received.bytes;
}

// Half-close: the peer sends no more, and all it sent has been echoed (it is read only when
// nothing is unsent). Our FIN follows the echo; then let go.
void ManyPeers::finish(Peers::iterator peer) {
    if (peer->trace) {
        peer->trace->peer_closed_write();
    }
    shutdown_write(peer->socket.fd());
    if (peer->trace) {
        peer->trace->closed_write();
    }
    close(peer, tr("peer closed, echo complete"));
}

std::size_t ManyPeers::count_echoed(Peer& peer, const IoResult& sent) {
    const std::size_t taken = sent.status == IoStatus::ok ? sent.bytes : 0;
    peer.echoed += taken;
    echoed_ += taken;
    return taken;
}

void ManyPeers::close(Peers::iterator peer, std::string_view why) {
    if (peer->trace) {
        peer->trace->ended(why);
    }
    const std::string line = disconnected_line(peer->address.to_string(), peer->echoed);
    if (options_.max_per_address) {
        if (const auto open = per_host_.find(peer->host);
            open != per_host_.end() && --open->second == 0) {
            per_host_.erase(open);
        }
    }
    poller_.remove(peer->socket.fd());
    by_fd_.erase(peer->socket.fd());
    peers_.erase(peer);           // closes the socket
    accept_paused_until_.reset(); // a descriptor is free again
    status_.line(line);           // after the close, so that the line means it is gone
}

// A reset, EPIPE or any other error ends this peer only, and is the peer's affair rather than the
// server's: a status line (which -q silences), not an error line.
void ManyPeers::fail(Peers::iterator peer, IoFailure failure) {
    status_.line(describe(translated_step(failure.step, peer->address.to_string()), failure.error));
    close(peer, describe(translated_step(failure.step, {}), failure.error));
}

void ManyPeers::close_idle(Clock::time_point now) {
    if (!options_.idle_timeout) {
        return;
    }
    while (!peers_.empty() && now - peers_.front().last_active >= *options_.idle_timeout) {
        const std::string idle = fill(tr("idle for %s"), {seconds_text(*options_.idle_timeout)});
        status_.line(
            fill(tr("Client %s idle for %s, closing"),
                 {peers_.front().address.to_string(), seconds_text(*options_.idle_timeout)}));
        close(peers_.begin(), idle);
    }
}

void ManyPeers::watch_listeners(bool on) {
    for (const Listener& listener : listeners_) {
        if (on) {
            poller_.add(listener.socket.fd(), Interest::read);
        } else {
            poller_.remove(listener.socket.fd());
        }
    }
    accepting_ = on;
}

// How long the loop may sleep: until the next peer would go idle or accepting resumes, rounded
// up (waking early would only spin until the deadline); -1 (forever) when nothing is due.
std::chrono::milliseconds ManyPeers::time_to_deadline() const {
    std::optional<Clock::time_point> deadline = accept_paused_until_;
    if (const auto due = refusal_lines_.due(); due && (!deadline || *due < *deadline)) {
        deadline = due;
    }
    if (options_.idle_timeout && !peers_.empty()) {
        const Clock::time_point idle = peers_.front().last_active + *options_.idle_timeout;
        deadline = deadline ? std::min(*deadline, idle) : idle;
    }
    if (!deadline) {
        return -1ms;
    }
    return std::max(0ms, std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()));
}

} // namespace

int serve_many_tcp_peers(const ServerOptions& options, std::vector<Listener> listeners,
                         const Status& status) {
    return ManyPeers(options, std::move(listeners), status).run();
}

} // namespace echo
