// Signage over the API (issue 5): emergency notices (POST/GET/DELETE /api/v1/alerts) with the
// auth matrix, bad bodies, expiry, audit and bus events; proof of play with `since` as ms or ISO
// 8601; and the pure rules (alert_on_screen, parse_time_param) with a manual clock.
#include <doctest/doctest.h>
#include <httplib.h>

#include <memory>

#include "kiosk/api/api_server.h"
#include "kiosk/core/signage.h"
#include "kiosk/core/station.h"
#include "api_kiosk.h"

using namespace std::chrono_literals;
using station::Alert;

namespace {

struct Fixture : station::test::ApiKiosk {
    std::vector<station::Event> events;
    std::mutex events_mutex;

    Fixture() {
        station->events().subscribe([this](const station::Event& event) {
            std::lock_guard lock(events_mutex);
            if (event.type.rfind("alert.", 0) == 0) events.push_back(event);
        });
    }
};

nlohmann::json body_of(const httplib::Result& r) {
    return nlohmann::json::parse(r->body);
}

}  // namespace

TEST_CASE(
    "POST /api/v1/alerts creates a banner by default for 60 minutes; GET lists it; DELETE withdraws it") {
    Fixture f;
    std::string token = f.login("wang", "1357");
    int64_t now = f.clock->now_ms();
    auto created = f.post("/api/v1/alerts", token, R"({"text":"今晚八点起停水，请提前储水。"})");
    REQUIRE(created);
    REQUIRE(created->status == 201);
    auto alert = body_of(created);
    CHECK(alert["text"] == "今晚八点起停水，请提前储水。");
    CHECK(alert["title"] == "");
    CHECK(alert["mode"] == "banner");
    CHECK(alert["created_at"] == now);
    CHECK(alert["expires_at"] == now + 60 * 60'000);
    int64_t id = alert["id"];

    auto listed = f.get("/api/v1/alerts", token);
    REQUIRE(listed);
    REQUIRE(listed->status == 200);
    REQUIRE(body_of(listed)["alerts"].size() == 1);
    CHECK(body_of(listed)["alerts"][0]["id"] == id);

    auto withdrawn = f.del("/api/v1/alerts/" + std::to_string(id), token);
    REQUIRE(withdrawn);
    CHECK(withdrawn->status == 200);
    CHECK(body_of(withdrawn) == nlohmann::json{{"id", id}, {"withdrawn", true}});
    CHECK(body_of(f.get("/api/v1/alerts", token))["alerts"].empty());
    // Withdrawing again changes nothing and says the same; an unknown id is a 404.
    CHECK(f.del("/api/v1/alerts/" + std::to_string(id), token)->status == 200);
    CHECK(f.del("/api/v1/alerts/999", token)->status == 404);
    CHECK(f.del("/api/v1/alerts/abc", token)->status == 404);

    // Published on the bus for every screen, and audited.
    {
        std::lock_guard lock(f.events_mutex);
        REQUIRE(f.events.size() == 2);
        CHECK(f.events[0].type == "alert.created");
        CHECK(f.events[0].data["id"] == id);
        CHECK(f.events[1].type == "alert.withdrawn");
    }
    auto audit_lock = f.station->db().lock();
    SQLite::Statement audit(f.station->db().sql(),
                            "SELECT action, actor FROM audit_log WHERE action LIKE 'alert.%' ORDER BY id");
    REQUIRE(audit.executeStep());
    CHECK(audit.getColumn(0).getString() == "alert.create");
    CHECK(audit.getColumn(1).getString() == "wang");
    REQUIRE(audit.executeStep());
    CHECK(audit.getColumn(0).getString() == "alert.withdraw");
    CHECK_FALSE(audit.executeStep());
}

TEST_CASE("a full-screen alert with title and minutes expires on time and leaves the list") {
    Fixture f;
    std::string token = f.login("li", "2468");  // editors may send alerts too
    auto created =
        f.post("/api/v1/alerts", token,
               R"({"text":"台风橙色预警，请勿外出。","title":"台风预警","mode":"fullscreen","minutes":5})");
    REQUIRE(created);
    REQUIRE(created->status == 201);
    CHECK(body_of(created)["mode"] == "fullscreen");
    CHECK(body_of(created)["title"] == "台风预警");
    f.clock->advance(std::chrono::minutes(4));
    CHECK(body_of(f.get("/api/v1/alerts", token))["alerts"].size() == 1);
    f.clock->advance(std::chrono::minutes(1));
    CHECK(body_of(f.get("/api/v1/alerts", token))["alerts"].empty());
}

TEST_CASE(
    "alerts: 401 without a token, 403 for a device; bad bodies are 400 naming the field and save nothing") {
    Fixture f;
    CHECK(f.post("/api/v1/alerts", "", R"({"text":"x"})")->status == 401);
    CHECK(f.get("/api/v1/alerts", "")->status == 401);
    CHECK(f.del("/api/v1/alerts/1", "")->status == 401);
    std::string device = f.login("kiosk1", "9090");
    CHECK(f.post("/api/v1/alerts", device, R"({"text":"x"})")->status == 403);
    CHECK(f.get("/api/v1/alerts", device)->status == 403);
    CHECK(f.get("/api/v1/proof-of-play", device)->status == 403);

    std::string admin = f.login("demo", "2468");
    struct Bad {
        const char* body;
        const char* error_starts;
    };
    for (const Bad& bad :
         {Bad{R"({})", "text: required"}, Bad{R"({"text":""})", "text: must not be empty"},
          Bad{R"({"text":5})", "text: expected a string"},
          Bad{R"({"text":"x","mode":"popup"})", "mode: expected"},
          Bad{R"({"text":"x","minutes":0})", "minutes: must be between 1 and 10080"},
          Bad{R"({"text":"x","minutes":"ten"})", "minutes: expected a whole number"},
          Bad{R"({"text":"x","minutes":1.5})", "minutes: expected a whole number"},
          Bad{R"({"text":"x","colour":"red"})", "colour: unknown field"},
          Bad{R"({"text":"x","title":["a"]})", "title: expected a string"},
          Bad{R"(["text"])", "body: expected a JSON object"}, Bad{R"({"text":)", "body: malformed JSON"}}) {
        CAPTURE(bad.body);
        auto r = f.post("/api/v1/alerts", admin, bad.body);
        REQUIRE(r);
        CHECK(r->status == 400);
        CHECK(body_of(r)["error"].get<std::string>().rfind(bad.error_starts, 0) == 0);
    }
    CHECK(body_of(f.get("/api/v1/alerts", admin))["alerts"].empty());
    std::lock_guard lock(f.events_mutex);
    CHECK(f.events.empty());
}

TEST_CASE("proof of play: plays since a time in ms or ISO 8601, a bad time is a 400 naming it") {
    Fixture f;
    station::SignageRecords records(*f.station);
    int64_t t0 = f.clock->now_ms();
    records.record_play({"clip", "main", t0, 12'000, 3, "played"});
    records.record_play({"poster", "main", t0 + 12'000, 10'000, 3, "played"});
    records.record_play({"tick1", "ticker", t0 + 60'000, 8'000, 3, "played"});
    std::string token = f.login("wang", "1357");

    auto all = f.get("/api/v1/proof-of-play?since=0", token);
    REQUIRE(all);
    REQUIRE(all->status == 200);
    auto plays = body_of(all)["plays"];
    REQUIRE(plays.size() == 3);
    CHECK(plays[0]["item"] == "clip");
    CHECK(plays[0]["zone"] == "main");
    CHECK(plays[0]["started_at"] == t0);
    CHECK(plays[0]["duration_ms"] == 12'000);

    auto later = f.get("/api/v1/proof-of-play?since=" + std::to_string(t0 + 1), token);
    REQUIRE(later);
    CHECK(body_of(later)["plays"].size() == 2);

    // ISO 8601 with an offset names the same instant as the ms value.
    std::time_t seconds = std::time_t((t0 + 30'000) / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char iso[40];
    std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &utc);
    auto by_iso = f.get(std::string("/api/v1/proof-of-play?since=") + iso, token);
    REQUIRE(by_iso);
    CHECK(by_iso->status == 200);
    CHECK(body_of(by_iso)["plays"].size() == 1);

    for (const char* bad : {"yesterday", "2026-13-01T00:00", "2026-02-31T08:00", "-5", "12ab"}) {
        CAPTURE(bad);
        auto r = f.get(std::string("/api/v1/proof-of-play?since=") + bad, token);
        REQUIRE(r);
        CHECK(r->status == 400);
        CHECK(body_of(r)["error"].get<std::string>().find(std::string("'") + bad + "'") != std::string::npos);
    }
    CHECK(f.get("/api/v1/proof-of-play", "")->status == 401);
}

TEST_CASE("alert_on_screen: full screen preempts banners, the newest wins, expiry and withdrawal end it") {
    auto alert = [](int64_t id, const char* mode, int64_t created, int64_t expires) {
        Alert a;
        a.id = id;
        a.mode = mode;
        a.text = "t";
        a.created_at_ms = created;
        a.expires_at_ms = expires;
        return a;
    };
    std::vector<Alert> alerts = {alert(1, "banner", 1000, 10'000), alert(2, "banner", 2000, 5'000)};
    CHECK_FALSE(station::alert_on_screen(alerts, 500).has_value());  // none created yet
    CHECK(station::alert_on_screen(alerts, 1500)->id == 1);
    CHECK(station::alert_on_screen(alerts, 2500)->id == 2);  // the newest banner
    CHECK(station::alert_on_screen(alerts, 5000)->id == 1);  // 2 expired at 5000
    alerts.push_back(alert(3, "fullscreen", 3000, 8'000));
    CHECK(station::alert_on_screen(alerts, 3000)->id == 3);  // preempts the newer... banners
    alerts.push_back(alert(4, "banner", 4000, 9'000));
    CHECK(station::alert_on_screen(alerts, 4500)->id == 3);  // still: full screen beats a newer banner
    alerts[2].withdrawn_at_ms = 6000;
    CHECK(station::alert_on_screen(alerts, 6000)->id == 4);
    CHECK(station::alert_on_screen(alerts, 9000)->id == 1);
    CHECK_FALSE(station::alert_on_screen(alerts, 10'000).has_value());
}

TEST_CASE("parse_time_param reads ms and ISO 8601 (local, Z, offsets) and names a bad value") {
    CHECK(*station::parse_time_param("0") == 0);
    CHECK(*station::parse_time_param("1790000000000") == 1'790'000'000'000);
    CHECK(*station::parse_time_param("2026-11-25T08:00:00Z") == 1'795'593'600'000);
    CHECK(*station::parse_time_param("2026-11-25T16:00:00+08:00") == 1'795'593'600'000);
    CHECK(*station::parse_time_param("2026-11-25T16:00+0800") == 1'795'593'600'000);
    CHECK(station::parse_time_param("2026-11-25T08:00").ok());  // the station's local time
    auto bad = station::parse_time_param("25/11/2026");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find("'25/11/2026'") != std::string::npos);
}
