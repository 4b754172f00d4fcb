// The API's staff-account routes (issue 7), admin role only:
//   GET  /api/v1/users                                  → {"users": [{"user","name","role","demo"}]}
//   POST /api/v1/users {"user","name","role","pin"}     → 201 {"user","name","role","demo"}; 409 taken
//   POST /api/v1/users/{user}/pin {"pin"}               → {"user","pin_reset": true}; 404 unknown
// A PIN reset ends the account's open sessions (its tokens). Each change lands in the audit trail;
// PINs never do.
#include <httplib.h>

#include "kiosk/api/api_internal.h"
#include "kiosk/api/api_server.h"

namespace station::api {
namespace {

nlohmann::json member_json(const StaffMember& member) {
    return {{"user", member.username},
            {"name", member.display_name},
            {"role", member.role},
            {"demo", member.demo}};
}

}  // namespace

void ApiServer::add_user_routes() {
    server_->Get("/api/v1/users", [this](const httplib::Request& request, httplib::Response& response) {
        if (!authorize(*tokens_, request, response, {"admin"})) return;
        nlohmann::json users = nlohmann::json::array();
        for (const StaffMember& member : station_.staff().list()) users.push_back(member_json(member));
        send_json(response, 200, {{"users", users}});
    });

    server_->Post("/api/v1/users", [this](const httplib::Request& request, httplib::Response& response) {
        auto session = authorize(*tokens_, request, response, {"admin"});
        if (!session) return;
        auto body = parse_body(request, {"user", "name", "role", "pin"});
        if (!body) return send_error(response, 400, body.error().message);
        std::string values[4];
        const char* fields[4] = {"user", "name", "role", "pin"};
        for (int i = 0; i < 4; ++i) {
            auto value = string_field(*body, fields[i]);
            if (!value) return send_error(response, 400, value.error().message);
            if (!value->has_value() || (*value)->empty())
                return send_error(response, 400, std::string(fields[i]) + ": required");
            values[i] = **value;
        }
        auto added = station_.staff().add(values[0], values[1], values[3], values[2]);
        if (!added) {
            std::string message = added.error().message;
            // StaffDirectory names its fields username/display_name; the API calls them user/name.
            if (message.rfind("username:", 0) == 0) message = "user:" + message.substr(9);
            if (message.rfind("display_name:", 0) == 0) message = "name:" + message.substr(13);
            bool taken = message.find("already taken") != std::string::npos;
            return send_error(response, taken ? 409 : 400, message);
        }
        station_.audit(session->username, "users.add", added->username, {{"role", added->role}});
        send_json(response, 201, member_json(*added));
    });

    server_->Post(
        R"(/api/v1/users/([^/]+)/pin)", [this](const httplib::Request& request, httplib::Response& response) {
            auto session = authorize(*tokens_, request, response, {"admin"});
            if (!session) return;
            auto body = parse_body(request, {"pin"});
            if (!body) return send_error(response, 400, body.error().message);
            auto pin = string_field(*body, "pin");
            if (!pin) return send_error(response, 400, pin.error().message);
            if (!pin->has_value() || (*pin)->empty()) return send_error(response, 400, "pin: required");
            const std::string username = request.matches[1];
            if (!station_.staff().find(username))
                return send_error(response, 404, "user: no account named \"" + username + "\"");
            auto changed = station_.staff().set_pin(username, **pin);
            if (!changed) {
                bool unknown = changed.error().message.rfind("user:", 0) == 0;
                return send_error(response, unknown ? 404 : 400, changed.error().message);
            }
            {
                auto lock = station_.db().lock();
                SQLite::Statement revoke(station_.db().sql(), "DELETE FROM api_tokens WHERE username = ?");
                revoke.bind(1, username);
                revoke.exec();
            }
            station_.audit(session->username, "users.reset_pin", username);
            send_json(response, 200, {{"user", username}, {"pin_reset", true}});
        });
}

}  // namespace station::api
