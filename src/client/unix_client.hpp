// SPDX-License-Identifier: MIT
#pragma once

// --unix: the client's side of a Unix-domain socket.

#include "echo/socket.hpp"

#include <chrono>
#include <string>

namespace echo {

// A datagram client's own socket file, in a fresh directory of its own (mkdtemp(3) under
// $TMPDIR or /tmp, mode 0700), so that the server's echo has somewhere to come back to.
// Destroying it removes both; so does SIGINT, SIGTERM or SIGHUP until then (the signal then
// ends the program as it would have).
class TemporarySocketPath final {
  public:
    TemporarySocketPath() = default;
    TemporarySocketPath(const TemporarySocketPath&) = delete;
    TemporarySocketPath& operator=(const TemporarySocketPath&) = delete;
    ~TemporarySocketPath();

    // Makes the directory and returns the socket's path inside it (not created yet).
    const std::string& create();

    // Once the socket is bound there: lets a server of another user send to it.
    void open_to_the_server() const;

  private:
    std::string directory_;
    std::string path_;
};

// A non-blocking socket connected to the Unix-domain server at `name` ("/path" or "@name"):
// a stream socket, or with `datagram` a datagram socket bound first, to a path in `own` when
// the server has a path, or to a name Linux picks (autobind) when it has an abstract one.
Socket connect_unix(const std::string& name, bool datagram, std::chrono::milliseconds timeout,
                    TemporarySocketPath& own);

} // namespace echo
