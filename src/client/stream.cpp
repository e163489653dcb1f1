// SPDX-License-Identifier: MIT
#include "client_modes.hpp"
#include "connection_trace.hpp"
#include "echo/error.hpp"
#include "echo_failure.hpp"
#include "exchange.hpp"
#include "pump.hpp"
#include "status.hpp"

#include <unistd.h>

namespace echo {

namespace {

std::string step_name(PumpResult::Step step, const std::string& server) {
    switch (step) {
    case PumpResult::Step::read_input:
        return "read standard input";
    case PumpResult::Step::send:
        return "send to " + server;
    case PumpResult::Step::receive:
        return "recv from " + server;
    case PumpResult::Step::write_output:
        return "write standard output";
    default:
        break;
    }
    return "stream";
}

} // namespace

int stream_stdio(const ClientOptions& options, Socket socket, const Address& server,
                 const Status& status) {
    const std::string name = server.to_string();
    ConnectionTrace trace(status, name);
    PumpOptions pumping;
    pumping.timeout = options.timeout;
    const PumpResult result = pump(STDIN_FILENO, STDOUT_FILENO, socket.fd(), trace, pumping);
    socket.reset();
    const std::string counts =
        std::to_string(result.received) + " of " + plural(result.sent, "byte") + " back";
    switch (result.failed) {
    case PumpResult::Step::none:
        break;
    case PumpResult::Step::mismatch:
        trace.ended("echo mismatch");
        throw EchoFailure("echo mismatch at byte " + std::to_string(result.mismatch_at));
    case PumpResult::Step::surplus:
        trace.ended("echo longer than sent");
        throw EchoFailure(surplus_text(result.surplus, result.surplus_counted, name));
    case PumpResult::Step::timeout:
        trace.ended("timeout");
        throw EchoFailure("no echo from " + name + " within the timeout " +
                          (result.window_full ? "with the window of " +
                                                    std::to_string(pump_window / (1024 * 1024)) +
                                                    " MiB full and input still open ("
                                              : "after the end of input (") +
                          counts + ")");
    default:
        trace.ended("failure");
        throw_error(result.error, step_name(result.failed, name));
    }
    trace.ended("server closed");
    if (!result.input_finished || result.received != result.sent) {
        throw EchoFailure("server " + name + " closed the connection after echoing " +
                          std::to_string(result.received) + " of " + plural(result.sent, "byte") +
                          " sent" + (result.input_finished ? "" : " (input not finished)"));
    }
    status.line("Sent " + plural(result.sent, "byte") + ", received " +
                plural(result.received, "byte") + " of echo");
    return exit_ok;
}

} // namespace echo
