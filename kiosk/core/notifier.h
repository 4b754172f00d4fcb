// Notifier: tells staff phones through webhooks, from an outbox in SQLite, so a network outage
// delays a notification but never drops it.
//
//   kinds      "wecom"    企业微信 group robot: {"msgtype":"text","text":{"content":...}} or
//                         {"msgtype":"markdown","markdown":{"content":...}}; reply {"errcode":0}
//              "dingtalk" 钉钉 custom robot: {"msgtype":"text","text":{"content":...}}; with a
//                         加签 secret the URL gets &timestamp=<ms>&sign=<urlencode(base64(
//                         HMAC-SHA256(secret, timestamp + "\n" + secret)))>, signed at delivery
//                         because DingTalk refuses signatures older than an hour; reply {"errcode":0}
//              "json"     generic: {"station":{...},"event":...,"text":...,"request":{...}}; any 2xx
//   outbox     notify_outbox rows, written in the same transaction as the help-desk change
//              (enqueue_locked), delivered by a worker thread with exponential back-off
//              (initial_backoff, doubling, capped at max_backoff), retried until delivered
//
// Threads: enqueue_locked() runs on the caller's thread inside its transaction; deliver_due() may
// run on any thread but never holds the database lock during HTTP.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/config.h"

namespace SQLite {
class Database;
}

namespace station {

class Clock;
class Database;

// One HTTP POST of JSON. The model has no network code: station-kiosk passes the API library's
// httplib client (api::http_webhook_transport), tests pass their own.
struct WebhookReply {
    int status = 0;  // HTTP status; 0 when there was no reply
    std::string body;
    std::string error;  // why there was no reply
};
using WebhookTransport =
    std::function<WebhookReply(const std::string& url, const std::string& json_body, int timeout_ms)>;

struct NotifierOptions {
    std::vector<StationConfig::Notify> targets;  // from [[notify]]
    WebhookTransport transport;                  // null: messages wait in the outbox
    std::string station_id, station_name;        // named in every message
    int64_t initial_backoff_ms = 5'000;          // first retry after this; doubles per failure
    int64_t max_backoff_ms = 600'000;            // ... up to this
    int timeout_ms = 5'000;                      // connect and read timeout of one delivery
};

struct OutboxStats {
    int64_t pending = 0;  // not yet delivered
    int64_t delivered = 0;
};

class Notifier {
public:
    Notifier(Database& db, const Clock& clock, NotifierOptions options);
    ~Notifier();  // stops the worker

    // Queues one message per target whose level <= `level`. The caller holds the database lock
    // and an open transaction. `text` is the message in words; `request` goes into generic JSON.
    void enqueue_locked(SQLite::Database& sql, const std::string& event_type, int level,
                        const std::string& text, const nlohmann::json& request);
    // Same, in its own transaction (takes the lock).
    void enqueue(const std::string& event_type, int level, const std::string& text,
                 const nlohmann::json& request);

    int deliver_due();                         // tries every message due now, once; returns delivered
    std::optional<int64_t> next_attempt_ms();  // earliest pending retry
    OutboxStats stats();

    void start();  // the delivery worker; idempotent
    void stop();   // wakes and joins it; idempotent
    void wake();   // something was queued, or the clock moved

    // Message formats (public for tests).
    static nlohmann::json wecom_body(const std::string& text, const std::string& format);
    static nlohmann::json dingtalk_body(const std::string& text);
    static std::string dingtalk_sign(const std::string& secret, int64_t timestamp_ms);  // URL-encoded
    static std::string url_encode(const std::string& text);
    // The URL to POST to: DingTalk with a secret gets &timestamp=...&sign=... appended.
    static std::string delivery_url(const StationConfig::Notify& target, int64_t timestamp_ms);

private:
    struct Delivery;
    bool send(const Delivery& delivery, std::string& problem);
    void work();
    Database& db_;
    const Clock& clock_;
    NotifierOptions options_;
    std::mutex mutex_;  // guards stopping_ and woken_
    std::condition_variable changed_;
    bool stopping_ = false;
    bool woken_ = false;
    std::thread worker_;
    std::mutex delivering_;  // one deliver_due() at a time (worker and tests)
};

}  // namespace station
