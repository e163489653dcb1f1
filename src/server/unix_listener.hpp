// SPDX-License-Identifier: MIT
#pragma once

// --unix: the server's Unix-domain socket, its file on disk, and the mode that serves it.

#include "listeners.hpp"
#include "server_options.hpp"
#include "status.hpp"

#include <string>
#include <vector>

#include <sys/types.h>

namespace echo {

// The socket file a server bound, removed when this is destroyed (a normal end, a stop by
// signal, an error after the bind), unless another file has replaced it at that path since.
class SocketFile final {
  public:
    SocketFile() = default;
    explicit SocketFile(std::string path); // records the identity of the file now at `path`
    SocketFile(const SocketFile&) = delete;
    SocketFile& operator=(const SocketFile&) = delete;
    SocketFile(SocketFile&& other) noexcept;
    SocketFile& operator=(SocketFile&&) = delete;
    ~SocketFile();

    // Makes `user` and `group` the file's owners (none: nothing to do).
    void give_to(uid_t user, gid_t group) const;

  private:
    std::string path_; // empty: nothing to remove
    dev_t device_ = 0;
    ino_t inode_ = 0;
};

struct UnixListener {
    Listener listener;
    SocketFile file; // none for an abstract name, which vanishes with its socket

    std::vector<Listener> take_listeners(); // the listener, for a mode; the file stays here
};

// Binds a Unix-domain socket of `socktype` at `address` (listening, for SOCK_STREAM). A socket
// file left by a server that is gone (connecting to it is refused) is replaced; a file that is
// not a socket, or a socket a live server still holds, is left alone and throws std::system_error
// or std::runtime_error saying which.
UnixListener open_unix_listener(const Address& address, int socktype);

// --unix: binds options.unix_path and says "Listening on PATH (Unix stream)" (or datagram); the
// socket file is removed when the UnixListener returned is destroyed.
UnixListener listen_on_unix_path(const ServerOptions& options, const Status& status);

} // namespace echo
