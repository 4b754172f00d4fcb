#include "kiosk/core/notifier.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "kiosk/core/clock.h"
#include "kiosk/core/database.h"

namespace station {
namespace {

constexpr int64_t kLongestSleepMs = 3'600'000;

}  // namespace

struct Notifier::Delivery {
    int64_t id = 0;
    std::string kind, url, body;
    int attempts = 0;
};

Notifier::Notifier(Database& db, const Clock& clock, NotifierOptions options)
    : db_(db), clock_(clock), options_(std::move(options)) {
    if (sodium_init() < 0) spdlog::error("notifier: libsodium failed to initialise");
}

Notifier::~Notifier() {
    stop();
}

nlohmann::json Notifier::wecom_body(const std::string& text, const std::string& format) {
    // https://developer.work.weixin.qq.com/document/path/91770 (群机器人配置说明)
    if (format == "markdown") return {{"msgtype", "markdown"}, {"markdown", {{"content", text}}}};
    return {{"msgtype", "text"}, {"text", {{"content", text}}}};
}

nlohmann::json Notifier::dingtalk_body(const std::string& text) {
    // https://open.dingtalk.com/document/robots/custom-robot-access (自定义机器人)
    return {{"msgtype", "text"}, {"text", {{"content", text}}}, {"at", {{"isAtAll", false}}}};
}

std::string Notifier::url_encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string Notifier::dingtalk_sign(const std::string& secret, int64_t timestamp_ms) {
    // DingTalk 加签: sign = urlEncode(base64(HmacSHA256(key = secret, timestamp + "\n" + secret)))
    std::string to_sign = std::to_string(timestamp_ms) + "\n" + secret;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(to_sign.data()),
                                  to_sign.size());
    crypto_auth_hmacsha256_final(&state, mac);
    char base64[sodium_base64_ENCODED_LEN(sizeof mac, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(base64, sizeof base64, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    return url_encode(base64);
}

void Notifier::enqueue_locked(SQLite::Database& sql, const std::string& event_type, int level,
                              const std::string& text, const nlohmann::json& request) {
    int64_t now = clock_.now_ms();
    for (const auto& target : options_.targets) {
        if (target.level > level) continue;
        nlohmann::json body;
        if (target.kind == "wecom") {
            body = wecom_body(target.format == "markdown" ? "### " + options_.station_name + "\n" + text
                                                          : "【" + options_.station_name + "】" + text,
                              target.format);
        } else if (target.kind == "dingtalk") {
            body = dingtalk_body("【" + options_.station_name + "】" + text);
        } else {
            body = {{"station", {{"id", options_.station_id}, {"name", options_.station_name}}},
                    {"event", event_type},
                    {"level", level},
                    {"text", text},
                    {"request", request},
                    {"at", now}};
        }
        SQLite::Statement insert(
            sql,
            "INSERT INTO notify_outbox (created_at_ms, kind, url, body, next_attempt_at_ms) "
            "VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, now);
        insert.bind(2, target.kind);
        insert.bind(3, target.url);
        insert.bind(4, body.dump());
        insert.bind(5, now);
        insert.exec();
    }
}

void Notifier::enqueue(const std::string& event_type, int level, const std::string& text,
                       const nlohmann::json& request) {
    {
        auto lock = db_.lock();
        SQLite::Transaction transaction(db_.sql());
        enqueue_locked(db_.sql(), event_type, level, text, request);
        transaction.commit();
    }
    wake();
}

std::string Notifier::delivery_url(const StationConfig::Notify& target, int64_t timestamp_ms) {
    if (target.kind != "dingtalk" || target.secret.empty()) return target.url;
    return target.url + (target.url.find('?') == std::string::npos ? "?" : "&") +
           "timestamp=" + std::to_string(timestamp_ms) +
           "&sign=" + dingtalk_sign(target.secret, timestamp_ms);
}

bool Notifier::send(const Delivery& delivery, std::string& problem) {
    if (!options_.transport) {
        problem = "no webhook transport";
        return false;
    }
    // Signed now, not when queued: DingTalk refuses a timestamp older than an hour.
    StationConfig::Notify target{delivery.kind, delivery.url};
    auto configured = std::find_if(options_.targets.begin(), options_.targets.end(),
                                   [&](const StationConfig::Notify& n) { return n.url == delivery.url; });
    if (configured != options_.targets.end()) target = *configured;
    WebhookReply reply =
        options_.transport(delivery_url(target, clock_.now_ms()), delivery.body, options_.timeout_ms);
    if (reply.status == 0) {
        problem = reply.error.empty() ? "no reply" : reply.error;
        return false;
    }
    if (reply.status < 200 || reply.status >= 300) {
        problem = "HTTP " + std::to_string(reply.status);
        return false;
    }
    if (delivery.kind != "json") {
        // Both robots answer 200 with {"errcode": N, "errmsg": ...}; only errcode 0 is delivered.
        auto body = nlohmann::json::parse(reply.body, nullptr, false);
        if (!body.is_object() || !body.contains("errcode") || !body["errcode"].is_number_integer()) {
            problem = "reply without errcode";
            return false;
        }
        if (body["errcode"].get<int64_t>() != 0) {
            problem = "errcode " + std::to_string(body["errcode"].get<int64_t>()) + ": " +
                      body.value("errmsg", std::string());
            return false;
        }
    }
    return true;
}

int Notifier::deliver_due() {
    std::lock_guard<std::mutex> one_at_a_time(delivering_);
    std::vector<Delivery> due;
    {
        auto lock = db_.lock();
        SQLite::Statement query(
            db_.sql(),
            "SELECT id, kind, url, body, attempts FROM notify_outbox "
            "WHERE delivered_at_ms IS NULL AND next_attempt_at_ms <= ? ORDER BY id LIMIT 50");
        query.bind(1, clock_.now_ms());
        while (query.executeStep())
            due.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getString(),
                           query.getColumn(2).getString(), query.getColumn(3).getString(),
                           query.getColumn(4).getInt()});
    }
    int delivered = 0;
    for (const Delivery& d : due) {
        std::string problem;
        bool ok = send(d, problem);
        int64_t now = clock_.now_ms();
        auto lock = db_.lock();
        if (ok) {
            SQLite::Statement update(db_.sql(),
                                     "UPDATE notify_outbox SET delivered_at_ms = ?, attempts = attempts + 1, "
                                     "last_error = '' WHERE id = ?");
            update.bind(1, now);
            update.bind(2, d.id);
            update.exec();
            ++delivered;
        } else {
            int shift = std::min(d.attempts, 20);
            int64_t backoff = std::min(options_.max_backoff_ms, options_.initial_backoff_ms << shift);
            SQLite::Statement update(
                db_.sql(),
                "UPDATE notify_outbox SET attempts = attempts + 1, next_attempt_at_ms = ?, "
                "last_error = ? WHERE id = ?");
            update.bind(1, now + backoff);
            update.bind(2, problem);
            update.bind(3, d.id);
            update.exec();
            // The URL may carry the robot's key: log only the kind and the outbox id.
            spdlog::warn("notifier: {} message {} not delivered (attempt {}): {}; retry in {} s", d.kind,
                         d.id, d.attempts + 1, problem, backoff / 1000);
        }
    }
    return delivered;
}

std::optional<int64_t> Notifier::next_attempt_ms() {
    auto lock = db_.lock();
    auto value = db_.sql().execAndGet(
        "SELECT MIN(next_attempt_at_ms) FROM notify_outbox WHERE delivered_at_ms IS NULL");
    if (value.isNull()) return std::nullopt;
    return value.getInt64();
}

OutboxStats Notifier::stats() {
    auto lock = db_.lock();
    SQLite::Statement query(
        db_.sql(),
        "SELECT COALESCE(SUM(delivered_at_ms IS NULL), 0), COALESCE(SUM(delivered_at_ms IS NOT NULL), 0) "
        "FROM notify_outbox");
    query.executeStep();
    return {query.getColumn(0).getInt64(), query.getColumn(1).getInt64()};
}

void Notifier::start() {
    if (worker_.joinable()) return;
    {
        std::lock_guard<std::mutex> guard(mutex_);
        stopping_ = false;
    }
    worker_ = std::thread([this] { work(); });
}

void Notifier::stop() {
    if (!worker_.joinable()) return;
    {
        std::lock_guard<std::mutex> guard(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    worker_.join();
}

void Notifier::wake() {
    {
        std::lock_guard<std::mutex> guard(mutex_);
        woken_ = true;
    }
    changed_.notify_all();
}

void Notifier::work() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        woken_ = false;
        lock.unlock();
        std::optional<int64_t> next;
        try {
            deliver_due();
            next = next_attempt_ms();
        } catch (const std::exception& e) {
            spdlog::error("notifier: {}", e.what());
            next = clock_.now_ms() + 5'000;
        }
        int64_t now = clock_.now_ms();
        int64_t sleep_ms =
            std::clamp<int64_t>(next.value_or(now + kLongestSleepMs) - now, 0, kLongestSleepMs);
        lock.lock();
        // A delivery that is due now but failed got a later next_attempt, so 0 only when
        // something new arrived meanwhile; then go round again.
        if (sleep_ms > 0)
            changed_.wait_for(lock, std::chrono::milliseconds(sleep_ms),
                              [this] { return stopping_ || woken_; });
    }
}

}  // namespace station
