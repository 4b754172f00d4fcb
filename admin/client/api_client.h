// Client side of the kiosk's HTTP API, for stationctl and station-admin. Knows the kiosk only as
// URLs and JSON (DESIGN.md: the admin tools never reach kiosk internals).
#pragma once
#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace httplib {
class Client;
class Result;
}  // namespace httplib

namespace station::admin {

struct ApiReply {
    int status = 0;       // HTTP status; 0 when the kiosk could not be reached
    nlohmann::json body;  // parsed JSON body (null when none or not JSON)
    std::string error;    // transport error or the body's "error" field, for people
    bool ok() const { return status >= 200 && status < 300; }
};

class ApiClient {
public:
    // base_url: "http://HOST:PORT" or "https://HOST:PORT" (a trailing slash or path is refused by
    // url_problem()).
    explicit ApiClient(std::string base_url);
    static std::optional<std::string> url_problem(const std::string& base_url);  // nullopt: fine

    void set_token(std::string token) { token_ = std::move(token); }
    void set_timeout_ms(int ms) { timeout_ms_ = ms; }
    // https:// only: accept the server only if its leaf certificate has this SHA-256 (canonical
    // form, see tls.h), instead of CA verification; "" (the default) verifies normally.
    void set_pinned_certificate(std::string sha256) { pinned_certificate_ = std::move(sha256); }
    const std::string& pinned_certificate() const { return pinned_certificate_; }
    // The SHA-256 of the certificate the server presented on the latest https request ("" before
    // one, or over http).
    const std::string& seen_certificate() const { return seen_certificate_; }
    ApiReply get(const std::string& path) const;  // e.g. "/api/v1/health"
    ApiReply post(const std::string& path, const nlohmann::json& body) const;
    ApiReply del(const std::string& path) const;  // HTTP DELETE
    // A GET whose body is not JSON (a PNG): status and raw bytes in `raw`; error as for get().
    ApiReply get_raw(const std::string& path, std::string* raw) const;
    const std::string& base_url() const { return base_url_; }

private:
    httplib::Result send(const std::function<httplib::Result(httplib::Client&)>& request,
                         std::string* transport_error) const;
    std::string base_url_;
    std::string token_;
    std::string pinned_certificate_;
    mutable std::string seen_certificate_;  // one client, one thread: not guarded
    int timeout_ms_ = 5000;
};

}  // namespace station::admin
