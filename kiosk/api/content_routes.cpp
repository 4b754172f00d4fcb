// The API's content routes (issue 6); see content_routes.h for the contract.
#include "kiosk/api/content_routes.h"

#include <httplib.h>

#include <charconv>
#include <memory>
#include <mutex>
#include <string>

#include "content/package.h"
#include "kiosk/api/api_internal.h"
#include "kiosk/core/content_service.h"
#include "kiosk/core/station.h"

namespace station::api {

namespace {

constexpr std::uint64_t kDefaultBodyLimit = 1u << 20;  // every route but the two below
constexpr std::uint64_t kHeadLimit = content::kPackageHeaderBytes + content::kMaxManifestBytes + 64;
constexpr std::uint64_t kBlobPutLimit = 64u << 20;  // one PUT of a blob (stationctl sends 4 MiB)

void reply(httplib::Response& response, const content::PushReply& r) {
    send_json(response, r.status, r.body);
}

std::string version_of(const nlohmann::json& body) {
    if (body.contains("active") && body["active"].is_object() && body["active"].contains("version"))
        return "version " + body["active"]["version"].dump();
    return "version ?";
}

// The body limit of one request, by route: checked from Content-Length before the body is read.
std::uint64_t body_limit(const httplib::Request& request) {
    if (request.method == "PUT" && request.path.rfind("/api/v1/content/blobs/", 0) == 0) return kBlobPutLimit;
    if (request.method == "POST" && request.path == "/api/v1/content/push") return kHeadLimit;
    return kDefaultBodyLimit;
}

// What the console shows of a push arriving: the staff at the station watch it, the editor sends
// it from elsewhere. Fed by the push routes; read by GET /api/v1/content.
class PushProgress {
public:
    static constexpr int64_t kStaleMs = 120000;  // no bytes this long: the push is no longer shown

    void offered(int64_t version, const nlohmann::json& missing, int64_t now_ms) {
        std::uint64_t total = 0;
        for (const auto& m : missing)
            if (m.is_object()) total += m.value("size", std::uint64_t(0)) - m.value("offset", std::uint64_t(0));
        std::lock_guard<std::mutex> guard(mutex_);
        version_ = version;
        total_ = total;
        received_ = 0;
        started_ms_ = updated_ms_ = now_ms;
        active_ = true;
    }
    void received(std::uint64_t bytes, int64_t now_ms) {
        std::lock_guard<std::mutex> guard(mutex_);
        if (!active_) return;
        received_ = std::min(total_, received_ + bytes);
        updated_ms_ = now_ms;
    }
    void finished() {
        std::lock_guard<std::mutex> guard(mutex_);
        active_ = false;
    }
    // {"version", "bytes_received", "bytes_total", "started_at", "updated_at"}; null when none.
    nlohmann::json to_json(int64_t now_ms) {
        std::lock_guard<std::mutex> guard(mutex_);
        if (!active_ || now_ms - updated_ms_ > kStaleMs) return nullptr;
        return {{"version", version_},       {"bytes_received", received_}, {"bytes_total", total_},
                {"started_at", started_ms_}, {"updated_at", updated_ms_}};
    }

private:
    std::mutex mutex_;  // guards every field below
    bool active_ = false;
    int64_t version_ = 0;
    std::uint64_t total_ = 0, received_ = 0;
    int64_t started_ms_ = 0, updated_ms_ = 0;
};

}  // namespace

void add_content_routes(httplib::Server& server, Station& station, TokenStore& tokens) {
    // Package heads and blob chunks are larger than any other body: raise the server's limit to
    // the largest one and hold every route to its own before its body is read.
    server.set_payload_max_length(kBlobPutLimit);
    server.set_pre_routing_handler([](const httplib::Request& request, httplib::Response& response) {
        if (!request.has_header("Content-Length")) return httplib::Server::HandlerResponse::Unhandled;
        std::string text = request.get_header_value("Content-Length");
        std::uint64_t length = 0;
        auto parsed = std::from_chars(text.data(), text.data() + text.size(), length);
        std::uint64_t limit = body_limit(request);
        if (parsed.ec == std::errc() && length <= limit) return httplib::Server::HandlerResponse::Unhandled;
        send_error(
            response, 413,
            "request body: " + text + " bytes is more than the " + std::to_string(limit) + " bytes " +
                request.method + " " + request.path + " accepts" +
                (request.path == "/api/v1/content/push" ? " (a package head: manifest at most 4 MiB)" : ""));
        response.set_header("Connection", "close");  // the unread body must not be taken for a request
        return httplib::Server::HandlerResponse::Handled;
    });

    ContentService& content = station.content_service();
    // Shared by the handlers below, which httplib keeps for the server's lifetime.
    auto progress = std::make_shared<PushProgress>();
    auto editor = [&tokens](const httplib::Request& request, httplib::Response& response) {
        return authorize(tokens, request, response, {"editor", "admin"});
    };

    server.Post(
        "/api/v1/content/push", [&, editor, progress](const httplib::Request& request, httplib::Response& response) {
            if (!editor(request, response)) return;
            std::string rollback = request.get_param_value("rollback");
            if (!rollback.empty() && rollback != "1" && rollback != "0")
                return send_error(response, 400, "rollback: expected 1 or 0 (got '" + rollback + "')");
            auto r = content.offer(request.body, rollback == "1");
            if (r.status == 200 && r.body.contains("missing"))
                progress->offered(r.body.value("version", int64_t(0)), r.body["missing"], station.clock().now_ms());
            reply(response, r);
        });

    server.Get("/api/v1/content/blobs/([0-9a-f]{64})",
               [&, editor](const httplib::Request& request, httplib::Response& response) {
                   if (!editor(request, response)) return;
                   reply(response, content.blob_status(request.matches[1]));
               });

    server.Put("/api/v1/content/blobs/([0-9a-f]{64})", [&, editor, progress](const httplib::Request& request,
                                                                             httplib::Response& response,
                                                                             const httplib::ContentReader& reader) {
        if (!editor(request, response)) return;
        std::string text = request.get_param_value("offset");
        std::uint64_t offset = 0;
        if (!text.empty()) {
            auto parsed = std::from_chars(text.data(), text.data() + text.size(), offset);
            if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size())
                return send_error(response, 400, "offset: expected a byte count (got '" + text + "')");
        }
        reply(response, content.put_blob(request.matches[1], offset, [&](const auto& receive) {
                  return reader([&](const char* data, size_t length) {
                      progress->received(length, station.clock().now_ms());
                      return receive(data, length);
                  });
              }));
    });

    server.Post("/api/v1/content/activate",
                [&, editor, progress](const httplib::Request& request, httplib::Response& response) {
                    auto session = editor(request, response);
                    if (!session) return;
                    auto r = content.activate();
                    progress->finished();
                    if (r.status == 200)
                        station.audit(session->username, "content.activate", version_of(r.body));
                    reply(response, r);
                });

    server.Post("/api/v1/content/rollback",
                [&, editor](const httplib::Request& request, httplib::Response& response) {
                    auto session = editor(request, response);
                    if (!session) return;
                    auto r = content.rollback();
                    if (r.status == 200)
                        station.audit(session->username, "content.rollback", version_of(r.body));
                    reply(response, r);
                });

    server.Get("/api/v1/content", [&, progress](const httplib::Request& request, httplib::Response& response) {
        if (!authorize(tokens, request, response, {"staff", "editor", "admin"})) return;
        auto r = content.status();
        if (auto push = progress->to_json(station.clock().now_ms()); !push.is_null()) r.body["push"] = push;
        if (!content.options().channel_url.empty()) {
            auto pull = content.pull_state();
            r.body["pull"] = {{"channel", content.options().channel_url},
                              {"last_poll_at", pull.last_poll_ms},
                              {"channel_version", pull.channel_version},
                              {"error", pull.last_error}};
        }
        reply(response, r);
    });

    server.Post("/api/v1/content/pull",
                [&, editor](const httplib::Request& request, httplib::Response& response) {
                    if (!editor(request, response)) return;
                    if (content.options().channel_url.empty())
                        return send_error(response, 409, "pull: no channel configured ([content] channel)");
                    content.poll_now();
                    send_json(response, 202, {{"polling", true}, {"channel", content.options().channel_url}});
                });

    server.Get("/api/v1/content/usb", [&](const httplib::Request& request, httplib::Response& response) {
        if (!authorize(tokens, request, response, {"staff", "editor", "admin"})) return;
        nlohmann::json list = nlohmann::json::array();
        for (const auto& pkg : content.usb_packages()) list.push_back(pkg.to_json());
        send_json(response, 200, {{"packages", list}});
    });

    server.Post("/api/v1/content/usb/import", [&, editor](const httplib::Request& request,
                                                          httplib::Response& response) {
        auto session = editor(request, response);
        if (!session) return;
        auto body = parse_body(request, {"file", "rollback"});
        if (!body) return send_error(response, 400, body.error().message);
        auto file = string_field(*body, "file");
        if (!file) return send_error(response, 400, file.error().message);
        if (!*file || (*file)->empty())
            return send_error(response, 400, "file: required (a path from GET /api/v1/content/usb)");
        bool rollback = false;
        if (body->contains("rollback")) {
            if (!(*body)["rollback"].is_boolean())
                return send_error(response, 400, "rollback: expected true or false");
            rollback = (*body)["rollback"].get<bool>();
        }
        auto r = content.import_usb(**file, rollback);
        if (r.status == 200) station.audit(session->username, "content.import_usb", version_of(r.body));
        reply(response, r);
    });
}

}  // namespace station::api
