// KioskLink: station-admin's live connection to one kiosk, with no UI code, so tests drive it too.
//
//  - a worker thread logs in, then keeps a picture of the kiosk fresh: health, open help
//    requests, devices, alerts, users (admin), the screen thumbnail; and runs the console's
//    actions (acknowledge, resolve, send a notice, ...) one at a time, never on the UI thread;
//  - a stream thread reads GET /api/v1/events. It opens the stream first and reads the starting
//    event id from the greeting (": events after N"), then loads the open requests, so nothing
//    falls between the two. When the stream breaks it reconnects with Last-Event-ID, so the kiosk
//    replays what was missed (it keeps its journal in SQLite).
//
// The UI reads snapshot() each frame (a copy, taken under the lock); `wake` is called after every
// change, from the worker threads (station-admin wires it to SDL_PushEvent).
//
// Threads: all public methods are thread-safe.
#pragma once
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "admin/client/api_client.h"

namespace httplib {
class Client;
}

namespace station::admin {

struct KioskSnapshot {
    std::string url;
    bool logged_in = false;
    bool online = false;  // the last health check answered
    bool loaded = false;  // the first full round (requests, devices, alerts) is done
    std::string error;    // the latest problem, for people; "" when all is well
    std::string role;     // the console user's role on this kiosk
    std::string station_name, station_id;
    bool demo = false;
    std::map<int64_t, nlohmann::json> open_requests;  // by id; from the list and the stream
    nlohmann::json devices = nlohmann::json::array();
    nlohmann::json alerts = nlohmann::json::array();
    bool alerts_available = false;                   // the kiosk serves /api/v1/alerts
    nlohmann::json users = nlohmann::json::array();  // admin only
    nlohmann::json content;     // GET /api/v1/content: {"active", "previous", "push"?, ...}; null until read
    nlohmann::json activities = nlohmann::json::array();  // GET /api/v1/activities: upcoming, soonest first
    bool activities_available = false;                    // the kiosk serves /api/v1/activities
    std::map<int64_t, nlohmann::json> signups;            // by activity id, as last loaded (masked ids)
    nlohmann::json report;      // the latest report asked for; null until then
    std::string thumbnail_png;  // GET /api/v1/screenshot; "" when none
    std::string thumbnail_error;
    int thumbnail_version = 0;  // changes with each new thumbnail
    int64_t last_event_id = 0;  // the stream's cursor
    int64_t events_seen = 0;    // events read from the stream, replays included
    int stream_connects = 0;    // times the stream was (re)opened
    bool stream_open = false;
    std::vector<std::string> recent;  // the latest events in words, newest last (at most 50)
    std::string action_message;       // result of the latest action, for people
    bool action_failed = false;
};

struct KioskLinkOptions {
    std::string url;  // "http://HOST:PORT" or "https://HOST:PORT"
    std::string user, pin;
    std::string pinned_certificate;  // https: the kiosk's certificate SHA-256 (tls.h); "" = CA verification
    std::chrono::milliseconds poll_interval{3000};
    std::chrono::milliseconds push_poll_interval{1000};  // while a content push is arriving
    std::chrono::milliseconds reconnect_delay{1000};
    std::chrono::milliseconds thumbnail_interval{10000};
    bool thumbnails = true;
    std::function<void()> wake;  // after any change
    std::function<void(const std::string& type, const nlohmann::json& request)>
        on_event;  // each stream event
};

class KioskLink {
public:
    explicit KioskLink(KioskLinkOptions options);  // starts the threads
    ~KioskLink();                                  // stops and joins them
    KioskLink(const KioskLink&) = delete;
    KioskLink& operator=(const KioskLink&) = delete;

    KioskSnapshot snapshot() const;
    const std::string& url() const { return options_.url; }

    // Queues an action for the worker; `label` names it in action_message ("A012 已确认").
    // The action runs with a logged-in client; a 2xx reply counts as done.
    void act(std::string label, std::function<ApiReply(ApiClient&)> action);
    void acknowledge(int64_t id, const std::string& ticket);
    void arrive(int64_t id, const std::string& ticket);
    void resolve(int64_t id, const std::string& ticket, const std::string& note);
    void send_alert(const std::string& title, const std::string& text, const std::string& mode, int minutes);
    void withdraw_alert(const std::string& id);
    void load_report(const std::string& from, const std::string& to);
    void add_user(const std::string& user, const std::string& name, const std::string& role,
                  const std::string& pin);
    void reset_pin(const std::string& user, const std::string& pin);
    // Activities: create one (the API's body: title, place, starts_at, ends_at, capacity,
    // min_signups?, description?), load one's sign-ups into snapshot().signups, print its list on
    // the kiosk's receipt printer.
    void create_activity(const nlohmann::json& activity);
    void load_signups(int64_t activity_id);
    void print_signups(int64_t activity_id, const std::string& title);
    void refresh();  // poll now

private:
    void worker_loop();
    void stream_loop();
    bool ensure_login(ApiClient& client);
    void poll(ApiClient& client);
    void apply_event(int64_t id, const std::string& type, const nlohmann::json& data);
    void notify();
    bool wait_stop(std::chrono::milliseconds limit);  // true when stopping

    KioskLinkOptions options_;
    mutable std::mutex mutex_;  // guards snapshot_, actions_, stopping_, token_, poll_now_, stream_client_
    std::condition_variable changed_;
    KioskSnapshot snapshot_;
    std::deque<std::pair<std::string, std::function<ApiReply(ApiClient&)>>> actions_;
    std::string token_;
    bool stopping_ = false;
    bool poll_now_ = false;
    std::chrono::steady_clock::time_point last_thumbnail_{};
    httplib::Client* stream_client_ = nullptr;  // the open stream's client, so stop can cut it
    std::thread worker_;
    std::thread stream_;
};

}  // namespace station::admin
