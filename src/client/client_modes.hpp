// SPDX-License-Identifier: MIT
#pragma once

#include "client_options.hpp"
#include "echo/address.hpp"
#include "echo/socket.hpp"
#include "status.hpp"

#include <chrono>

namespace echo {

// Each client mode takes the options and its connected socket. It returns exit_ok when every
// echo came back whole and in order, and throws when one did not (echo_failure.hpp says how).

// Sends options.message, reads its whole echo back, checks it, prints it and a newline.
int send_message(const ClientOptions& options, Socket socket, const Address& server,
                 const Status& status);

// Streams standard input to the server and the echo to standard output ("echo-client -").
int stream_stdio(const ClientOptions& options, Socket socket, const Address& server,
                 const Status& status);

// --udp: sends options.message as one datagram on the connected UDP socket, waits for its echo
// (sending again after each timeout, up to options.retries times), checks it, prints it and a
// newline.
int send_udp_message(const ClientOptions& options, Socket socket, const Address& server,
                     const Status& status);

// --udp "-": each line of standard input, newline included (a longer line in pieces of the
// largest datagram), is one datagram, sent in turn; each echo is awaited as above and written
// to standard output, so that the output is the input.
int stream_udp_lines(const ClientOptions& options, Socket socket, const Address& server,
                     const Status& status);

// Measures round trips (-c, -s): `count` rounds over this one connection, then statistics, with
// `connect_time`, what connecting took.
int measure_rounds(const ClientOptions& options, Socket socket, const Address& server,
                   const Status& status, std::chrono::steady_clock::duration connect_time);

// --udp -c: `count` datagrams, each numbered, each awaited (and sent again after a timeout, up to
// options.retries times); loss, duplicates and reordering counted; then statistics.
int measure_udp_rounds(const ClientOptions& options, Socket socket, const Address& server,
                       const Status& status);

// Each line of standard input is sent and its echo shown with the round-trip time (-i); over
// UDP each line is one datagram.
int run_interactive(const ClientOptions& options, Socket socket, const Address& server,
                    const Status& status);

// `size` bytes of a repeating a..z pattern: the payload of -s.
std::string pattern_payload(std::size_t size);

} // namespace echo
