#include "admin/client/api_client.h"

#include <httplib.h>

#include <regex>

namespace station::admin {
namespace {

ApiReply to_reply(const httplib::Result& result, const std::string& base_url) {
    ApiReply reply;
    if (!result) {
        reply.error = "cannot reach " + base_url + ": " + httplib::to_string(result.error());
        return reply;
    }
    reply.status = result->status;
    reply.body = nlohmann::json::parse(result->body, nullptr, false);
    if (reply.body.is_discarded()) reply.body = nullptr;
    if (!reply.ok()) {
        if (reply.body.is_object() && reply.body.contains("error") && reply.body["error"].is_string())
            reply.error = reply.body["error"].get<std::string>();
        else
            reply.error = "HTTP " + std::to_string(reply.status);
    }
    return reply;
}

}  // namespace

ApiClient::ApiClient(std::string base_url) : base_url_(std::move(base_url)) {}

std::optional<std::string> ApiClient::url_problem(const std::string& base_url) {
    static const std::regex pattern(R"(^https?://(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.\-]+)(:[0-9]{1,5})?$)");
    if (!std::regex_match(base_url, pattern))
        return "expected a kiosk address like http://127.0.0.1:8600 (got '" + base_url + "')";
    return std::nullopt;
}

ApiReply ApiClient::get(const std::string& path) const {
    httplib::Client client(base_url_);
    client.set_connection_timeout(0, timeout_ms_ * 1000);
    client.set_read_timeout(timeout_ms_ / 1000, (timeout_ms_ % 1000) * 1000);
    httplib::Headers headers;
    if (!token_.empty()) headers.emplace("Authorization", "Bearer " + token_);
    return to_reply(client.Get(path.c_str(), headers), base_url_);
}

ApiReply ApiClient::post(const std::string& path, const nlohmann::json& body) const {
    httplib::Client client(base_url_);
    client.set_connection_timeout(0, timeout_ms_ * 1000);
    client.set_read_timeout(timeout_ms_ / 1000, (timeout_ms_ % 1000) * 1000);
    httplib::Headers headers;
    if (!token_.empty()) headers.emplace("Authorization", "Bearer " + token_);
    return to_reply(client.Post(path.c_str(), headers, body.dump(), "application/json"), base_url_);
}

ApiReply ApiClient::del(const std::string& path) const {
    httplib::Client client(base_url_);
    client.set_connection_timeout(0, timeout_ms_ * 1000);
    client.set_read_timeout(timeout_ms_ / 1000, (timeout_ms_ % 1000) * 1000);
    httplib::Headers headers;
    if (!token_.empty()) headers.emplace("Authorization", "Bearer " + token_);
    return to_reply(client.Delete(path.c_str(), headers), base_url_);
}

ApiReply ApiClient::get_raw(const std::string& path, std::string* raw) const {
    httplib::Client client(base_url_);
    client.set_connection_timeout(0, timeout_ms_ * 1000);
    client.set_read_timeout(timeout_ms_ / 1000, (timeout_ms_ % 1000) * 1000);
    httplib::Headers headers;
    if (!token_.empty()) headers.emplace("Authorization", "Bearer " + token_);
    auto result = client.Get(path.c_str(), headers);
    if (result && result->status == 200) {
        ApiReply reply;
        reply.status = 200;
        *raw = std::move(result->body);
        return reply;
    }
    return to_reply(result, base_url_);
}

}  // namespace station::admin
