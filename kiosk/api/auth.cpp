#include "kiosk/api/auth.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

namespace station::api {
namespace {

std::string hash_token(const std::string& token) {
    unsigned char out[32];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                       nullptr, 0);
    char hex[sizeof out * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    return hex;
}

}  // namespace

TokenStore::TokenStore(Station& station) : station_(station) {
    if (sodium_init() < 0) spdlog::error("api: libsodium failed to initialise");
}

std::string TokenStore::bearer_token(const std::string& header) {
    const std::string prefix = "Bearer ";
    if (header.size() <= prefix.size() || header.compare(0, prefix.size(), prefix) != 0) return "";
    std::string token = header.substr(prefix.size());
    if (token.size() != 64) return "";
    for (char c : token)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return "";
    return token;
}

int64_t TokenStore::locked_until_locked(const std::string& key, int64_t now_ms) {
    auto entry = failures_.find(key);
    if (entry == failures_.end() || entry->second.locked_until_ms == 0) return 0;
    if (entry->second.locked_until_ms <= now_ms) {  // served its time: a fresh start
        failures_.erase(entry);
        return 0;
    }
    return entry->second.locked_until_ms;
}

int TokenStore::lockout_minutes_left(const std::string& username, const std::string& address) {
    int64_t now = station_.clock().now_ms();
    std::lock_guard<std::mutex> guard(failures_mutex_);
    int64_t until = std::max(locked_until_locked("user:" + username, now),
                             address.empty() ? 0 : locked_until_locked("addr:" + address, now));
    if (until == 0) return 0;
    return static_cast<int>((until - now + 59'999) / 60'000);
}

std::variant<LoginReply, TokenStore::LoginFailure> TokenStore::login(const std::string& username,
                                                                     const std::string& pin,
                                                                     const std::string& address) {
    int64_t now = station_.clock().now_ms();
    std::vector<std::string> keys = {"user:" + username};
    if (!address.empty()) keys.push_back("addr:" + address);
    {
        std::lock_guard<std::mutex> guard(failures_mutex_);
        for (const std::string& key : keys)
            if (locked_until_locked(key, now) != 0) return LoginFailure::locked_out;
    }
    auto member = station_.staff().verify(username, pin);
    if (!member) {
        std::vector<std::string> locked_now;
        {
            std::lock_guard<std::mutex> guard(failures_mutex_);
            if (failures_.size() > 10'000) failures_.clear();  // bounded memory against name spraying
            for (const std::string& key : keys) {
                Failures& failures = failures_[key];
                if (++failures.count >= kMaxFailures && failures.locked_until_ms == 0) {
                    failures.locked_until_ms = now + kLockoutMs;
                    locked_now.push_back(key);
                }
            }
        }
        // The trail names an account only when it exists, and never the PIN tried.
        bool known = station_.staff().find(username).has_value();
        for (const std::string& key : locked_now) {
            bool by_name = key.rfind("user:", 0) == 0;
            if (by_name && !known) continue;
            station_.audit("system", "api.lockout", by_name ? username : address,
                           {{"by", by_name ? "user" : "address"}, {"minutes", kLockoutMs / 60'000}});
        }
        return LoginFailure::bad_credentials;
    }
    {
        std::lock_guard<std::mutex> guard(failures_mutex_);
        for (const std::string& key : keys) failures_.erase(key);
    }
    unsigned char random[32];
    randombytes_buf(random, sizeof random);
    char hex[sizeof random * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, random, sizeof random);
    sodium_memzero(random, sizeof random);
    LoginReply reply{hex, member->role, 0};
    sodium_memzero(hex, sizeof hex);
    int64_t created = station_.clock().now_ms();
    reply.expires_at_ms = created + int64_t(station_.config().api.token_ttl_h) * 3'600'000;
    {
        auto lock = station_.db().lock();
        SQLite::Database& sql = station_.db().sql();
        SQLite::Statement expired(sql, "DELETE FROM api_tokens WHERE expires_at_ms <= ?");
        expired.bind(1, created);
        expired.exec();
        SQLite::Statement insert(
            sql,
            "INSERT INTO api_tokens (token_hash, username, role, created_at_ms, expires_at_ms) "
            "VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, hash_token(reply.token));
        insert.bind(2, member->username);
        insert.bind(3, member->role);
        insert.bind(4, created);
        insert.bind(5, reply.expires_at_ms);
        insert.exec();
        Station::write_audit(sql, created, member->username, "api.login", "", {{"role", member->role}});
    }
    return reply;
}

std::optional<Session> TokenStore::verify(const std::string& token) {
    if (token.empty()) return std::nullopt;
    auto lock = station_.db().lock();
    SQLite::Statement query(station_.db().sql(),
                            "SELECT s.username, s.display_name, s.role FROM api_tokens t "
                            "JOIN staff s ON s.username = t.username "
                            "WHERE t.token_hash = ? AND t.expires_at_ms > ?");
    query.bind(1, hash_token(token));
    query.bind(2, station_.clock().now_ms());
    if (!query.executeStep()) return std::nullopt;
    return Session{query.getColumn(0).getString(), query.getColumn(1).getString(),
                   query.getColumn(2).getString()};
}

}  // namespace station::api
