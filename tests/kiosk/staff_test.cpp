#include <doctest/doctest.h>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/station.h"
#include "temp_dir.h"

namespace {

std::unique_ptr<station::Station> open_station(const std::filesystem::path& dir, bool demo) {
    station::StationOptions options;
    options.data_dir = dir;
    options.demo = demo;
    options.clock = std::make_shared<station::ManualClock>();
    auto opened = station::Station::open(options);
    REQUIRE(opened.ok());
    return std::move(opened.value());
}

}  // namespace

TEST_CASE("demo mode seeds demo/2468 and a normal start removes it") {
    station::test::TempDir dir;
    {
        auto demo = open_station(dir.path(), true);
        auto member = demo->staff().verify("demo", "2468");
        REQUIRE(member);
        CHECK(member->role == "admin");
        CHECK(member->demo);
        CHECK_FALSE(demo->staff().verify("demo", "1234"));
    }
    auto real = open_station(dir.path(), false);
    CHECK_FALSE(real->staff().find("demo"));
    CHECK_FALSE(real->staff().verify("demo", "2468"));
}

TEST_CASE("a station opened without --demo has no staff account at all") {
    station::test::TempDir dir;
    auto real = open_station(dir.path(), false);
    CHECK(real->staff().list().empty());
}

TEST_CASE("staff accounts check username, PIN and role and store no PIN in clear") {
    station::test::TempDir dir;
    auto s = open_station(dir.path(), false);
    auto& staff = s->staff();
    CHECK(staff.add("wang", "王老师", "135790", "staff").ok());
    CHECK(staff.verify("wang", "135790"));
    CHECK_FALSE(staff.verify("wang", "135791"));
    CHECK_FALSE(staff.verify("nobody", "135790"));

    CHECK(staff.add("Wang Li", "x", "1234", "staff").error().message.find("username:") == 0);
    CHECK(staff.add("li", "x", "12a4", "staff").error().message.find("pin:") == 0);
    CHECK(staff.add("li", "x", "123", "staff").error().message.find("pin:") == 0);
    CHECK(staff.add("li", "x", "1234", "root").error().message.find("role:") == 0);
    CHECK(staff.add("wang", "x", "1234", "staff").error().message.find("already taken") != std::string::npos);

    auto lock = s->db().lock();
    std::string hash = s->db().sql().execAndGet("SELECT pin_hash FROM staff WHERE username='wang'").getString();
    CHECK(hash.find("135790") == std::string::npos);
    CHECK(hash.rfind("$argon2id$", 0) == 0);
}

TEST_CASE("the audit trail records who did what") {
    station::test::TempDir dir;
    auto s = open_station(dir.path(), true);
    s->audit("wang", "help.acknowledge", "17", {{"level", 0}});
    auto lock = s->db().lock();
    SQLite::Statement q(s->db().sql(), "SELECT actor, action, subject FROM audit_log ORDER BY id DESC LIMIT 1");
    REQUIRE(q.executeStep());
    CHECK(q.getColumn(0).getString() == "wang");
    CHECK(q.getColumn(1).getString() == "help.acknowledge");
    CHECK(q.getColumn(2).getString() == "17");
}
