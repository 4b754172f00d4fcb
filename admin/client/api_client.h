// Client side of the kiosk's HTTP API, for stationctl and station-admin. Knows the kiosk only as
// URLs and JSON (DESIGN.md: the admin tools never reach kiosk internals).
#pragma once
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace station::admin {

struct ApiReply {
    int status = 0;       // HTTP status; 0 when the kiosk could not be reached
    nlohmann::json body;  // parsed JSON body (null when none or not JSON)
    std::string error;    // transport error or the body's "error" field, for people
    bool ok() const { return status >= 200 && status < 300; }
};

class ApiClient {
public:
    // base_url: "http://HOST:PORT" (a trailing slash or path is refused by valid_base_url()).
    explicit ApiClient(std::string base_url);
    static std::optional<std::string> url_problem(const std::string& base_url);  // nullopt: fine

    void set_token(std::string token) { token_ = std::move(token); }
    void set_timeout_ms(int ms) { timeout_ms_ = ms; }
    ApiReply get(const std::string& path) const;  // e.g. "/api/v1/health"
    ApiReply post(const std::string& path, const nlohmann::json& body) const;
    ApiReply del(const std::string& path) const;  // HTTP DELETE
    // A GET whose body is not JSON (a PNG): status and raw bytes in `raw`; error as for get().
    ApiReply get_raw(const std::string& path, std::string* raw) const;
    const std::string& base_url() const { return base_url_; }

private:
    std::string base_url_;
    std::string token_;
    int timeout_ms_ = 5000;
};

}  // namespace station::admin
