// SPDX-License-Identifier: MIT
// echo-load: the benchmark's load generator. One mode per run, one JSON line on stdout.
// Exit 0 with the figures, 1 when an echo was wrong, short or missing, 2 on bad usage.
#include "common.hpp"

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace {

constexpr const char* usage =
    "Usage: echo-load MODE --port PORT [OPTION]...\n"
    "  stream    --bytes N                 one TCP stream written and read back at once\n"
    "  pingpong  --size S --count N        one message at a time on one TCP connection\n"
    "  conns     --conns N --size S --seconds T   N connections doing request/response\n"
    "  idle      --conns N --size S --seconds T   N peers, one round trip each, then quiet\n"
    "  udp       --size S --window W --seconds T [--count N] [--loss-timeout-ms MS]\n"
    "  --host IPV4 (default 127.0.0.1), --stall-seconds S (TCP: fail after S s without progress)\n";

std::uint64_t number(std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        throw std::invalid_argument(std::string(text));
    }
    return value;
}

} // namespace

int main(int argc, char* argv[]) {
    std::signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        std::fputs(usage, stderr);
        return 2;
    }
    const std::string_view mode = argv[1];
    load::Settings settings;
    try {
        for (int i = 2; i < argc; i += 2) {
            const std::string_view option = argv[i];
            if (i + 1 >= argc) {
                throw std::invalid_argument(std::string(option) + " needs a value");
            }
            const std::string_view value = argv[i + 1];
            if (option == "--host") {
                settings.host = value;
            } else if (option == "--port") {
                settings.port = static_cast<std::uint16_t>(number(value));
            } else if (option == "--bytes") {
                settings.bytes = number(value);
            } else if (option == "--size") {
                settings.size = number(value);
            } else if (option == "--count") {
                settings.count = number(value);
            } else if (option == "--seconds") {
                settings.seconds = std::stod(std::string(value));
            } else if (option == "--conns") {
                settings.conns = number(value);
            } else if (option == "--window") {
                settings.window = number(value);
            } else if (option == "--stall-seconds") {
                settings.stall_seconds = static_cast<int>(number(value));
            } else if (option == "--loss-timeout-ms") {
                settings.loss_timeout_ms = static_cast<int>(number(value));
            } else {
                throw std::invalid_argument("unknown option " + std::string(option));
            }
        }
        if (mode == "pingpong" && settings.count == 0) {
            throw std::invalid_argument("pingpong needs --count");
        }
        if (settings.port == 0 || settings.size == 0 || settings.window == 0 ||
            settings.conns == 0) {
            throw std::invalid_argument("--port, --size, --window and --conns must be > 0");
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "echo-load: bad usage: %s\n%s", error.what(), usage);
        return 2;
    }
    try {
        load::Report report("");
        if (mode == "stream") {
            report = load::run_stream(settings);
        } else if (mode == "pingpong") {
            report = load::run_pingpong(settings);
        } else if (mode == "conns") {
            report = load::run_conns(settings);
        } else if (mode == "idle") {
            report = load::run_idle(settings);
        } else if (mode == "udp") {
            report = load::run_udp(settings);
        } else {
            std::fprintf(stderr, "echo-load: unknown mode %s\n%s", argv[1], usage);
            return 2;
        }
        std::printf("%s\n", report.str().c_str());
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "echo-load: %s %s\n", argv[1], error.what());
        return 1;
    }
}
