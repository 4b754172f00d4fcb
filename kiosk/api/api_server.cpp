#include "kiosk/api/api_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <regex>

#include "kiosk/api/api_internal.h"
#include "kiosk/api/auth.h"
#include "kiosk/api/content_routes.h"
#include "kiosk/api/event_stream.h"
#include "kiosk/api/activities_routes.h"
#include "kiosk/api/signage_routes.h"

namespace station::api {

void send_json(httplib::Response& response, int status, const nlohmann::json& body) {
    response.status = status;
    response.set_content(body.dump(), "application/json; charset=utf-8");
}

void send_error(httplib::Response& response, int status, const std::string& message) {
    send_json(response, status, {{"error", message}});
}

std::optional<Session> authorize(TokenStore& tokens, const httplib::Request& request, httplib::Response& response,
                                 std::initializer_list<const char*> roles) {
    std::string token = TokenStore::bearer_token(request.get_header_value("Authorization"));
    auto session = token.empty() ? std::nullopt : tokens.verify(token);
    if (!session) {
        response.set_header("WWW-Authenticate", "Bearer");
        send_error(response, 401,
                   token.empty() ? "authorization: missing bearer token; POST /api/v1/login first"
                                 : "authorization: invalid or expired token; POST /api/v1/login again");
        return std::nullopt;
    }
    std::string allowed;
    for (const char* role : roles) {
        if (session->role == role) return session;
        allowed += (allowed.empty() ? "" : ", ") + std::string(role);
    }
    send_error(response, 403, "role: '" + session->role + "' may not do this; it needs " + allowed);
    return std::nullopt;
}

Result<nlohmann::json> parse_body(const httplib::Request& request, std::initializer_list<const char*> allowed) {
    if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return nlohmann::json::object();
    nlohmann::json body;
    try {
        body = nlohmann::json::parse(request.body);
    } catch (const nlohmann::json::parse_error& e) {
        return Error{"body: malformed JSON at byte " + std::to_string(e.byte)};
    }
    if (!body.is_object()) return Error{"body: expected a JSON object"};
    for (const auto& [key, _] : body.items()) {
        bool known = false;
        std::string list;
        for (const char* field : allowed) {
            known = known || key == field;
            list += (list.empty() ? "" : ", ") + std::string(field);
        }
        if (!known) return Error{key + ": unknown field; expected " + (list.empty() ? "none" : list)};
    }
    return body;
}

Result<std::optional<std::string>> string_field(const nlohmann::json& body, const char* field) {
    if (!body.contains(field) || body[field].is_null()) return std::optional<std::string>();
    if (!body[field].is_string()) return Error{std::string(field) + ": expected a string"};
    return std::optional<std::string>(body[field].get<std::string>());
}

bool is_loopback_host(const std::string& host) {
    if (host == "localhost" || host == "::1") return true;
    static const std::regex v4_loopback(R"(^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$)");
    return std::regex_match(host, v4_loopback);
}

std::optional<std::pair<std::string, int>> split_host_port(const std::string& text) {
    static const std::regex pattern(R"(^(?:\[([0-9A-Fa-f:]+)\]|([A-Za-z0-9.\-]+)):([0-9]{1,5})$)");
    std::smatch m;
    if (!std::regex_match(text, m, pattern)) return std::nullopt;
    int port = std::stoi(m[3]);
    if (port > 65535) return std::nullopt;
    return std::make_pair(m[1].matched ? m[1].str() : m[2].str(), port);
}

namespace {

// HTTPS when the config names a certificate (checked first, so a bad one never half-starts).
std::unique_ptr<httplib::Server> make_server(const StationConfig::Api& config, std::optional<TlsIdentity>* tls,
                                             std::string* tls_error) {
    auto identity = load_tls_identity(config);
    if (!identity) {
        *tls_error = identity.error().message;
    } else if (*identity) {
        auto server = std::make_unique<httplib::SSLServer>((*identity)->cert_path.c_str(), (*identity)->key_path.c_str());
        if (server->is_valid()) {
            *tls = *identity;
            return server;
        }
        *tls_error = "key 'api.tls_cert': " + (*identity)->cert_path + ": OpenSSL refused the certificate or key";
    }
    return std::make_unique<httplib::Server>();
}

}  // namespace

ApiServer::ApiServer(Station& station)
    : station_(station),
      server_(make_server(station.config().api, &tls_, &tls_error_)),
      tokens_(std::make_unique<TokenStore>(station)),
      streams_(std::make_unique<EventStreams>(station)) {
    // Each open event stream holds a worker: leave room for consoles beside the request traffic.
    server_->new_task_queue = [] { return new httplib::ThreadPool(32); };
    // Idle keep-alive connections delay stop() by up to this; short, and long enough for a burst.
    server_->set_keep_alive_timeout(2);
    server_->set_keep_alive_max_count(1000);
    // Responses go out as header and body writes: without TCP_NODELAY, Nagle holds the body
    // until the client's delayed ACK (40 ms on Linux), capping a connection at 25 calls/s.
    server_->set_tcp_nodelay(true);
    add_routes();
    add_help_routes();
    add_device_routes();
    add_content_routes(*server_, station_, *tokens_);  // content_routes.cpp
    add_signage_routes(*server_, station_, *tokens_);  // signage_routes.cpp
    add_activities_routes(*server_, station_, *tokens_);  // activities_routes.cpp
    add_user_routes();
    add_report_routes();
    add_screenshot_routes();
}

ApiServer::~ApiServer() { stop(); }

void ApiServer::add_routes() {
    server_->set_default_headers({{"Cache-Control", "no-store"}, {"X-Content-Type-Options", "nosniff"}});
    server_->set_payload_max_length(1 << 20);
    server_->Get("/api/v1/health", [this](const httplib::Request&, httplib::Response& response) {
        const StationConfig& config = station_.config();
        send_json(response, 200,
                  {{"status", "ok"},
                   {"station", {{"id", config.station.id}, {"name", config.station.name}}},
                   {"version", "0.1.0"},
                   {"demo", station_.demo()},
                   {"time", station_.clock().now_ms()}});
    });
    server_->set_error_handler([](const httplib::Request& request, httplib::Response& response) {
        if (!response.body.empty()) return;
        if (response.status == 404)
            send_json(response, 404, {{"error", "no such path: " + request.method + " " + request.path}});
        else
            send_json(response, response.status,
                      {{"error", "request: malformed HTTP (a POST needs a body or Content-Length: 0)"}});
    });
    server_->set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr e) {
        std::string what = "internal error";
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            what = ex.what();
        } catch (...) {
        }
        spdlog::error("api: {}", what);
        send_json(response, 500, {{"error", "internal error"}});
    });
}

Result<Ok> ApiServer::start(const std::string& host_port) {
    auto address = split_host_port(host_port);
    if (!address) return Error{"API address: expected HOST:PORT (got '" + host_port + "')"};
    if (!tls_error_.empty()) return Error{"API: " + tls_error_};
    host_ = address->first;
    if (!is_loopback_host(host_) && !station_.config().api.allow_lan)
        return Error{"API address " + host_port + ": not a loopback address; to serve the LAN set "
                     "[api] allow_lan = true in the config"};
    int port = address->second;
    bool bound = port == 0 ? (port = server_->bind_to_any_port(host_)) > 0 : server_->bind_to_port(host_, port);
    if (!bound)
        return Error{"API address " + host_port + ": cannot listen (in use, or not an address of this machine)"};
    port_ = port;
    // OpenSSL writes with write(), not send(MSG_NOSIGNAL) as httplib does for plain HTTP: a console
    // that drops its event stream would kill the kiosk with SIGPIPE. Ignored, the write fails with
    // EPIPE and httplib closes that connection.
    if (tls_) std::signal(SIGPIPE, SIG_IGN);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // stop() only takes effect once the server runs: wait for it, so an early stop never hangs.
    for (int i = 0; i < 5000 && !server_->is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    spdlog::info("api: listening on {}://{}:{}/api/v1/", tls_ ? "https" : "http",
                 host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_, port_);
    if (tls_)
        spdlog::info("api: TLS certificate {} SHA-256 {} (clients pin this: --pin-cert)", tls_->cert_path,
                     tls_->fingerprint_sha256);
    return Ok{};
}

void ApiServer::stop() {
    if (thread_.joinable()) {
        streams_->shutdown();  // open event streams end first, so the worker pool can join
        server_->stop();
        thread_.join();
    }
}

}  // namespace station::api
