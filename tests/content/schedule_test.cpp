// The scheduler as a pure function of content and time.
#include <doctest/doctest.h>

#include "content/authoring.h"
#include "content/schedule.h"
#include "temp_dir.h"

using namespace station::content;

namespace {

ContentModel starter() {
    station::test::TempDir dir;
    REQUIRE(init_content_folder(dir / "c"));
    auto model = load_content_folder(dir / "c");
    REQUIRE(model);
    return *model;
}

LocalDateTime at(const char* text) {
    auto t = parse_local_date_time(text);
    REQUIRE(t);
    return *t;
}

}  // namespace

TEST_CASE("weekday of known dates") {
    CHECK(at("2026-11-25T00:00").weekday() == 2);  // a Wednesday
    CHECK(at("2026-11-29 12:00").weekday() == 6);  // a Sunday
    CHECK(at("2024-02-29T08:00").weekday() == 3);  // leap day, a Thursday
    CHECK(!parse_local_date_time("2026-13-01T00:00"));
    CHECK(!parse_local_date_time("tomorrow"));
}

TEST_CASE("dayparts, weekdays and date ranges pick the higher-priority schedule") {
    auto model = starter();
    CHECK(plan_at(model, at("2026-11-25T09:30"))->schedule == "weekday-opening-hours");
    CHECK(plan_at(model, at("2026-11-25T12:00"))->schedule == "everyday");   // lunch break: end is exclusive
    CHECK(plan_at(model, at("2026-11-25T13:30"))->schedule == "weekday-opening-hours");
    CHECK(plan_at(model, at("2026-11-25T17:30"))->schedule == "everyday");
    CHECK(plan_at(model, at("2026-11-28T09:30"))->schedule == "everyday");   // Saturday
    CHECK(plan_at(model, at("2027-01-04T09:30"))->schedule == "everyday");   // after `until`
}

TEST_CASE("notices play by priority, clock and queue zones take no playlist") {
    auto model = starter();
    auto plan = plan_at(model, at("2026-11-25T09:30"));
    REQUIRE(plan);
    REQUIRE(plan->zones.size() == 4);
    CHECK(plan->zones[1].items == std::vector<std::string>{"notice-vaccine", "notice-lecture"});
    model.items[2].priority = 1;  // the vaccine notice drops below the lecture
    plan = plan_at(model, at("2026-11-25T09:30"));
    CHECK(plan->zones[1].items == std::vector<std::string>{"notice-lecture", "notice-vaccine"});
    CHECK(plan->zones[2].kind == ZoneKind::queue);
    CHECK(plan->zones[2].playlist.empty());
}

TEST_CASE("no applicable schedule gives no plan") {
    auto model = starter();
    model.schedules.erase(model.schedules.begin());
    CHECK(!plan_at(model, at("2026-11-28T09:30")));
}
