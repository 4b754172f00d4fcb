#include "admin/client/kiosk_link.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>

#include "admin/client/tls.h"

namespace station::admin {
namespace {

constexpr size_t kRecentEvents = 50;

std::optional<int64_t> parse_number(const std::string& text) {
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::string event_words(const std::string& type, const nlohmann::json& request, const nlohmann::json& data) {
    std::string ticket = request.value("ticket", "?");
    std::string text = data.value("text", "");
    return ticket + "  " + type + (text.empty() ? "" : "  " + text);
}

}  // namespace

KioskLink::KioskLink(KioskLinkOptions options) : options_(std::move(options)) {
    snapshot_.url = options_.url;
    worker_ = std::thread([this] { worker_loop(); });
    stream_ = std::thread([this] { stream_loop(); });
}

KioskLink::~KioskLink() {
    {
        std::lock_guard<std::mutex> guard(mutex_);
        stopping_ = true;
        if (stream_client_) stream_client_->stop();
    }
    changed_.notify_all();
    worker_.join();
    stream_.join();
}

KioskSnapshot KioskLink::snapshot() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return snapshot_;
}

void KioskLink::notify() {
    changed_.notify_all();
    if (options_.wake) options_.wake();
}

bool KioskLink::wait_stop(std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, limit, [this] { return stopping_ || !actions_.empty() || poll_now_; });
    return stopping_;
}

void KioskLink::act(std::string label, std::function<ApiReply(ApiClient&)> action) {
    {
        std::lock_guard<std::mutex> guard(mutex_);
        actions_.emplace_back(std::move(label), std::move(action));
    }
    changed_.notify_all();
}

void KioskLink::acknowledge(int64_t id, const std::string& ticket) {
    act(ticket + " 已确认", [id](ApiClient& c) {
        return c.post("/api/v1/requests/" + std::to_string(id) + "/acknowledge", nlohmann::json::object());
    });
}

void KioskLink::arrive(int64_t id, const std::string& ticket) {
    act(ticket + " 已到达", [id](ApiClient& c) {
        return c.post("/api/v1/requests/" + std::to_string(id) + "/arrive", nlohmann::json::object());
    });
}

void KioskLink::resolve(int64_t id, const std::string& ticket, const std::string& note) {
    act(ticket + " 已解决", [id, note](ApiClient& c) {
        nlohmann::json body = nlohmann::json::object();
        if (!note.empty()) body["note"] = note;
        return c.post("/api/v1/requests/" + std::to_string(id) + "/resolve", body);
    });
}

void KioskLink::send_alert(const std::string& title, const std::string& text, const std::string& mode,
                           int minutes) {
    act("紧急通知已发送", [=](ApiClient& c) {
        nlohmann::json body = {{"text", text}, {"mode", mode}};
        if (!title.empty()) body["title"] = title;
        if (minutes > 0) body["minutes"] = minutes;
        return c.post("/api/v1/alerts", body);
    });
}

void KioskLink::withdraw_alert(const std::string& id) {
    act("通知已撤回", [id](ApiClient& c) { return c.del("/api/v1/alerts/" + id); });
}

void KioskLink::load_report(const std::string& from, const std::string& to) {
    act("报表已更新", [this, from, to](ApiClient& c) {
        ApiReply reply = c.get("/api/v1/reports?from=" + from + "&to=" + to);
        if (reply.ok()) {
            std::lock_guard<std::mutex> guard(mutex_);
            snapshot_.report = reply.body;
        }
        return reply;
    });
}

void KioskLink::add_user(const std::string& user, const std::string& name, const std::string& role,
                         const std::string& pin) {
    act("已添加 " + user, [=](ApiClient& c) {
        return c.post("/api/v1/users", {{"user", user}, {"name", name}, {"role", role}, {"pin", pin}});
    });
}

void KioskLink::reset_pin(const std::string& user, const std::string& pin) {
    act(user + " 的 PIN 已重设", [=](ApiClient& c) {
        return c.post("/api/v1/users/" + user + "/pin", {{"pin", pin}});
    });
}

void KioskLink::create_activity(const nlohmann::json& activity) {
    act("活动已创建 " + activity.value("title", ""), [this, activity](ApiClient& c) {
        ApiReply reply = c.post("/api/v1/activities", activity);
        if (reply.ok()) {
            std::lock_guard<std::mutex> guard(mutex_);
            poll_now_ = true;
        }
        return reply;
    });
}

void KioskLink::load_signups(int64_t activity_id) {
    act("报名名单已更新", [this, activity_id](ApiClient& c) {
        ApiReply reply = c.get("/api/v1/activities/" + std::to_string(activity_id) + "/signups");
        if (reply.ok()) {
            std::lock_guard<std::mutex> guard(mutex_);
            snapshot_.signups[activity_id] = reply.body.value("signups", nlohmann::json::array());
        }
        return reply;
    });
}

void KioskLink::print_signups(int64_t activity_id, const std::string& title) {
    act(title + " 报名名单已打印", [activity_id](ApiClient& c) {
        return c.post("/api/v1/activities/" + std::to_string(activity_id) + "/print", nlohmann::json::object());
    });
}

void KioskLink::refresh() {
    {
        std::lock_guard<std::mutex> guard(mutex_);
        poll_now_ = true;
    }
    changed_.notify_all();
}

bool KioskLink::ensure_login(ApiClient& client) {
    {
        std::lock_guard<std::mutex> guard(mutex_);
        if (!token_.empty()) {
            client.set_token(token_);
            return true;
        }
    }
    ApiReply login = client.post("/api/v1/login", {{"user", options_.user}, {"pin", options_.pin}});
    std::lock_guard<std::mutex> guard(mutex_);
    if (!login.ok()) {
        snapshot_.logged_in = false;
        snapshot_.online = login.status != 0;
        snapshot_.error = "登录失败 login: " + login.error;
        return false;
    }
    token_ = login.body.value("token", "");
    snapshot_.logged_in = true;
    snapshot_.role = login.body.value("role", "");
    snapshot_.error.clear();
    client.set_token(token_);
    changed_.notify_all();  // the stream thread waits for a token
    return true;
}

void KioskLink::poll(ApiClient& client) {
    ApiReply health = client.get("/api/v1/health");
    ApiReply requests = client.get("/api/v1/requests?state=open");
    ApiReply devices = client.get("/api/v1/devices");
    ApiReply alerts = client.get("/api/v1/alerts");
    ApiReply content = client.get("/api/v1/content");
    ApiReply activities = client.get("/api/v1/activities");
    std::string role;
    {
        std::lock_guard<std::mutex> guard(mutex_);
        role = snapshot_.role;
    }
    ApiReply users = role == "admin" ? client.get("/api/v1/users") : ApiReply{};
    std::string png;
    ApiReply screenshot;
    bool want_thumbnail = options_.thumbnails &&
                          std::chrono::steady_clock::now() - last_thumbnail_ >= options_.thumbnail_interval;
    if (want_thumbnail) {
        screenshot = client.get_raw("/api/v1/screenshot", &png);
        last_thumbnail_ = std::chrono::steady_clock::now();
    }

    std::lock_guard<std::mutex> guard(mutex_);
    if (requests.status == 401) token_.clear();  // expired: log in again next round
    snapshot_.online = health.ok();
    if (health.ok()) {
        snapshot_.station_name = health.body.value("/station/name"_json_pointer, std::string());
        snapshot_.station_id = health.body.value("/station/id"_json_pointer, std::string());
        snapshot_.demo = health.body.value("demo", false);
    }
    snapshot_.error = !health.ok()     ? "离线 offline: " + health.error
                      : !requests.ok() ? "呼叫 requests: " + requests.error
                                       : "";
    if (requests.ok()) {
        std::map<int64_t, nlohmann::json> open;
        for (const auto& r : requests.body.value("requests", nlohmann::json::array()))
            open[r.value("id", int64_t(0))] = r;
        snapshot_.open_requests = std::move(open);
    }
    if (devices.ok()) snapshot_.devices = devices.body.value("devices", nlohmann::json::array());
    snapshot_.alerts_available = alerts.ok();
    if (alerts.ok()) snapshot_.alerts = alerts.body.value("alerts", nlohmann::json::array());
    if (users.ok()) snapshot_.users = users.body.value("users", nlohmann::json::array());
    if (content.ok()) snapshot_.content = content.body;
    snapshot_.activities_available = activities.ok();
    if (activities.ok()) snapshot_.activities = activities.body.value("activities", nlohmann::json::array());
    if (want_thumbnail) {
        if (screenshot.ok()) {
            snapshot_.thumbnail_png = std::move(png);
            snapshot_.thumbnail_error.clear();
            ++snapshot_.thumbnail_version;
        } else {
            snapshot_.thumbnail_error = screenshot.error;
        }
    }
    if (health.ok() && requests.ok()) snapshot_.loaded = true;
}

void KioskLink::worker_loop() {
    ApiClient client(options_.url);
    client.set_pinned_certificate(options_.pinned_certificate);
    for (;;) {
        {
            std::lock_guard<std::mutex> guard(mutex_);
            if (stopping_) return;
            poll_now_ = false;
        }
        if (ensure_login(client)) {
            // Actions first: a click never waits behind a poll.
            for (;;) {
                std::pair<std::string, std::function<ApiReply(ApiClient&)>> action;
                {
                    std::lock_guard<std::mutex> guard(mutex_);
                    if (actions_.empty() || stopping_) break;
                    action = std::move(actions_.front());
                    actions_.pop_front();
                }
                ApiReply reply = action.second(client);
                {
                    std::lock_guard<std::mutex> guard(mutex_);
                    snapshot_.action_failed = !reply.ok();
                    snapshot_.action_message =
                        reply.ok() ? action.first : action.first + " 失败: " + reply.error;
                    if (reply.ok() && reply.body.is_object() && reply.body.contains("ticket") &&
                        reply.body.contains("id")) {
                        int64_t id = reply.body["id"].get<int64_t>();
                        if (reply.body.value("open", true))
                            snapshot_.open_requests[id] = reply.body;
                        else
                            snapshot_.open_requests.erase(id);
                    }
                }
                notify();
            }
            poll(client);
        }
        notify();
        bool pushing = false;
        {
            std::lock_guard<std::mutex> guard(mutex_);
            pushing = snapshot_.content.is_object() && snapshot_.content.contains("push");
        }
        // A push's progress moves by the second; the rest of the picture can wait the usual interval.
        if (wait_stop(pushing ? std::min(options_.push_poll_interval, options_.poll_interval) : options_.poll_interval))
            return;
    }
}

void KioskLink::apply_event(int64_t id, const std::string& type, const nlohmann::json& data) {
    nlohmann::json request = data.value("request", nlohmann::json());
    {
        std::lock_guard<std::mutex> guard(mutex_);
        snapshot_.last_event_id = std::max(snapshot_.last_event_id, id);
        ++snapshot_.events_seen;
        if (request.is_object() && request.contains("id")) {
            int64_t request_id = request["id"].get<int64_t>();
            if (request.value("open", true))
                snapshot_.open_requests[request_id] = request;
            else
                snapshot_.open_requests.erase(request_id);
        }
        snapshot_.recent.push_back(event_words(type, request, data));
        if (snapshot_.recent.size() > kRecentEvents) snapshot_.recent.erase(snapshot_.recent.begin());
    }
    if (options_.on_event) options_.on_event(type, request);
}

void KioskLink::stream_loop() {
    for (;;) {
        std::string token;
        int64_t resume_after = 0;
        bool resuming = false;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            changed_.wait(lock, [this] { return stopping_ || !token_.empty(); });
            if (stopping_) return;
            token = token_;
            resuming = snapshot_.stream_connects > 0;
            resume_after = snapshot_.last_event_id;
        }
        httplib::Client client(options_.url);
        TlsCheck tls_check{options_.pinned_certificate, ""};
        apply_tls_check(client, tls_check);  // the event stream is pinned like every other call
        client.set_connection_timeout(3, 0);
        client.set_read_timeout(60, 0);  // the kiosk sends a keep-alive comment every 15 s
        httplib::Headers headers = {{"Authorization", "Bearer " + token}};
        if (resuming) headers.emplace("Last-Event-ID", std::to_string(resume_after));
        {
            std::lock_guard<std::mutex> guard(mutex_);
            if (stopping_) return;
            stream_client_ = &client;
        }
        std::string buffer;
        bool greeted = false;
        auto result = client.Get(
            "/api/v1/events", headers,
            [&](const httplib::Response& response) {
                if (response.status == 401) {
                    std::lock_guard<std::mutex> guard(mutex_);
                    token_.clear();  // the worker logs in again
                }
                return response.status == 200;
            },
            [&](const char* data, size_t length) {
                buffer.append(data, length);
                for (size_t end; (end = buffer.find("\n\n")) != std::string::npos;) {
                    std::string frame = buffer.substr(0, end);
                    buffer.erase(0, end + 2);
                    int64_t id = 0;
                    std::string type, payload;
                    size_t at = 0;
                    while (at < frame.size()) {
                        size_t eol = frame.find('\n', at);
                        std::string line =
                            frame.substr(at, eol == std::string::npos ? std::string::npos : eol - at);
                        at = eol == std::string::npos ? frame.size() : eol + 1;
                        if (line.rfind("id: ", 0) == 0) id = parse_number(line.substr(4)).value_or(0);
                        if (line.rfind("event: ", 0) == 0) type = line.substr(7);
                        if (line.rfind("data: ", 0) == 0) payload += line.substr(6);
                        // The greeting names where the stream starts; a fresh console then loads the
                        // list, so an event between the two is never lost.
                        if (line.rfind(": events after ", 0) == 0 && !greeted) {
                            greeted = true;
                            int64_t start = parse_number(line.substr(15)).value_or(0);
                            {
                                std::lock_guard<std::mutex> guard(mutex_);
                                snapshot_.stream_open = true;
                                ++snapshot_.stream_connects;
                                snapshot_.last_event_id = std::max(snapshot_.last_event_id, start);
                                poll_now_ = true;
                            }
                            notify();
                        }
                    }
                    if (id > 0 && !payload.empty()) {
                        auto json = nlohmann::json::parse(payload, nullptr, false);
                        if (!json.is_discarded()) apply_event(id, type, json);
                        notify();
                    }
                }
                std::lock_guard<std::mutex> guard(mutex_);
                return !stopping_;
            });
        {
            std::lock_guard<std::mutex> guard(mutex_);
            stream_client_ = nullptr;
            snapshot_.stream_open = false;
            if (stopping_) return;
        }
        notify();
        (void)result;
        std::unique_lock<std::mutex> lock(mutex_);
        if (changed_.wait_for(lock, options_.reconnect_delay, [this] { return stopping_; })) return;
    }
}

}  // namespace station::admin
