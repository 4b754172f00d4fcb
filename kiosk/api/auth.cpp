#include "kiosk/api/auth.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

namespace station::api {
namespace {

constexpr int kMaxFailures = 5;
constexpr auto kLockout = std::chrono::minutes(1);

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

std::variant<LoginReply, TokenStore::LoginFailure> TokenStore::login(const std::string& username,
                                                                     const std::string& pin) {
    auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard<std::mutex> guard(failures_mutex_);
        auto entry = failures_.find(username);
        if (entry != failures_.end()) {
            if (now - entry->second.second > kLockout)
                failures_.erase(entry);
            else if (entry->second.first >= kMaxFailures)
                return LoginFailure::locked_out;
        }
    }
    auto member = station_.staff().verify(username, pin);
    if (!member) {
        std::lock_guard<std::mutex> guard(failures_mutex_);
        auto& [count, since] = failures_[username];
        if (count == 0) since = now;
        ++count;
        if (failures_.size() > 10'000) failures_.clear();  // bounded memory against name spraying
        return LoginFailure::bad_credentials;
    }
    {
        std::lock_guard<std::mutex> guard(failures_mutex_);
        failures_.erase(username);
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
