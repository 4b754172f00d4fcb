// Helpers shared by the API's route files. No promises outside kiosk/api/.
#pragma once
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>

#include "kiosk/api/auth.h"
#include "kiosk/core/result.h"

namespace station::api {

void send_json(httplib::Response& response, int status, const nlohmann::json& body);
void send_error(httplib::Response& response, int status, const std::string& message);

// The caller's session when the bearer token is valid and its role is one of `roles`; otherwise
// answers 401 or 403 and returns nullopt.
std::optional<Session> authorize(TokenStore& tokens, const httplib::Request& request,
                                 httplib::Response& response, std::initializer_list<const char*> roles);

// The body as a JSON object ("" is {}); the error names the problem and any field outside `allowed`.
Result<nlohmann::json> parse_body(const httplib::Request& request,
                                  std::initializer_list<const char*> allowed);

// body[field] as a string: nullopt when absent; an error when present but not a string.
Result<std::optional<std::string>> string_field(const nlohmann::json& body, const char* field);

}  // namespace station::api
