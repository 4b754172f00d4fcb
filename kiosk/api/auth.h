// API authentication: POST /api/v1/login exchanges a staff username and PIN for a bearer token.
//
// Tokens are 32 random bytes from libsodium (hex), stored only as their BLAKE2b hash with an
// expiry ([api] token_ttl_h), so a copy of the database holds no usable token. Roles: staff,
// editor, admin, device. Failed logins are counted per username and per client address: after
// five wrong PINs that name (known or not) and that address are locked out for 15 minutes
// (answer 429), so a 4-digit PIN cannot be guessed over the LAN. Time is the station's clock.
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
    // `address`: the client's IP address ("" when unknown: only the name is counted).
    std::variant<LoginReply, LoginFailure> login(const std::string& username, const std::string& pin,
                                                 const std::string& address = "");
    // Whole minutes (rounded up, >= 1) until the name or the address may try again; 0 when neither
    // is locked out.
    int lockout_minutes_left(const std::string& username, const std::string& address);
    static constexpr int kMaxFailures = 5;              // wrong PINs before the lockout
    static constexpr int64_t kLockoutMs = 15 * 60'000;  // how long it lasts
    // The session of a valid, unexpired token whose account still exists.
    std::optional<Session> verify(const std::string& token);
    // The token in an "Authorization: Bearer ..." header value; "" when absent or malformed.
    static std::string bearer_token(const std::string& authorization_header);

private:
    Station& station_;
    struct Failures {
        int count = 0;                // wrong PINs since the last success or lockout end
        int64_t locked_until_ms = 0;  // station clock; 0 = not locked
    };
    // Locked-out key ("user:NAME" or "addr:IP") still locked at now_ms; caller holds failures_mutex_.
    int64_t locked_until_locked(const std::string& key, int64_t now_ms);
    std::mutex failures_mutex_;  // guards failures_
    std::map<std::string, Failures> failures_;  // per "user:NAME" and per "addr:IP"
};

}  // namespace station::api
