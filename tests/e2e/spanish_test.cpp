// SPDX-License-Identifier: MIT
// En español: both programs under es_ES.UTF-8 speak Spanish (po/es.po): the status lines of the
// two-terminal demo, the errors, --help, the measuring summary, --explain, and the plurals. The
// greeting stays 'Hola, servidor!'. Where the locale or the catalogue is missing, each test says
// "SKIPPED: why".
#include "catch.hpp"
#include "peers.hpp"
#include "process.hpp"
#include "sockets.hpp"
#include "usage_options.hpp"

#include "echo/address.hpp"
#include "echo/socket.hpp"

#include <algorithm>
#include <clocale>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <sys/socket.h>

using namespace echo::test;

namespace {

// Why the Spanish tests cannot run here, or "" when they can.
std::string why_no_spanish() {
#ifndef ECHO_TEST_CATALOGUES
    return "the build has no message catalogues (msgfmt was not found at configure time)";
#else
    const locale_t spanish = ::newlocale(LC_ALL_MASK, "es_ES.UTF-8", nullptr);
    if (spanish == nullptr) {
        return "no es_ES.UTF-8 locale (localedef -i es_ES -f UTF-8 es_ES.UTF-8)";
    }
    ::freelocale(spanish);
    return {};
#endif
}

// The programs started in this scope run under LC_ALL=es_ES.UTF-8 (and no LANGUAGE list);
// the environment is given back at the end.
class InSpanish final {
  public:
    InSpanish() : all_(saved("LC_ALL")), language_(saved("LANGUAGE")) {
        ::setenv("LC_ALL", "es_ES.UTF-8", 1);
        ::unsetenv("LANGUAGE");
    }
    InSpanish(const InSpanish&) = delete;
    InSpanish& operator=(const InSpanish&) = delete;
    ~InSpanish() {
        restore("LC_ALL", all_);
        restore("LANGUAGE", language_);
    }

  private:
    static std::optional<std::string> saved(const char* name) {
        const char* value = std::getenv(name);
        return value == nullptr ? std::nullopt : std::optional<std::string>(value);
    }
    static void restore(const char* name, const std::optional<std::string>& value) {
        if (value) {
            ::setenv(name, value->c_str(), 1);
        } else {
            ::unsetenv(name);
        }
    }
    std::optional<std::string> all_;
    std::optional<std::string> language_;
};

// An echo-server on 127.0.0.1, port 0, ready once its Spanish Listening line is out.
struct SpanishServer {
    explicit SpanishServer(const std::vector<std::string>& extra = {})
        : process(command(extra)), port(process.wait_listening(10s, "[+] Escuchando en ")) {}
    static std::vector<std::string> command(const std::vector<std::string>& extra) {
        std::vector<std::string> argv{server_path(), "-H", "127.0.0.1", "-p", "0"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        return argv;
    }
    Process process;
    std::uint16_t port;
    [[nodiscard]] std::string port_text() const { return std::to_string(port); }
};

#define REQUIRE_SPANISH()                                                                          \
    if (const std::string why = why_no_spanish(); !why.empty()) {                                  \
        WARN("SKIPPED: " << why);                                                                  \
        return;                                                                                    \
    }                                                                                              \
    const InSpanish spanish

const std::string loopback_hint =
    "[hint] Solo esta máquina puede conectarse (loopback). Para aceptar otras,\n"
    "[hint] escuche en cualquier dirección: -H 0.0.0.0 (IPv4), -H :: (IPv6) o ambas.\n";

// Columns on a terminal: UTF-8 characters, not bytes.
std::size_t columns(std::string_view line) {
    return static_cast<std::size_t>(std::count_if(line.begin(), line.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
    }));
}

// Status and hint lines fit 80 columns in Spanish too.
void check_widths(const std::string& text) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        CAPTURE(line);
        CHECK(columns(line) <= 80);
    }
}

const std::string refused_hint =
    "[hint] ¿Está echo-server en marcha en esa dirección y puerto? Compruebe -H y -p.\n"
    "[hint] Iniciado sin -k, echo-server atiende a un cliente y termina.\n";

} // namespace

TEST_CASE("In Spanish the two-terminal demo says every status line in Spanish", "[e2e][es]") {
    REQUIRE_SPANISH();
    SpanishServer server;
    const auto client = run({client_path(), "-p", server.port_text(), "-H", "127.0.0.1"});
    CHECK(client.exit_code == 0);
    CHECK(client.out == "Hola, servidor!\n"); // the greeting in every language
    CHECK(client.err == "[+] Conectado a 127.0.0.1:" + server.port_text() + " (TCP)\n");
    const auto done = server.process.finish();
    CHECK(done.exit_code == 0);
    const std::string listening = "[+] Escuchando en 127.0.0.1:" + server.port_text() + " (TCP)\n";
    CHECK(done.err.substr(0, listening.size() + loopback_hint.size()) == listening + loopback_hint);
    CHECK(contains(done.err, "[+] Cliente conectado: 127.0.0.1:"));
    CHECK(contains(done.err, " desconectado (eco de 15 bytes)\n"));
    check_widths(done.err);
}

TEST_CASE("In Spanish UDP, -k and the stop say their lines in Spanish, 1 in the singular",
          "[e2e][es]") {
    REQUIRE_SPANISH();
    SECTION("UDP") {
        SpanishServer server({"-u"});
        CHECK(server.process.err().find("(UDP)") != std::string::npos);
        const auto client = run(
            {client_path(), "-u", "-p", server.port_text(), "-H", "127.0.0.1", "-"}, "uno\ndos\n");
        CHECK(client.exit_code == 0);
        CHECK(client.out == "uno\ndos\n");
        CHECK(contains(client.err, "[+] Enviando a 127.0.0.1:" + server.port_text() + " (UDP)\n"));
        CHECK(contains(client.err,
                       "[+] Total enviado: 2 datagramas (8 bytes), cada uno con su eco\n"));
        server.process.signal(SIGTERM);
        const auto done = server.process.finish();
        CHECK(done.exit_code == 0);
        CHECK(contains(done.err, "[+] Primer datagrama de 127.0.0.1:"));
        CHECK(contains(done.err, "[+] Detenido por una señal; eco de 2 datagramas (8 bytes)\n"));
    }
    SECTION("-k: 1 cliente, 2 clientes") {
        SpanishServer one({"-k"});
        CHECK(run(tcp_client(one.port_text(), {"a"})).exit_code == 0);
        one.process.wait_for_line("desconectado (eco de 1 byte)");
        one.process.signal(SIGTERM);
        CHECK(contains(one.process.finish().err, "[+] Atendidos: 1 cliente, eco de 1 byte\n"));

        SpanishServer two({"-k"});
        CHECK(run(tcp_client(two.port_text(), {"a"})).exit_code == 0);
        CHECK(run(tcp_client(two.port_text(), {"b"})).exit_code == 0);
        two.process.wait_for_line("desconectado");
        two.process.wait_for_line("desconectado");
        two.process.signal(SIGTERM);
        CHECK(contains(two.process.finish().err, "[+] Atendidos: 2 clientes, eco de 2 bytes\n"));
    }
}

TEST_CASE("In Spanish the errors already tested in English read in Spanish", "[e2e][es]") {
    REQUIRE_SPANISH();
    SECTION("bad usage: the reason, then (pruebe --help), exit 2") {
        struct Case {
            std::vector<std::string> argv;
            std::string err;
        };
        const std::vector<Case> cases{
            {{server_path(), "-x"}, "echo-server: opción desconocida -x (pruebe --help)\n"},
            {{server_path(), "--bogus"},
             "echo-server: opción desconocida --bogus (pruebe --help)\n"},
            {{server_path(), "-p"},
             "echo-server: la opción -p necesita un valor (pruebe --help)\n"},
            {{server_path(), "--quiet=1"},
             "echo-server: la opción --quiet no admite ningún valor (pruebe --help)\n"},
            {{server_path(), "-p", "70000"},
             "echo-server: el puerto debe ser un número entero en 0..65535, no '70000' "
             "(pruebe --help)\n"},
            {{server_path(), "-q", "-v"},
             "echo-server: -q (silencioso) y -v (detallado) se excluyen mutuamente "
             "(pruebe --help)\n"},
            {{server_path(), "--max-clients", "3"},
             "echo-server: --max-clients necesita -k (--keep-open) (pruebe --help)\n"},
            {{server_path(), "palabra"},
             "echo-server: argumento inesperado 'palabra' (pruebe --help)\n"},
            {{client_path(), "-c", "abc"},
             "echo-client: --count admite un número entero en 1..1000000000, no 'abc' "
             "(pruebe --help)\n"},
            {{client_path(), "-t", "0"},
             "echo-client: --timeout admite segundos mayores que 0 y como mucho 86400, no '0' "
             "(pruebe --help)\n"},
            {{client_path(), "-4", "-6"},
             "echo-client: -4 (solo IPv4) y -6 (solo IPv6) se excluyen mutuamente "
             "(pruebe --help)\n"},
            {{client_path(), "--retries", "3"},
             "echo-client: --retries solo vale para UDP (añada --udp); TCP retransmite por sí "
             "mismo (pruebe --help)\n"},
        };
        for (const Case& c : cases) {
            CAPTURE(c.argv);
            const auto result = run(c.argv);
            CHECK(result.exit_code == 2);
            CHECK(result.out.empty());
            CHECK(result.err == c.err);
        }
    }
    SECTION("a refused connection: the step in Spanish, then the hints") {
        echo::Socket holder = echo::open_socket(AF_INET, SOCK_STREAM);
        const echo::Address any = address("127.0.0.1", 0, SOCK_STREAM);
        REQUIRE(::bind(holder.fd(), any.data(), any.size()) == 0);
        const std::string port = std::to_string(echo::local_address(holder.fd()).port());
        const auto reply = run(tcp_client(port, {"hola"}));
        CHECK(reply.exit_code == 1);
        // The cause is strerror(3)'s, in Spanish where glibc's own catalogue is installed.
        CHECK(contains(reply.err, "echo-client: conectar con 127.0.0.1:" + port + ": "));
        CHECK(contains(reply.err, refused_hint));
        check_widths(reply.err);
    }
    SECTION("a refused UDP datagram: the hints in Spanish, within 80 columns") {
        const std::string port = [] {
            const echo::Socket gone = bind_loopback(SOCK_DGRAM);
            return port_of(gone);
        }();
        const auto reply = run(udp_client(port, {"hola"}));
        CHECK(reply.exit_code == 1);
        CHECK(contains(reply.err, "echo-client: enviar a 127.0.0.1:" + port + ": "));
        CHECK(contains(reply.err, "[hint] Nada escucha UDP en ese puerto: el datagrama salió, y "
                                  "el host respondió\n[hint] \"port unreachable\". ¿Está en "
                                  "marcha el servidor, iniciado con -u?\n"));
        check_widths(reply.err);
    }
    SECTION("a port in use: the bind step in Spanish") {
        SpanishServer server;
        const auto second = run({server_path(), "-H", "127.0.0.1", "-p", server.port_text()});
        CHECK(second.exit_code == 1);
        CHECK(contains(second.err,
                       "echo-server: asociar (bind) 127.0.0.1:" + server.port_text() + ": "));
        server.process.signal(SIGTERM);
    }
    SECTION("no UDP reply: the retries and the failure in Spanish, 1 intento") {
        const echo::Socket silent = bind_loopback(SOCK_DGRAM);
        const auto reply = run(udp_client(port_of(silent), {"-t", "0.05", "--retries", "0"}));
        CHECK(reply.exit_code == 1);
        CHECK(contains(reply.err, "echo-client: sin respuesta de 127.0.0.1:" + port_of(silent) +
                                      " tras 1 intento\n"));
        const auto again = run(udp_client(port_of(silent), {"-t", "0.05", "--retries", "1"}));
        CHECK(contains(again.err, "[+] Aún sin eco de 127.0.0.1:" + port_of(silent) +
                                      "; se envía de nuevo (intento 2 de 2)\n"));
        CHECK(contains(again.err, " tras 2 intentos\n"));
    }
    SECTION("a name that does not resolve") {
        const auto reply = run(tcp_client("1234", {}, "nombre-que-no-existe.invalid"));
        CHECK(reply.exit_code == 1);
        CHECK(contains(reply.err, "echo-client: resolver nombre-que-no-existe.invalid: "));
    }
}

TEST_CASE("In Spanish --help is Spanish and lists the same options as in English", "[e2e][es]") {
    const auto english_server = run({server_path(), "--help"});
    const auto english_client = run({client_path(), "--help"});
    REQUIRE_SPANISH();
    for (const auto& [program, english] :
         {std::pair{server_path(), english_server}, std::pair{client_path(), english_client}}) {
        CAPTURE(program);
        const auto help = run({program, "--help"});
        CHECK(help.exit_code == 0);
        CHECK(help.out.starts_with("Uso: echo-"));
        CHECK(contains(help.out, "mostrar esta ayuda y salir"));
        CHECK(options_in_help(help.out) == options_in_help(english.out));
        CHECK(options_named_in(help.out) == options_named_in(english.out));
    }
    CHECK(contains(run({client_path(), "--help"}).out, "'Hola, servidor!'"));
}

TEST_CASE("In Spanish the measuring summary is Spanish, its numbers as in English", "[e2e][es]") {
    REQUIRE_SPANISH();
    SECTION("TCP, 3 rounds") {
        SpanishServer server;
        const auto reply = run(tcp_client(server.port_text(), {"-q", "-c", "3", "-s", "16"}));
        CHECK(reply.exit_code == 0);
        CHECK(reply.out.starts_with("--- 127.0.0.1:" + server.port_text() +
                                    " tcp: estadísticas del eco ---\n"
                                    "3 rondas enviadas, 3 con eco, 16 bytes cada una\n"
                                    "conexión "));
        CHECK(contains(reply.out, "\nrtt mín/media/mediana/p90/p95/p99/p99.9/máx/desv = "));
        CHECK(contains(reply.out, "\ncaudal "));
        CHECK(contains(reply.out, " Mbit/s) en cada sentido\n"));
        CHECK(reply.out.find(',', reply.out.find("rtt")) == std::string::npos); // 1.5, not 1,5
    }
    SECTION("TCP, 1 round of 1 byte: the singular") {
        SpanishServer server;
        const auto reply = run(tcp_client(server.port_text(), {"-q", "-s", "1"}));
        CHECK(reply.exit_code == 0);
        CHECK(contains(reply.out, "\n1 ronda enviada, 1 con eco, 1 byte cada una\n"));
    }
    SECTION("UDP") {
        SpanishServer server({"-u"});
        const auto reply = run(udp_client(server.port_text(), {"-q", "-c", "2", "-s", "8"}));
        CHECK(reply.exit_code == 0);
        CHECK(contains(reply.out, "2 rondas enviadas, 2 con eco, 0.0% de pérdida, 0 duplicados, "
                                  "0 fuera de orden, 0 reintentos, 8 bytes cada una\n"));
        server.process.signal(SIGTERM);
    }
}

TEST_CASE("In Spanish --explain narrates in Spanish, the calls as they are", "[e2e][es]") {
    REQUIRE_SPANISH();
    SpanishServer server({"--explain"});
    const auto reply = run(tcp_client(server.port_text(), {"--explain"}));
    CHECK(reply.exit_code == 0);
    CHECK(contains(reply.err, "[call] --explain: las llamadas clásicas (connect/send/recv), una "
                              "línea por llamada\n"
                              "       no se muestran: las esperas (poll/epoll) ni las llamadas "
                              "que esperarían (EAGAIN)\n"));
    CHECK(contains(reply.err, "[call] socket(AF_INET, SOCK_STREAM) = "));
    CHECK(contains(reply.err, "       un socket nuevo; el número que devuelve lo identifica en "
                              "cada llamada posterior\n"));
    CHECK(contains(reply.err, "       el saludo inicial con el servidor (SYN, SYN-ACK, ACK); 0 "
                              "al terminar\n"));
    CHECK(contains(reply.err, "  \"Hola, servidor!\"\n"));
    const auto done = server.process.finish();
    CHECK(contains(done.err, "       el socket ya acepta conexiones; hasta "));
    CHECK(contains(done.err, "       0 bytes: el otro extremo cerró su lado (FIN); no llegará "
                             "nada más\n"));
}

TEST_CASE("In Spanish -v says its events in Spanish around the unchanged hexdump", "[e2e][es]") {
    REQUIRE_SPANISH();
    SpanishServer server({"-v"});
    CHECK(run(tcp_client(server.port_text(), {})).exit_code == 0);
    const auto done = server.process.finish();
    CHECK(contains(done.err, " 15 bytes de 127.0.0.1:"));
    CHECK(contains(done.err, "00000000  48 6f 6c 61 2c 20 73 65  72 76 69 64 6f 72 21     "
                             "|Hola, servidor!|\n"));
    CHECK(contains(done.err, " cerró su lado de escritura tras 15 bytes (FIN recibido)\n"));
    CHECK(contains(done.err, "(1 fragmento)"));
    CHECK(contains(done.err, "fin: el cliente cerró, eco completo\n"));
}
