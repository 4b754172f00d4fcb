#include "kiosk/api/activities_routes.h"

#include <httplib.h>

#include <chrono>
#include <ctime>
#include <future>
#include <regex>

#include "kiosk/api/api_internal.h"
#include "kiosk/core/activities.h"
#include "kiosk/core/devices.h"
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

// Local time as printed on a receipt: "2026-11-28 09:30".
std::string local_time(int64_t ms) {
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm parts{};
    localtime_r(&seconds, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &parts);
    return text;
}

std::string via_words(const std::string& via) {
    if (via == "idcard") return "身份证";
    if (via == "qr") return "扫码";
    if (via == "staff") return "工作人员代报";
    return via;
}

// The receipt: masked ids only (Signup never holds more), numbered in sign-up order.
drivers::ActivityRoster roster_of(Station& station, const Activity& a, const std::vector<Signup>& signups) {
    drivers::ActivityRoster r;
    r.station_name = station.config().station.name;
    r.activity_title = a.title;
    r.activity_time = "时间：" + local_time(a.starts_at_ms) + " 至 " + local_time(a.ends_at_ms).substr(11);
    r.place = "地点：" + a.place;
    r.summary = "报名 " + std::to_string(a.signups) + " / " + std::to_string(a.capacity) + " 人";
    if (a.min_signups > 0)
        r.summary += "，最少 " + std::to_string(a.min_signups) + " 人：" + (a.goes_ahead() ? "已达到" : "未达到");
    int n = 0;
    for (const Signup& s : signups)
        r.entries.push_back(std::to_string(++n) + ". " + s.masked_id + "  " + via_words(s.via) + "  " +
                            local_time(s.at_ms).substr(5));
    r.printed_at = "打印于 " + local_time(station.clock().now_ms());
    return r;
}

constexpr auto kRosterWait = std::chrono::seconds(20);  // a long list on a slow printer

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

    server.Post(R"(/api/v1/activities/([^/]+)/print)",
                [&station, &tokens](const httplib::Request& request, httplib::Response& response) {
                    auto session = authorize(tokens, request, response, {"staff", "admin"});
                    if (!session) return;
                    const std::string text = request.matches[1];
                    auto id = parse_ms(text);
                    Activities activities(station);
                    auto activity = id ? activities.get(*id) : std::nullopt;
                    if (!activity) return send_error(response, 404, "activity '" + text + "': not found");
                    auto signups = activities.signups(*id);
                    auto printed = station.devices().print_roster(roster_of(station, *activity, signups));
                    if (printed.wait_for(kRosterWait) != std::future_status::ready)
                        return send_error(response, 504, "printer: the list did not finish within 20 s");
                    auto result = printed.get();
                    station.audit(session->username, "activities.print", "activity " + text,
                                  {{"ok", result.ok()}, {"signups", signups.size()}});
                    if (!result) return send_error(response, 409, result.error().message);
                    send_json(response, 200, {{"id", *id}, {"printed", true}, {"signups", signups.size()}});
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
