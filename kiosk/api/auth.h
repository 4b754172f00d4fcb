// API authentication: POST /api/v1/login exchanges a staff username and PIN for a bearer token.
//
// Tokens are 32 random bytes from libsodium (hex), stored only as their BLAKE2b hash with an
// expiry ([api] token_ttl_h), so a copy of the database holds no usable token. Roles: staff,
// editor, admin, device. Failed logins are counted per username: five within a minute lock
// that name for a minute (answer 429), so a 4-digit PIN cannot be guessed over the LAN.
//
// Threads: all methods are thread-safe.
#pragma once
#include <chrono>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "kiosk/core/result.h"
#include "kiosk/core/station.h"

namespace station::api {

struct Session {
    std::string username;
    std::string display_name;  // "王老师": said to residents when this person acknowledges
    std::string role;          // staff, editor, admin, device
};

struct LoginReply {
    std::string token;  // give as "Authorization: Bearer <token>"
    std::string role;
    int64_t expires_at_ms = 0;
};

class TokenStore {
public:
    explicit TokenStore(Station& station);

    enum class LoginFailure { bad_credentials, locked_out };
    // The token for a matching username and PIN; otherwise why not (never which part was wrong).
    std::variant<LoginReply, LoginFailure> login(const std::string& username, const std::string& pin);
    // The session of a valid, unexpired token whose account still exists.
    std::optional<Session> verify(const std::string& token);
    // The token in an "Authorization: Bearer ..." header value; "" when absent or malformed.
    static std::string bearer_token(const std::string& authorization_header);

private:
    Station& station_;
    std::mutex failures_mutex_;  // guards failures_
    std::map<std::string, std::pair<int, std::chrono::steady_clock::time_point>> failures_;  // per username
};

}  // namespace station::api
