// The API's login, help-request and event-stream routes (the contract is listed in api_server.h).
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <charconv>

#include "kiosk/api/api_internal.h"
#include "kiosk/api/api_server.h"
#include "kiosk/api/auth.h"
#include "kiosk/api/event_stream.h"
#include "kiosk/core/help_desk.h"

namespace station::api {
namespace {

constexpr auto kHeartbeat = std::chrono::seconds(15);  // an idle stream sends a comment this often
constexpr int kEventsPerWrite = 200;

std::optional<int64_t> parse_id(const std::string& text) {
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
    return value;
}

int status_for(HelpErrorKind kind) {
    switch (kind) {
        case HelpErrorKind::bad_input:
            return 400;
        case HelpErrorKind::not_found:
            return 404;
        case HelpErrorKind::illegal_transition:
            return 409;
        case HelpErrorKind::storage:
            return 503;
    }
    return 400;
}

Actor actor_for(const Session& session) {
    if (session.role == "device") return Actor::resident(session.username);
    return Actor::staff(session.username, session.display_name);
}

std::string sse_frame(const HelpEventRecord& event) {
    // https://html.spec.whatwg.org/multipage/server-sent-events.html: id, event, data lines;
    // the JSON is one line, so a single data line carries it.
    return "id: " + std::to_string(event.id) + "\nevent: " + event.type + "\ndata: " + event.data.dump() +
           "\n\n";
}

}  // namespace

void ApiServer::add_help_routes() {
    server_->Post("/api/v1/login", [this](const httplib::Request& request, httplib::Response& response) {
        auto body = parse_body(request, {"user", "pin"});
        if (!body) return send_error(response, 400, body.error().message);
        auto user = string_field(*body, "user");
        if (!user) return send_error(response, 400, user.error().message);
        auto pin = string_field(*body, "pin");
        if (!pin) return send_error(response, 400, pin.error().message);
        if (!user->has_value() || (*user)->empty()) return send_error(response, 400, "user: required");
        if (!pin->has_value() || (*pin)->empty()) return send_error(response, 400, "pin: required");
        auto result = tokens_->login(**user, **pin, request.remote_addr);
        if (auto* failure = std::get_if<TokenStore::LoginFailure>(&result)) {
            if (*failure == TokenStore::LoginFailure::locked_out) {
                // Same words whether or not the name exists: the lockout tells nothing about accounts.
                int minutes = std::max(1, tokens_->lockout_minutes_left(**user, request.remote_addr));
                response.set_header("Retry-After", std::to_string(minutes * 60));
                send_json(response, 429,
                          {{"error",
                            "pin: too many wrong PINs; try again in " + std::to_string(minutes) + " minutes"},
                           {"minutes_left", minutes}});
                return;
            }
            return send_error(response, 401, "user, pin: unknown user or wrong PIN");
        }
        const LoginReply& reply = std::get<LoginReply>(result);
        send_json(response, 200,
                  {{"token", reply.token}, {"role", reply.role}, {"expires_at", reply.expires_at_ms}});
    });

    server_->Post("/api/v1/requests", [this](const httplib::Request& request, httplib::Response& response) {
        auto session = authorize(*tokens_, request, response, {"staff", "admin", "device"});
        if (!session) return;
        auto body = parse_body(request, {"category", "source", "request_key"});
        if (!body) return send_error(response, 400, body.error().message);
        CallOptions options;
        options.source = session->role == "device" ? "screen" : "staff";
        for (auto [field, target] :
             {std::pair{"category", &options.category}, std::pair{"source", &options.source},
              std::pair{"request_key", &options.request_key}}) {
            auto value = string_field(*body, field);
            if (!value) return send_error(response, 400, value.error().message);
            if (value->has_value()) *target = **value;
        }
        HelpResult result = station_.help_desk().call(options, actor_for(*session));
        if (!result) return send_error(response, status_for(result.error_kind()), result.error());
        send_json(response, result.existing() ? 200 : 201,
                  station_.help_desk().to_json(result.value(), session->role != "device"));
    });

    server_->Get("/api/v1/requests", [this](const httplib::Request& request, httplib::Response& response) {
        auto session = authorize(*tokens_, request, response, {"staff", "admin", "device"});
        if (!session) return;
        std::string state = request.has_param("state") ? request.get_param_value("state") : "open";
        HelpListFilter filter;
        if (state == "open")
            filter = HelpListFilter::open;
        else if (state == "closed")
            filter = HelpListFilter::closed;
        else if (state == "all")
            filter = HelpListFilter::all;
        else
            return send_error(response, 400, "state: expected open, closed or all (got \"" + state + "\")");
        int limit = 200;
        if (request.has_param("limit")) {
            auto n = parse_id(request.get_param_value("limit"));
            if (!n || *n < 1 || *n > 1000) return send_error(response, 400, "limit: expected 1 to 1000");
            limit = static_cast<int>(*n);
        }
        nlohmann::json list = nlohmann::json::array();
        for (const HelpRequest& r : station_.help_desk().list(filter, limit))
            list.push_back(station_.help_desk().to_json(r, session->role != "device"));
        send_json(response, 200, {{"requests", list}});
    });

    server_->Get(
        R"(/api/v1/requests/([^/]+))", [this](const httplib::Request& request, httplib::Response& response) {
            auto session = authorize(*tokens_, request, response, {"staff", "admin", "device"});
            if (!session) return;
            auto id = parse_id(request.matches[1]);
            auto found = id ? station_.help_desk().get(*id) : std::nullopt;
            if (!found)
                return send_error(response, 404, "id: no help request '" + request.matches[1].str() + "'");
            send_json(response, 200, station_.help_desk().to_json(*found, session->role != "device"));
        });

    server_->Post(
        R"(/api/v1/requests/([^/]+)/(acknowledge|arrive|resolve|cancel))",
        [this](const httplib::Request& request, httplib::Response& response) {
            std::string action = request.matches[2];
            // The kiosk's own screen (device) may cancel within the window (按错了); the rest is staff work.
            auto session = action == "cancel"
                               ? authorize(*tokens_, request, response, {"staff", "admin", "device"})
                               : authorize(*tokens_, request, response, {"staff", "admin"});
            if (!session) return;
            auto body = action == "resolve"  ? parse_body(request, {"note"})
                        : action == "cancel" ? parse_body(request, {"reason"})
                                             : parse_body(request, {});
            if (!body) return send_error(response, 400, body.error().message);
            auto id = parse_id(request.matches[1]);
            if (!id)
                return send_error(response, 404, "id: no help request '" + request.matches[1].str() + "'");
            HelpDesk& desk = station_.help_desk();
            Actor actor = actor_for(*session);
            std::optional<HelpResult> result;
            if (action == "acknowledge") {
                result = desk.acknowledge(*id, actor);
            } else if (action == "arrive") {
                result = desk.arrive(*id, actor);
            } else {
                auto text = string_field(*body, action == "resolve" ? "note" : "reason");
                if (!text) return send_error(response, 400, text.error().message);
                result = action == "resolve" ? desk.resolve(*id, actor, text->value_or(""))
                                             : desk.cancel(*id, actor, text->value_or(""));
            }
            if (!*result) return send_error(response, status_for(result->error_kind()), result->error());
            send_json(response, 200, desk.to_json(result->value(), session->role != "device"));
        });

    server_->Get("/api/v1/events", [this](const httplib::Request& request, httplib::Response& response) {
        auto session = authorize(*tokens_, request, response, {"staff", "admin", "device"});
        if (!session) return;
        // Resume after Last-Event-ID (what EventSource sends on reconnect) or ?after=N; a fresh
        // console starts at now and reads the current state from GET /api/v1/requests.
        int64_t after = streams_->latest();
        for (const char* source : {"Last-Event-ID", "after"}) {
            bool header = std::string(source) == "Last-Event-ID";
            if (header ? !request.has_header(source) : !request.has_param(source)) continue;
            auto id = parse_id(header ? request.get_header_value(source) : request.get_param_value(source));
            if (!id)
                return send_error(response, 400,
                                  std::string(source) + ": expected an event id (a whole number)");
            after = *id;
            break;
        }
        struct Cursor {
            int64_t last_sent;
            bool greeted = false;
        };
        auto cursor = std::make_shared<Cursor>(Cursor{after});
        response.set_header("X-Accel-Buffering", "no");
        response.set_chunked_content_provider(
            "text/event-stream; charset=utf-8", [this, cursor](size_t, httplib::DataSink& sink) {
                if (!cursor->greeted) {
                    cursor->greeted = true;
                    std::string hello =
                        "retry: 2000\n: events after " + std::to_string(cursor->last_sent) + "\n\n";
                    return sink.write(hello.data(), hello.size());
                }
                if (streams_->stopping()) {
                    sink.done();
                    return true;
                }
                auto events = station_.help_desk().events_after(cursor->last_sent, kEventsPerWrite);
                if (events.empty()) {
                    if (streams_->wait_newer(cursor->last_sent, kHeartbeat) || streams_->stopping())
                        return true;
                    static const std::string heartbeat = ": keep-alive\n\n";
                    return sink.write(heartbeat.data(), heartbeat.size());  // false: the console has gone
                }
                std::string frames;
                for (const HelpEventRecord& event : events) frames += sse_frame(event);
                cursor->last_sent = events.back().id;
                return sink.write(frames.data(), frames.size());
            });
    });
}

}  // namespace station::api
