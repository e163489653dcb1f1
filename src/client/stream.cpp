// SPDX-License-Identifier: MIT
#include "client_modes.hpp"
#include "connection_trace.hpp"
#include "echo/error.hpp"
#include "echo_failure.hpp"
#include "exchange.hpp"
#include "i18n.hpp"
#include "pump.hpp"
#include "status.hpp"

#include <unistd.h>

namespace echo {

namespace {

std::string step_name(PumpResult::Step step, const std::string& server) {
    switch (step) {
    case PumpResult::Step::read_input:
        return tr("read standard input");
    case PumpResult::Step::send:
        return "send to " + server;
    case PumpResult::Step::receive:
        return "recv from " + server;
    case PumpResult::Step::write_output:
        return tr("write standard output");
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
        fill(tr("%s of %s back"),
             {std::to_string(result.received), plural(result.sent, "%s byte", "%s bytes")});
    switch (result.failed) {
    case PumpResult::Step::none:
        break;
    case PumpResult::Step::mismatch:
        trace.ended(tr("echo mismatch"));
        throw EchoFailure(
            fill(tr("echo mismatch at byte %s"), {std::to_string(result.mismatch_at)}));
    case PumpResult::Step::surplus:
        trace.ended(tr("echo longer than sent"));
        throw EchoFailure(surplus_text(result.surplus, result.surplus_counted, name));
    case PumpResult::Step::timeout:
        trace.ended(tr("timeout"));
        throw EchoFailure(
            result.window_full
                ? fill(tr("no echo from %s within the timeout with the window of %s MiB full and "
                          "input still open (%s)"),
                       {name, std::to_string(pump_window / (1024 * 1024)), counts})
                : fill(tr("no echo from %s within the timeout after the end of input (%s)"),
                       {name, counts}));
    default:
        trace.ended(tr("failure"));
        throw_error(result.error, step_name(result.failed, name));
    }
    trace.ended(tr("server closed"));
    if (!result.input_finished || result.received != result.sent) {
        throw EchoFailure(fill(
            result.input_finished ? tr("server %s closed the connection after echoing %s of %s "
                                       "sent")
                                  : tr("server %s closed the connection after echoing %s of %s "
                                       "sent (input not finished)"),
            {name, std::to_string(result.received), plural(result.sent, "%s byte", "%s bytes")}));
    }
    status.line(
        fill(tr("Sent %s, received %s of echo"), {plural(result.sent, "%s byte", "%s bytes"),
                                                  plural(result.received, "%s byte", "%s bytes")}));
    return exit_ok;
}

} // namespace echo
