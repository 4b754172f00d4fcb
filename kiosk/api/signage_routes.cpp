#include "kiosk/api/signage_routes.h"

#include <httplib.h>

#include <regex>

#include "kiosk/api/api_internal.h"
#include "kiosk/core/signage.h"
#include "kiosk/core/station.h"

namespace station::api {

void add_signage_routes(httplib::Server& server, Station& station, TokenStore& tokens) {
    server.Post("/api/v1/alerts",
                [&station, &tokens](const httplib::Request& request, httplib::Response& response) {
                    auto session = authorize(tokens, request, response, {"staff", "editor", "admin"});
                    if (!session) return;
                    auto body = parse_body(request, {"text", "title", "mode", "minutes"});
                    if (!body) return send_error(response, 400, body.error().message);
                    auto alert_request = parse_alert_request(*body);
                    if (!alert_request) return send_error(response, 400, alert_request.error().message);
                    auto alert = SignageRecords(station).create_alert(*alert_request, session->username);
                    if (!alert) return send_error(response, 503, alert.error().message);
                    send_json(response, 201, alert->to_json());
                });

    server.Get("/api/v1/alerts",
               [&station, &tokens](const httplib::Request& request, httplib::Response& response) {
                   if (!authorize(tokens, request, response, {"staff", "editor", "admin"})) return;
                   nlohmann::json alerts = nlohmann::json::array();
                   for (const Alert& alert : SignageRecords(station).active_alerts())
                       alerts.push_back(alert.to_json());
                   send_json(response, 200, {{"alerts", alerts}});
               });

    server.Delete(R"(/api/v1/alerts/([^/]+))", [&station, &tokens](const httplib::Request& request,
                                                                   httplib::Response& response) {
        auto session = authorize(tokens, request, response, {"staff", "editor", "admin"});
        if (!session) return;
        const std::string text = request.matches[1];
        static const std::regex id_pattern("^[0-9]{1,15}$");
        if (!std::regex_match(text, id_pattern))
            return send_error(response, 404, "alert '" + text + "': not found (ids are numbers)");
        auto withdrawn = SignageRecords(station).withdraw_alert(std::stoll(text), session->username);
        if (!withdrawn) {
            bool missing = withdrawn.error().message.find(": not found") != std::string::npos;
            return send_error(response, missing ? 404 : 503, withdrawn.error().message);
        }
        send_json(response, 200, {{"id", withdrawn->id}, {"withdrawn", true}});
    });

    server.Get("/api/v1/proof-of-play", [&station, &tokens](const httplib::Request& request,
                                                            httplib::Response& response) {
        if (!authorize(tokens, request, response, {"staff", "editor", "admin"})) return;
        int64_t since = 0;
        if (request.has_param("since")) {
            auto parsed = parse_time_param(request.get_param_value("since"));
            if (!parsed) return send_error(response, 400, parsed.error().message);
            since = *parsed;
        }
        int limit = 10'000;
        if (request.has_param("limit")) {
            std::string text = request.get_param_value("limit");
            static const std::regex digits("^[0-9]{1,6}$");
            if (!std::regex_match(text, digits) || std::stoi(text) < 1 || std::stoi(text) > 100'000)
                return send_error(response, 400,
                                  "limit: expected a number from 1 to 100000 (got '" + text + "')");
            limit = std::stoi(text);
        }
        nlohmann::json plays = nlohmann::json::array();
        for (const Play& play : SignageRecords(station).plays_since(since, limit))
            plays.push_back(play.to_json());
        send_json(response, 200, {{"plays", plays}});
    });
}

}  // namespace station::api
