#include "admin/client/api_client.h"

#include <httplib.h>

#include <regex>

#include "admin/client/tls.h"

namespace station::admin {
namespace {

ApiReply to_reply(const httplib::Result& result, const std::string& transport_error) {
    ApiReply reply;
    if (!result) {
        reply.error = transport_error;
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
        return "expected a kiosk address like http://127.0.0.1:8600 or https://192.168.1.21:8600 (got '" +
               base_url + "')";
    return std::nullopt;
}

httplib::Result ApiClient::send(const std::function<httplib::Result(httplib::Client&)>& request,
                                std::string* transport_error) const {
    httplib::Client client(base_url_);
    client.set_connection_timeout(0, timeout_ms_ * 1000);
    client.set_read_timeout(timeout_ms_ / 1000, (timeout_ms_ % 1000) * 1000);
    TlsCheck check{pinned_certificate_, ""};
    apply_tls_check(client, check);
    httplib::Result result = request(client);
    if (!check.seen.empty()) seen_certificate_ = check.seen;
    if (!result) *transport_error = transport_error_words(base_url_, result.error(), check);
    return result;
}

namespace {

httplib::Headers auth_headers(const std::string& token) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return headers;
}

}  // namespace

ApiReply ApiClient::get(const std::string& path) const {
    std::string error;
    auto result = send([&](httplib::Client& c) { return c.Get(path.c_str(), auth_headers(token_)); }, &error);
    return to_reply(result, error);
}

ApiReply ApiClient::post(const std::string& path, const nlohmann::json& body) const {
    std::string error;
    auto result = send(
        [&](httplib::Client& c) {
            return c.Post(path.c_str(), auth_headers(token_), body.dump(), "application/json");
        },
        &error);
    return to_reply(result, error);
}

ApiReply ApiClient::del(const std::string& path) const {
    std::string error;
    auto result = send([&](httplib::Client& c) { return c.Delete(path.c_str(), auth_headers(token_)); }, &error);
    return to_reply(result, error);
}

ApiReply ApiClient::get_raw(const std::string& path, std::string* raw) const {
    std::string error;
    auto result = send([&](httplib::Client& c) { return c.Get(path.c_str(), auth_headers(token_)); }, &error);
    if (result && result->status == 200) {
        ApiReply reply;
        reply.status = 200;
        *raw = std::move(result->body);
        return reply;
    }
    return to_reply(result, error);
}

}  // namespace station::admin
