// The API of the elderly-first screens' data: activities, their sign-ups and residents'
// suggestions; who may call what, and bad bodies that change nothing.
#include <doctest/doctest.h>
#include <httplib.h>

#include <memory>

#include "kiosk/api/api_server.h"
#include "kiosk/core/activities.h"
#include "kiosk/core/feedback.h"
#include "kiosk/core/station.h"
#include "api_kiosk.h"

namespace {

struct Fixture : station::test::ApiKiosk {
    Fixture() : ApiKiosk(/*demo=*/false) {}
    nlohmann::json activity_body() {
        int64_t start = clock->now_ms() + 86'400'000;
        return {{"title", "社区义诊"},
                {"place", "党群服务站一楼大厅"},
                {"starts_at", start},
                {"ends_at", start + 7'200'000},
                {"capacity", 40},
                {"min_signups", 5},
                {"description", "测血压、血糖"}};
    }
    int64_t count(const std::string& sql) {
        auto lock = station->db().lock();
        return station->db().sql().execAndGet(sql).getInt64();
    }
};

}  // namespace

TEST_CASE("api activities: staff create one (201) and everyone signed in lists it") {
    Fixture f;
    auto staff = f.login("wang", "1357");
    auto r = f.post("/api/v1/activities", staff, f.activity_body().dump());
    REQUIRE(r);
    REQUIRE(r->status == 201);
    auto created = nlohmann::json::parse(r->body);
    CHECK(created["title"] == "社区义诊");
    CHECK(created["signups"] == 0);
    CHECK(created["min_signups"] == 5);

    for (auto [user, pin] :
         {std::pair{"wang", "1357"}, {"li", "2468"}, {"root", "8642"}, {"kiosk1", "9090"}}) {
        auto listed = f.get("/api/v1/activities", f.login(user, pin));
        REQUIRE(listed);
        CHECK(listed->status == 200);
        auto body = nlohmann::json::parse(listed->body);
        REQUIRE(body["activities"].size() == 1);
        const auto& a = body["activities"][0];
        for (const char* field : {"id", "title", "description", "place", "starts_at", "ends_at", "capacity",
                                  "min_signups", "signups"})
            CHECK_MESSAGE(a.contains(field), field);
    }
    auto anonymous = f.get("/api/v1/activities", "");
    REQUIRE(anonymous);
    CHECK(anonymous->status == 401);
}

TEST_CASE("api activities: who may create - and bad bodies name the field and store nothing") {
    Fixture f;
    auto device = f.login("kiosk1", "9090");
    auto r = f.post("/api/v1/activities", device, f.activity_body().dump());
    REQUIRE(r);
    CHECK(r->status == 403);
    r = f.post("/api/v1/activities", "", f.activity_body().dump());
    CHECK(r->status == 401);

    auto editor = f.login("li", "2468");
    struct Case {
        std::function<void(nlohmann::json&)> spoil;
        const char* field;
    };
    std::vector<Case> cases = {
        {[](nlohmann::json& b) { b.erase("title"); }, "title"},
        {[](nlohmann::json& b) { b["title"] = 5; }, "title"},
        {[](nlohmann::json& b) { b["place"] = ""; }, "place"},
        {[](nlohmann::json& b) { b["starts_at"] = "明天"; }, "starts_at"},
        {[](nlohmann::json& b) { b["ends_at"] = b["starts_at"]; }, "ends_at"},
        {[](nlohmann::json& b) { b["capacity"] = 0; }, "capacity"},
        {[](nlohmann::json& b) { b["min_signups"] = 41; }, "min_signups"},
        {[](nlohmann::json& b) { b["colour"] = "red"; }, "colour"},
    };
    for (const auto& c : cases) {
        auto body = f.activity_body();
        c.spoil(body);
        auto bad = f.post("/api/v1/activities", editor, body.dump());
        REQUIRE(bad);
        CHECK(bad->status == 400);
        CHECK_MESSAGE(bad->body.find(c.field) != std::string::npos, bad->body);
    }
    auto not_json = f.post("/api/v1/activities", editor, "{title:");
    CHECK(not_json->status == 400);
    CHECK(f.count("SELECT COUNT(*) FROM activities") == 0);
}

TEST_CASE("api sign-ups: masked numbers for staff and admin only") {
    Fixture f;
    auto staff = f.login("wang", "1357");
    auto r = f.post("/api/v1/activities", staff, f.activity_body().dump());
    int64_t id = nlohmann::json::parse(r->body)["id"];
    auto salt = station::resident_id_salt(f.station->db());
    REQUIRE(station::Activities(*f.station)
                .sign_up(id, station::resident_key(salt, "310101195001011234"), "idcard")
                .ok());

    auto listed = f.get("/api/v1/activities/" + std::to_string(id) + "/signups", staff);
    REQUIRE(listed);
    REQUIRE(listed->status == 200);
    auto body = nlohmann::json::parse(listed->body);
    REQUIRE(body["signups"].size() == 1);
    CHECK(body["signups"][0]["masked_id"] == "3101**********1234");
    CHECK(body["signups"][0]["via"] == "idcard");
    CHECK(body["signups"][0].contains("at"));
    CHECK(listed->body.find("310101195001011234") == std::string::npos);

    CHECK(f.get("/api/v1/activities/" + std::to_string(id) + "/signups", f.login("li", "2468"))->status ==
          403);
    CHECK(f.get("/api/v1/activities/" + std::to_string(id) + "/signups", f.login("kiosk1", "9090"))->status ==
          403);
    CHECK(f.get("/api/v1/activities/999/signups", staff)->status == 404);
    CHECK(f.get("/api/v1/activities/abc/signups", staff)->status == 404);
    auto activities = nlohmann::json::parse(f.get("/api/v1/activities", staff)->body);
    CHECK(activities["activities"][0]["signups"] == 1);
}

TEST_CASE("api suggestions: since filters - a bad since is a 400 - residents' words for staff") {
    Fixture f;
    station::Feedback feedback(*f.station);
    REQUIRE(feedback.suggest("environment", {"路灯不亮"}, false).ok());
    f.clock->advance(std::chrono::hours(1));
    int64_t since = f.clock->now_ms();
    REQUIRE(feedback.suggest("facilities", {"需要老花镜", "座椅不够"}, true).ok());

    auto staff = f.login("wang", "1357");
    auto all = nlohmann::json::parse(f.get("/api/v1/suggestions", staff)->body);
    CHECK(all["suggestions"].size() == 2);
    auto recent = f.get("/api/v1/suggestions?since=" + std::to_string(since), staff);
    REQUIRE(recent->status == 200);
    auto body = nlohmann::json::parse(recent->body);
    REQUIRE(body["suggestions"].size() == 1);
    const auto& s = body["suggestions"][0];
    CHECK(s["topic"] == "facilities");
    CHECK(s["phrases"] == nlohmann::json::array({"需要老花镜", "座椅不够"}));
    CHECK(s["contact_requested"] == true);
    CHECK(s["at"] == since);
    CHECK(s["id"].is_number());

    auto bad = f.get("/api/v1/suggestions?since=yesterday", staff);
    CHECK(bad->status == 400);
    CHECK(bad->body.find("since") != std::string::npos);
    CHECK(f.get("/api/v1/suggestions", f.login("kiosk1", "9090"))->status == 403);
    CHECK(f.get("/api/v1/suggestions", "")->status == 401);
}
