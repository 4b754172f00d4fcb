#include "kiosk/api/webhook_transport.h"

#include <httplib.h>

#include <regex>

namespace station::api {

WebhookTransport http_webhook_transport() {
    return [](const std::string& url, const std::string& body, int timeout_ms) -> WebhookReply {
        // "https://host:8443/path?q" -> "https://host:8443" and "/path?q"
        static const std::regex pattern(R"(^(https?://[^/?#]+)(.*)$)");
        std::smatch m;
        if (!std::regex_match(url, m, pattern)) return {0, "", "not an http(s) URL"};
        std::string path = m[2].str();
        if (path.empty() || path[0] != '/') path = "/" + path;
        httplib::Client client(m[1].str());
        client.set_connection_timeout(timeout_ms / 1000, (timeout_ms % 1000) * 1000);
        client.set_read_timeout(timeout_ms / 1000, (timeout_ms % 1000) * 1000);
        client.set_write_timeout(timeout_ms / 1000, (timeout_ms % 1000) * 1000);
        auto result = client.Post(path.c_str(), body, "application/json; charset=utf-8");
        if (!result) return {0, "", httplib::to_string(result.error())};
        return {result->status, result->body, ""};
    };
}

}  // namespace station::api
