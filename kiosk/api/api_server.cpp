#include "kiosk/api/api_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <regex>

namespace station::api {
namespace {

void send_json(httplib::Response& response, int status, const nlohmann::json& body) {
    response.status = status;
    response.set_content(body.dump(), "application/json; charset=utf-8");
}

}  // namespace

std::optional<std::pair<std::string, int>> split_host_port(const std::string& text) {
    static const std::regex pattern(R"(^(?:\[([0-9A-Fa-f:]+)\]|([A-Za-z0-9.\-]+)):([0-9]{1,5})$)");
    std::smatch m;
    if (!std::regex_match(text, m, pattern)) return std::nullopt;
    int port = std::stoi(m[3]);
    if (port > 65535) return std::nullopt;
    return std::make_pair(m[1].matched ? m[1].str() : m[2].str(), port);
}

ApiServer::ApiServer(Station& station) : station_(station), server_(std::make_unique<httplib::Server>()) {
    add_routes();
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
        if (response.body.empty())
            send_json(response, response.status,
                      {{"error", "no such path: " + request.method + " " + request.path}});
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
    host_ = address->first;
    int port = address->second;
    bool bound = port == 0 ? (port = server_->bind_to_any_port(host_)) > 0 : server_->bind_to_port(host_, port);
    if (!bound)
        return Error{"API address " + host_port + ": cannot listen (in use, or not an address of this machine)"};
    port_ = port;
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // stop() only takes effect once the server runs: wait for it, so an early stop never hangs.
    for (int i = 0; i < 5000 && !server_->is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    spdlog::info("api: listening on http://{}:{}/api/v1/", host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_, port_);
    return Ok{};
}

void ApiServer::stop() {
    if (thread_.joinable()) {
        server_->stop();
        thread_.join();
    }
}

}  // namespace station::api
