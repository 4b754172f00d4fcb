// The HTTP API's help-request contract: login and the auth matrix, bad input, the event stream
// resuming with Last-Event-ID (also across a restart), loopback by default, and a stop() that
// does not hang on open streams.
#include <doctest/doctest.h>
#include <httplib.h>

#include <functional>
#include <memory>
#include <thread>

#include "kiosk/api/api_server.h"
#include "kiosk/core/help_desk.h"
#include "kiosk/core/station.h"
#include "api_kiosk.h"

using namespace std::chrono_literals;

namespace {

struct SseEvent {
    int64_t id = 0;
    std::string type;
    nlohmann::json data;
};

struct Fixture : station::test::ApiKiosk {
    explicit Fixture(bool with_accounts = true) : ApiKiosk(/*demo=*/true, with_accounts) {}
    int64_t new_request(const std::string& token) {
        auto r = post("/api/v1/requests", token, R"({"category":"medical","source":"screen"})");
        REQUIRE(r);
        REQUIRE(r->status == 201);
        return nlohmann::json::parse(r->body)["id"];
    }

    // Reads the event stream until `want` events came (or 10 s of silence). `on_open` runs once the
    // stream is established, e.g. to make a change that must then arrive.
    std::vector<SseEvent> read_events(const std::string& token, std::optional<int64_t> last_event_id,
                                      size_t want, const std::function<void()>& on_open = {}) {
        httplib::Headers headers = {{"Authorization", "Bearer " + token}};
        if (last_event_id) headers.emplace("Last-Event-ID", std::to_string(*last_event_id));
        std::vector<SseEvent> events;
        std::string buffer;
        bool opened = false;
        auto c = client();
        c.Get("/api/v1/events", headers, [&](const char* data, size_t length) {
            buffer.append(data, length);
            for (size_t end; (end = buffer.find("\n\n")) != std::string::npos;) {
                std::string frame = buffer.substr(0, end);
                buffer.erase(0, end + 2);
                SseEvent event;
                bool has_data = false;
                size_t at = 0;
                while (at < frame.size()) {
                    size_t eol = frame.find('\n', at);
                    std::string line =
                        frame.substr(at, eol == std::string::npos ? std::string::npos : eol - at);
                    at = eol == std::string::npos ? frame.size() : eol + 1;
                    if (line.rfind("id: ", 0) == 0) event.id = std::stoll(line.substr(4));
                    if (line.rfind("event: ", 0) == 0) event.type = line.substr(7);
                    if (line.rfind("data: ", 0) == 0) {
                        event.data = nlohmann::json::parse(line.substr(6));
                        has_data = true;
                    }
                }
                if (!opened) {
                    opened = true;
                    if (on_open) on_open();
                }
                if (has_data) events.push_back(event);
            }
            return events.size() < want;
        });
        return events;
    }
};

}  // namespace

TEST_CASE("login gives a token and a role, a wrong PIN gets 401 and five lock the name") {
    Fixture f(false);
    auto ok = f.client().Post("/api/v1/login", R"({"user":"demo","pin":"2468"})", "application/json");
    REQUIRE(ok);
    CHECK(ok->status == 200);
    auto body = nlohmann::json::parse(ok->body);
    CHECK(body["role"] == "admin");
    CHECK(body["token"].get<std::string>().size() == 64);
    {
        auto lock = f.station->db().lock();  // stored hashed, never as given
        SQLite::Statement q(f.station->db().sql(), "SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?");
        q.bind(1, body["token"].get<std::string>());
        q.executeStep();
        CHECK(q.getColumn(0).getInt() == 0);
    }
    for (int i = 0; i < 5; ++i) {
        auto wrong = f.client().Post("/api/v1/login", R"({"user":"demo","pin":"0000"})", "application/json");
        REQUIRE(wrong);
        CHECK(wrong->status == 401);
    }
    auto locked = f.client().Post("/api/v1/login", R"({"user":"demo","pin":"2468"})", "application/json");
    REQUIRE(locked);
    CHECK(locked->status == 429);
    auto malformed = f.client().Post("/api/v1/login", R"({"user":"demo")", "application/json");
    REQUIRE(malformed);
    CHECK(malformed->status == 400);
}

TEST_CASE("the auth matrix: 401 without a valid token, 403 for the wrong role") {
    Fixture f;
    std::map<std::string, std::string> tokens = {{"none", ""},
                                                 {"forged", std::string(64, 'a')},
                                                 {"staff", f.login("wang", "1357")},
                                                 {"editor", f.login("li", "2468")},
                                                 {"admin", f.login("demo", "2468")},
                                                 {"device", f.login("kiosk1", "9090")}};
    struct Route {
        const char* method;
        std::string path;
        std::set<std::string> allowed;
    };
    int64_t id = f.new_request(tokens["staff"]);
    std::string one = "/api/v1/requests/" + std::to_string(id);
    const std::vector<Route> routes = {
        {"POST", "/api/v1/requests", {"staff", "admin", "device"}},
        {"GET", "/api/v1/requests", {"staff", "admin", "device"}},
        {"GET", one, {"staff", "admin", "device"}},
        {"POST", one + "/acknowledge", {"staff", "admin"}},
        {"POST", one + "/arrive", {"staff", "admin"}},
        {"POST", one + "/resolve", {"staff", "admin"}},
        {"POST", one + "/cancel", {"staff", "admin", "device"}},
        {"GET", "/api/v1/events", {}},  // allowed roles stream forever: tested separately
    };
    for (const auto& route : routes) {
        for (const auto& [who, token] : tokens) {
            CAPTURE(route.method);
            CAPTURE(route.path);
            CAPTURE(who);
            if (route.path == "/api/v1/events" && (who == "staff" || who == "admin" || who == "device"))
                continue;
            auto r = std::string(route.method) == "GET" ? f.get(route.path, token)
                                                        : f.post(route.path, token, "{}");
            REQUIRE(r);
            if (who == "none" || who == "forged") {
                CHECK(r->status == 401);
                CHECK(r->get_header_value("WWW-Authenticate") == "Bearer");
            } else if (route.allowed.count(who)) {
                CHECK(r->status != 401);
                CHECK(r->status != 403);
            } else {
                CHECK(r->status == 403);
                CHECK(nlohmann::json::parse(r->body)["error"].get<std::string>().find("role") == 0);
            }
        }
    }
    CHECK(f.get("/api/v1/health", "")->status == 200);
}

TEST_CASE("a token expires") {
    Fixture f(false);
    std::string token = f.login("demo", "2468");
    CHECK(f.get("/api/v1/requests", token)->status == 200);
    f.clock->advance(13h);
    CHECK(f.get("/api/v1/requests", token)->status == 401);
}

TEST_CASE("a help request through the API: create, list, acknowledge, arrive, resolve") {
    Fixture f;
    std::string staff = f.login("wang", "1357");
    std::string device = f.login("kiosk1", "9090");
    auto created = f.post("/api/v1/requests", device, R"({"category":"meal","source":"button"})");
    REQUIRE(created);
    CHECK(created->status == 201);
    auto request = nlohmann::json::parse(created->body);
    for (const char* field : {"id", "ticket", "state", "category", "created_at", "escalation"})
        CHECK_MESSAGE(request.contains(field), field);
    CHECK(request["ticket"] == "A001");
    CHECK(request["state"] == "called");
    CHECK(request["category"] == "meal");
    CHECK(request["escalation"]["level"] == 0);
    std::string path = "/api/v1/requests/" + std::to_string(request["id"].get<int64_t>());

    auto open = nlohmann::json::parse(f.get("/api/v1/requests?state=open", staff)->body);
    REQUIRE(open["requests"].size() == 1);
    CHECK(nlohmann::json::parse(f.get("/api/v1/requests?state=closed", staff)->body)["requests"].empty());

    auto acked = f.post(path + "/acknowledge", staff);
    REQUIRE(acked);
    CHECK(acked->status == 200);
    CHECK(nlohmann::json::parse(acked->body)["status_text"] == "王老师正在赶来");
    CHECK(f.post(path + "/arrive", staff)->status == 200);
    auto resolved = f.post(path + "/resolve", staff, R"({"note":"已联系家属"})");
    REQUIRE(resolved);
    CHECK(resolved->status == 200);
    CHECK(nlohmann::json::parse(resolved->body)["state"] == "resolved");
    CHECK(nlohmann::json::parse(f.get("/api/v1/requests?state=closed", staff)->body)["requests"].size() == 1);
    CHECK(nlohmann::json::parse(f.get("/api/v1/requests?state=all", staff)->body)["requests"].size() == 1);
    CHECK(nlohmann::json::parse(f.get(path, device)->body)["state"] == "resolved");
}

TEST_CASE("bad input gets a 4xx naming the field or state, and nothing changes") {
    Fixture f;
    std::string staff = f.login("wang", "1357");
    int64_t id = f.new_request(staff);
    std::string path = "/api/v1/requests/" + std::to_string(id);
    REQUIRE(f.post(path + "/cancel", staff, R"({"reason":"家属已到"})")->status == 200);
    int64_t events_before = f.station->help_desk().last_event_id();
    auto count_before = f.station->help_desk().counts().total;

    struct Case {
        std::string method, path, body;
        int status;
        std::string error_starts;
    };
    const std::vector<Case> cases = {
        {"POST", "/api/v1/requests", R"({"category":"medical",)", 400, "body"},
        {"POST", "/api/v1/requests", R"(["medical"])", 400, "body"},
        {"POST", "/api/v1/requests", R"({"category":"haircut"})", 400, "category"},
        {"POST", "/api/v1/requests", R"({"category":7})", 400, "category"},
        {"POST", "/api/v1/requests", R"({"source":"fax"})", 400, "source"},
        {"POST", "/api/v1/requests", R"({"colour":"red"})", 400, "colour"},
        {"POST", path + "/resolve", "{}", 409, "state"},
        {"POST", path + "/acknowledge", "{}", 409, "state"},
        {"POST", "/api/v1/requests/999/acknowledge", "{}", 404, "id"},
        {"POST", "/api/v1/requests/abc/arrive", "{}", 404, "id"},
        {"GET", "/api/v1/requests/999", "", 404, "id"},
        {"GET", "/api/v1/requests?state=pending", "", 400, "state"},
        {"POST", path + "/resolve", R"({"note":5})", 400, "note"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.path);
        CAPTURE(c.body);
        auto r = c.method == "GET" ? f.get(c.path, staff) : f.post(c.path, staff, c.body);
        REQUIRE(r);
        CHECK(r->status == c.status);
        auto body = nlohmann::json::parse(r->body, nullptr, false);
        REQUIRE(body.is_object());
        CHECK(body["error"].get<std::string>().find(c.error_starts) == 0);
    }
    auto illegal = nlohmann::json::parse(f.post(path + "/resolve", staff)->body);
    CHECK(illegal["error"].get<std::string>().find("cancelled") != std::string::npos);
    CHECK(f.station->help_desk().last_event_id() == events_before);
    CHECK(f.station->help_desk().counts().total == count_before);
}

TEST_CASE("the event stream carries each change with an id and resumes with Last-Event-ID") {
    Fixture f;
    std::string staff = f.login("wang", "1357");
    int64_t first = f.new_request(staff);
    f.new_request(staff);

    // Live: a change made while the stream is open arrives on it.
    int64_t third = 0;
    auto live = f.read_events(staff, std::nullopt, 1, [&] { third = f.new_request(staff); });
    REQUIRE(live.size() == 1);
    CHECK(live[0].type == "help.called");
    CHECK(live[0].data["request"]["id"] == third);
    CHECK(live[0].id == 3);

    // Everything since the beginning, in order, each once.
    auto all = f.read_events(staff, 0, 3);
    REQUIRE(all.size() == 3);
    for (size_t i = 0; i < all.size(); ++i) CHECK(all[i].id == int64_t(i + 1));

    // Changes while disconnected are replayed after the last id seen, and nothing before it.
    REQUIRE(f.post("/api/v1/requests/" + std::to_string(first) + "/acknowledge", staff)->status == 200);
    REQUIRE(f.post("/api/v1/requests/" + std::to_string(first) + "/arrive", staff)->status == 200);
    auto resumed = f.read_events(staff, 3, 2);
    REQUIRE(resumed.size() == 2);
    CHECK(resumed[0].id == 4);
    CHECK(resumed[0].type == "help.acknowledged");
    CHECK(resumed[0].data["text"] == "王老师正在赶来");
    CHECK(resumed[1].id == 5);
    CHECK(resumed[1].type == "help.arrived");

    // And across a restart of the station: the journal is in SQLite.
    f.open();
    staff = f.login("wang", "1357");
    auto after_restart = f.read_events(staff, 4, 1);
    REQUIRE(after_restart.size() == 1);
    CHECK(after_restart[0].id == 5);

    auto bad =
        f.client().Get("/api/v1/events", {{"Authorization", "Bearer " + staff}, {"Last-Event-ID", "x"}});
    REQUIRE(bad);
    CHECK(bad->status == 400);
}

TEST_CASE("stop() returns while consoles hold the event stream open") {
    Fixture f(false);
    std::string token = f.login("demo", "2468");
    std::atomic<int> connected{0};
    std::vector<std::thread> consoles;
    for (int i = 0; i < 3; ++i)
        consoles.emplace_back([&] {
            httplib::Client c("127.0.0.1", f.api->port());
            c.set_read_timeout(60, 0);
            c.Get("/api/v1/events", {{"Authorization", "Bearer " + token}}, [&](const char*, size_t) {
                ++connected;
                return true;
            });
        });
    for (int i = 0; i < 1000 && connected < 3; ++i) std::this_thread::sleep_for(10ms);
    CHECK(connected >= 3);
    f.api->stop();  // would hang here (until the suite's timeout) if a stream held its worker
    for (auto& t : consoles) t.join();
    CHECK(true);
}

TEST_CASE("the API listens on loopback unless the config opts in to the LAN") {
    station::test::TempDir dir;
    station::StationOptions options;
    options.data_dir = dir.path();
    auto opened = station::Station::open(options);
    REQUIRE(opened.ok());
    station::api::ApiServer api(**opened);
    auto refused = api.start("0.0.0.0:0");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.find("allow_lan") != std::string::npos);
    CHECK(station::api::is_loopback_host("127.0.0.1"));
    CHECK(station::api::is_loopback_host("::1"));
    CHECK_FALSE(station::api::is_loopback_host("192.168.1.20"));
}
