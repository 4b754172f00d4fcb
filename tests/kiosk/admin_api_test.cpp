// The API routes the staff console needs (issue 7): users (admin only), reports, the login
// lockout (5 wrong PINs → 15 minutes, per name and per address, saying nothing about accounts)
// and the audit trail of staff actions.
#include <doctest/doctest.h>
#include <httplib.h>

#include <memory>

#include "kiosk/api/api_server.h"
#include "kiosk/core/station.h"
#include "api_kiosk.h"

using namespace std::chrono_literals;

namespace {

struct Fixture : station::test::ApiKiosk {
    int64_t audit_count(const std::string& action) {
        auto lock = station->db().lock();
        SQLite::Statement q(station->db().sql(), "SELECT COUNT(*) FROM audit_log WHERE action = ?");
        q.bind(1, action);
        q.executeStep();
        return q.getColumn(0).getInt64();
    }
};

}  // namespace

TEST_CASE("users and reports: the auth matrix") {
    Fixture f;
    std::map<std::string, std::string> tokens = {{"none", ""},
                                                 {"staff", f.login("wang", "1357")},
                                                 {"editor", f.login("li", "2468")},
                                                 {"admin", f.login("demo", "2468")},
                                                 {"device", f.login("kiosk1", "9090")}};
    struct Row {
        std::string who;
        int users, reports;
    };
    for (const Row& row : {Row{"none", 401, 401}, Row{"staff", 403, 200}, Row{"editor", 403, 200},
                           Row{"admin", 200, 200}, Row{"device", 403, 403}}) {
        CAPTURE(row.who);
        auto users = f.get("/api/v1/users", tokens[row.who]);
        REQUIRE(users);
        CHECK(users->status == row.users);
        auto reports = f.get("/api/v1/reports?from=2026-11-01&to=2026-11-30", tokens[row.who]);
        REQUIRE(reports);
        CHECK(reports->status == row.reports);
        auto add = f.post("/api/v1/users", tokens[row.who],
                          R"({"user":"x)" + row.who + R"(","name":"X","role":"staff","pin":"1111"})");
        REQUIRE(add);
        CHECK(add->status == (row.users == 200 ? 201 : row.users));
        auto pin = f.post("/api/v1/users/wang/pin", tokens[row.who], R"({"pin":"1357"})");
        REQUIRE(pin);
        CHECK(pin->status == row.users);
    }
}

TEST_CASE("users: an admin adds staff and resets a PIN, bad input names the field and changes nothing") {
    Fixture f;
    std::string admin = f.login("demo", "2468");
    auto added =
        f.post("/api/v1/users", admin, R"({"user":"zhao","name":"赵阿姨","role":"staff","pin":"4321"})");
    REQUIRE(added);
    CHECK(added->status == 201);
    CHECK(nlohmann::json::parse(added->body)["name"] == "赵阿姨");
    f.login("zhao", "4321");
    CHECK(f.audit_count("users.add") == 1);

    auto list = f.get("/api/v1/users", admin);
    REQUIRE(list);
    auto users = nlohmann::json::parse(list->body)["users"];
    CHECK(users.size() == 5);
    CHECK(list->body.find("pin") == std::string::npos);  // never a PIN or its hash

    struct Bad {
        std::string body, field;
        int status;
    };
    for (const Bad& bad : {Bad{R"({"user":"zhao","name":"Z","role":"staff","pin":"4321"})", "user", 409},
                           Bad{R"({"user":"Bad Name","name":"Z","role":"staff","pin":"4321"})", "user", 400},
                           Bad{R"({"user":"qian","name":"Q","role":"boss","pin":"4321"})", "role", 400},
                           Bad{R"({"user":"qian","name":"Q","role":"staff","pin":"12"})", "pin", 400},
                           Bad{R"({"user":"qian","name":"Q","role":"staff"})", "pin", 400},
                           Bad{R"({"user":"qian","name":"Q","role":"staff","pin":"4321","x":1})", "x", 400},
                           Bad{R"({"user":"qian")", "body", 400}}) {
        CAPTURE(bad.body);
        auto r = f.post("/api/v1/users", admin, bad.body);
        REQUIRE(r);
        CHECK(r->status == bad.status);
        CHECK(nlohmann::json::parse(r->body)["error"].get<std::string>().rfind(bad.field, 0) == 0);
    }
    CHECK(nlohmann::json::parse(f.get("/api/v1/users", admin)->body)["users"].size() == 5);

    std::string zhao = f.login("zhao", "4321");
    auto reset = f.post("/api/v1/users/zhao/pin", admin, R"({"pin":"8765"})");
    REQUIRE(reset);
    CHECK(reset->status == 200);
    CHECK(f.get("/api/v1/reports?from=2026-11-01&to=2026-11-01", zhao)->status == 401);  // sessions end
    CHECK(f.login_result("zhao", "4321")->status == 401);
    f.login("zhao", "8765");
    CHECK(f.audit_count("users.reset_pin") == 1);
    CHECK(f.post("/api/v1/users/nobody/pin", admin, R"({"pin":"8765"})")->status == 404);
    CHECK(f.post("/api/v1/users/zhao/pin", admin, R"({"pin":"87"})")->status == 400);
}

TEST_CASE("reports over the API: both dates required, bad ones named") {
    Fixture f;
    std::string staff = f.login("wang", "1357");
    auto ok = f.get("/api/v1/reports?from=2026-11-01&to=2026-11-03", staff);
    REQUIRE(ok);
    CHECK(ok->status == 200);
    auto body = nlohmann::json::parse(ok->body);
    CHECK(body["days"].size() == 3);
    CHECK(body["sla_s"] == 60);
    auto missing = f.get("/api/v1/reports?from=2026-11-01", staff);
    CHECK(missing->status == 400);
    CHECK(nlohmann::json::parse(missing->body)["error"].get<std::string>().rfind("to:", 0) == 0);
    auto bad = f.get("/api/v1/reports?from=yesterday&to=2026-11-03", staff);
    CHECK(bad->status == 400);
    CHECK(nlohmann::json::parse(bad->body)["error"].get<std::string>().rfind("from:", 0) == 0);
}

TEST_CASE("lockout: five wrong PINs lock the name for 15 minutes, known or not, with the minutes left") {
    Fixture f;
    for (std::string name : {"wang", "nobody"}) {
        CAPTURE(name);
        for (int i = 0; i < 5; ++i) CHECK(f.login_result(name, "0000")->status == 401);
        auto locked = f.login_result(name, name == "wang" ? "1357" : "0000");
        REQUIRE(locked);
        CHECK(locked->status == 429);
        auto body = nlohmann::json::parse(locked->body);
        CHECK(body["minutes_left"] == 15);
        CHECK(body["error"] == "pin: too many wrong PINs; try again in 15 minutes");  // same for both
        f.clock->advance(15min + 1s);  // the lockout is over: a right PIN works again
        if (name == "wang") f.login("wang", "1357");
    }
    CHECK(f.audit_count("api.lockout") >= 2);  // wang's name and the address; never "nobody"
    {
        auto lock = f.station->db().lock();
        CHECK(f.station->db()
                  .sql()
                  .execAndGet("SELECT COUNT(*) FROM audit_log WHERE subject = 'nobody'")
                  .getInt() == 0);
    }
}

TEST_CASE("lockout: five wrong PINs from one address lock that address for every name") {
    Fixture f;
    for (const char* name : {"a1", "a2", "a3", "a4", "a5"})
        CHECK(f.login_result(name, "0000")->status == 401);
    auto other = f.login_result("wang", "1357");  // a right PIN, but from a locked address
    REQUIRE(other);
    CHECK(other->status == 429);
    f.clock->advance(14min);
    auto still = f.login_result("wang", "1357");
    CHECK(still->status == 429);
    CHECK(nlohmann::json::parse(still->body)["minutes_left"] == 1);
    f.clock->advance(1min);
    f.login("wang", "1357");
}

TEST_CASE("tokens expire after [api] token_ttl_h") {
    Fixture f;
    std::string token = f.login("wang", "1357");
    CHECK(f.get("/api/v1/requests", token)->status == 200);
    f.clock->advance(std::chrono::hours(f.station->config().api.token_ttl_h) + 1s);
    CHECK(f.get("/api/v1/requests", token)->status == 401);
}
