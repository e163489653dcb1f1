// SPDX-License-Identifier: MIT
#include "unix_listener.hpp"

#include "echo/error.hpp"
#include "echo/net.hpp"
#include "i18n.hpp"
#include "server_modes.hpp"

#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace echo {

SocketFile::SocketFile(std::string path) : path_(std::move(path)) {
    struct stat info {};
    if (::lstat(path_.c_str(), &info) != 0) {
        throw_error(errno, "stat " + path_);
    }
    device_ = info.st_dev;
    inode_ = info.st_ino;
}

SocketFile::SocketFile(SocketFile&& other) noexcept
    : path_(std::exchange(other.path_, {})), device_(other.device_), inode_(other.inode_) {}

SocketFile::~SocketFile() {
    struct stat info {};
    // Only our own socket: a later server may have replaced it after taking it for stale.
    if (!path_.empty() && ::lstat(path_.c_str(), &info) == 0 && info.st_dev == device_ &&
        info.st_ino == inode_) {
        ::unlink(path_.c_str());
    }
}

namespace {

enum class Holder { nobody, live_server, not_a_socket };

// Who holds the path a bind found taken. A socket file outlives its server, and connecting
// tells them apart: refused when nobody listens (or receives) there any more. A live server of
// the other type answers EPROTOTYPE; a stream server with a full backlog EAGAIN.
Holder holder_of(const Address& address, int socktype) {
    struct stat info {};
    if (::lstat(address.unix_name().c_str(), &info) != 0) {
        return Holder::nobody; // gone in between: bind again
    }
    if (!S_ISSOCK(info.st_mode)) {
        return Holder::not_a_socket;
    }
    try {
        connect_to(address, socktype, std::chrono::milliseconds(1000));
    } catch (const std::system_error& error) {
        const int code = error.code().value();
        if (code == ECONNREFUSED) {
            return Holder::nobody;
        }
        if (code != EAGAIN && code != EPROTOTYPE) {
            throw;
        }
    }
    return Holder::live_server;
}

} // namespace

UnixListener open_unix_listener(const Address& address, int socktype) {
    if (address.is_abstract()) {
        // Nothing on disk: the name is free again when its socket closes, so it cannot be stale.
        Socket socket = bind_to(address, socktype);
        const Address bound = local_address(socket.fd());
        return {{std::move(socket), bound}, SocketFile()};
    }
    const std::string path = address.unix_name();
    for (int attempt = 1;; ++attempt) {
        try {
            Socket socket = bind_to(address, socktype);
            SocketFile file(path); // from here on, the file is removed whatever happens
            const Address bound = local_address(socket.fd());
            return {{std::move(socket), bound}, std::move(file)};
        } catch (const std::system_error& error) {
            if (error.code().value() != EADDRINUSE || attempt == 3) {
                throw;
            }
        }
        switch (holder_of(address, socktype)) {
        case Holder::not_a_socket:
            throw std::runtime_error(fill(tr("%s exists and is not a socket; left alone"), {path}));
        case Holder::live_server:
            throw std::runtime_error(
                fill(tr("%s is in use: a running server listens on it"), {path}));
        case Holder::nobody:
            ::unlink(path.c_str()); // a stale socket, left by a server that is gone
            break;
        }
    }
}

UnixListener listen_on_unix_path(const ServerOptions& options, const Status& status) {
    const int socktype = options.udp ? SOCK_DGRAM : SOCK_STREAM;
    UnixListener bound = open_unix_listener(Address::unix_domain(options.unix_path), socktype);
    prepare_listener(bound.listener.socket.fd(), socktype, AF_UNIX);
    // Scripts wait for this line: its English form under the C locale never changes.
    status.line(fill(options.udp ? tr("Listening on %s (Unix datagram)")
                                 : tr("Listening on %s (Unix stream)"),
                     {bound.listener.address.to_string()}));
    return bound;
}

std::vector<Listener> UnixListener::take_listeners() {
    std::vector<Listener> listeners;
    listeners.push_back(std::move(listener));
    return listeners;
}

void SocketFile::give_to(uid_t user, gid_t group) const {
    // The server drops root next, and must still be able to remove its file (a sticky /tmp
    // lets only its owner); lchown(2): the path is ours, a link there is not followed.
    if (!path_.empty() && ::lchown(path_.c_str(), user, group) != 0) {
        throw_error(errno, "chown " + path_);
    }
}

} // namespace echo
