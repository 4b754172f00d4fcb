#include "kiosk/api/activities_routes.h"

#include <httplib.h>

#include <regex>

#include "kiosk/api/api_internal.h"
#include "kiosk/core/activities.h"
#include "kiosk/core/feedback.h"
#include "kiosk/core/station.h"

namespace station::api {

namespace {

std::optional<int64_t> parse_ms(const std::string& text) {
    static const std::regex digits("^[0-9]{1,15}$");
    if (!std::regex_match(text, digits)) return std::nullopt;
    return std::stoll(text);
}

int status_for(ActivityErrorKind kind) {
    switch (kind) {
        case ActivityErrorKind::bad_input:
            return 400;
        case ActivityErrorKind::not_found:
            return 404;
        case ActivityErrorKind::already_signed_up:
        case ActivityErrorKind::full:
        case ActivityErrorKind::closed:
            return 409;
        case ActivityErrorKind::storage:
            return 503;
    }
    return 500;
}

}  // namespace

void add_activities_routes(httplib::Server& server, Station& station, TokenStore& tokens) {
    server.Get("/api/v1/activities",
               [&station, &tokens](const httplib::Request& request, httplib::Response& response) {
                   if (!authorize(tokens, request, response, {"staff", "editor", "admin", "device"})) return;
                   bool all = request.has_param("all") && request.get_param_value("all") == "1";
                   nlohmann::json list = nlohmann::json::array();
                   for (const Activity& a : Activities(station).list(all)) list.push_back(a.to_json());
                   send_json(response, 200, {{"activities", list}});
               });

    server.Post("/api/v1/activities",
                [&station, &tokens](const httplib::Request& request, httplib::Response& response) {
                    auto session = authorize(tokens, request, response, {"staff", "editor", "admin"});
                    if (!session) return;
                    auto body = parse_body(request, {"title", "description", "place", "starts_at", "ends_at",
                                                     "capacity", "min_signups"});
                    if (!body) return send_error(response, 400, body.error().message);
                    auto activity = NewActivity::from_json(*body);
                    if (!activity) return send_error(response, 400, activity.error().message);
                    auto created = Activities(station).create(*activity, session->username);
                    if (!created) return send_error(response, status_for(created.kind), created.error);
                    send_json(response, 201, created.value->to_json());
                });

    server.Get(R"(/api/v1/activities/([^/]+)/signups)",
               [&station, &tokens](const httplib::Request& request, httplib::Response& response) {
                   if (!authorize(tokens, request, response, {"staff", "admin"})) return;
                   const std::string text = request.matches[1];
                   auto id = parse_ms(text);
                   Activities activities(station);
                   if (!id || !activities.get(*id))
                       return send_error(response, 404, "activity '" + text + "': not found");
                   nlohmann::json list = nlohmann::json::array();
                   for (const Signup& s : activities.signups(*id)) list.push_back(s.to_json());
                   send_json(response, 200, {{"signups", list}});
               });

    server.Get("/api/v1/suggestions",
               [&station, &tokens](const httplib::Request& request, httplib::Response& response) {
                   if (!authorize(tokens, request, response, {"staff", "editor", "admin"})) return;
                   int64_t since = 0;
                   if (request.has_param("since")) {
                       auto parsed = parse_ms(request.get_param_value("since"));
                       if (!parsed)
                           return send_error(response, 400,
                                             "since: must be milliseconds since the Unix epoch (got '" +
                                                 request.get_param_value("since") + "')");
                       since = *parsed;
                   }
                   nlohmann::json list = nlohmann::json::array();
                   for (const Suggestion& s : Feedback(station).suggestions_since(since))
                       list.push_back(s.to_json());
                   send_json(response, 200, {{"suggestions", list}});
               });
}

}  // namespace station::api
