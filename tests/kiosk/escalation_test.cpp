// The escalation ladder with a manual clock: the table of steps, the worker, and a restart.
#include <doctest/doctest.h>

#include <condition_variable>
#include <memory>
#include <mutex>

#include "kiosk/core/escalation.h"
#include "kiosk/core/help_desk.h"
#include "kiosk/core/station.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::Actor;
using station::EscalationStep;
using station::HelpRequest;
using station::HelpState;

namespace {

struct Fixture {
    station::test::TempDir dir;
    std::shared_ptr<station::ManualClock> clock = std::make_shared<station::ManualClock>();
    std::unique_ptr<station::Station> station;
    std::mutex mutex;  // guards seen
    std::condition_variable changed;
    std::vector<station::Event> seen;

    Fixture() { open(); }
    void open() {
        station.reset();
        station::StationOptions options;
        options.data_dir = dir.path();
        options.clock = clock;
        auto opened = station::Station::open(options);
        REQUIRE(opened.ok());
        station = std::move(opened.value());
        station->events().subscribe([this](const station::Event& e) {
            std::lock_guard<std::mutex> guard(mutex);
            seen.push_back(e);
            changed.notify_all();
        });
    }
    // Waits (bounded) until an event of `type` has been seen `count` times.
    bool wait_for(const std::string& type, size_t count) {
        std::unique_lock<std::mutex> lock(mutex);
        return changed.wait_for(lock, 10s, [&] {
            return size_t(std::count_if(seen.begin(), seen.end(),
                                        [&](const auto& e) { return e.type == type; })) >= count;
        });
    }
};

}  // namespace

TEST_CASE("next_escalation: the ladder as a table") {
    const station::EscalationLadder ladder;  // 60 s, 180 s, 600 s
    const int64_t t0 = 1'000'000;
    struct Row {
        const char* what;
        HelpState state;
        int level;
        std::optional<int64_t> acknowledged_at, last_realert_at;
        int64_t now;
        std::optional<EscalationStep::Kind> kind;
        int next_level;
        int64_t due;
    };
    using K = EscalationStep::Kind;
    const Row table[] = {
        {"fresh call climbs to 1 at 60 s", HelpState::called, 0, {}, {}, t0, K::raise_level, 1, t0 + 60'000},
        {"level 1 climbs to 2 at 180 s",
         HelpState::called,
         1,
         {},
         {},
         t0 + 61'000,
         K::raise_level,
         2,
         t0 + 180'000},
        {"long unanswered (restart) jumps to 2",
         HelpState::called,
         0,
         {},
         {},
         t0 + 200'000,
         K::raise_level,
         2,
         t0 + 180'000},
        {"level 2 keeps re-alerting",
         HelpState::called,
         2,
         {},
         {},
         t0 + 200'000,
         K::realert,
         2,
         t0 + 780'000},
        {"acknowledged re-alerts 10 min later",
         HelpState::acknowledged,
         1,
         t0 + 70'000,
         {},
         t0 + 70'000,
         K::realert,
         1,
         t0 + 670'000},
        {"then 10 min after the last re-alert", HelpState::acknowledged, 1, t0 + 70'000, t0 + 670'000,
         t0 + 670'000, K::realert, 1, t0 + 1'270'000},
        {"arrived: nothing more", HelpState::arrived, 1, t0 + 70'000, {}, t0 + 90'000, std::nullopt, 0, 0},
        {"resolved: nothing more", HelpState::resolved, 0, t0 + 10'000, {}, t0 + 90'000, std::nullopt, 0, 0},
        {"cancelled: nothing more", HelpState::cancelled, 0, {}, {}, t0 + 90'000, std::nullopt, 0, 0},
    };
    for (const Row& row : table) {
        CAPTURE(row.what);
        HelpRequest r;
        r.id = 7;
        r.state = row.state;
        r.escalation_level = row.level;
        r.created_at_ms = t0;
        r.acknowledged_at_ms = row.acknowledged_at;
        r.last_realert_at_ms = row.last_realert_at;
        auto step = station::next_escalation(r, ladder, row.now);
        REQUIRE(step.has_value() == row.kind.has_value());
        if (!step) continue;
        CHECK(step->kind == *row.kind);
        CHECK(step->request_id == 7);
        CHECK(step->due_at_ms == row.due);
        if (step->kind == K::raise_level) CHECK(step->level == row.next_level);
    }
}

TEST_CASE("run_due escalates an unacknowledged call at 60 s and 3 min, and re-alerts an unarrived one") {
    Fixture f;
    auto& desk = f.station->help_desk();
    auto& ladder = f.station->escalation();
    int64_t id = desk.call({}, Actor::resident())->id;
    CHECK(ladder.run_due() == 0);
    CHECK(*ladder.next_deadline_ms() == f.clock->now_ms() + 60'000);
    f.clock->advance(59s);
    CHECK(ladder.run_due() == 0);
    f.clock->advance(1s);
    CHECK(ladder.run_due() == 1);
    CHECK(desk.get(id)->escalation_level == 1);
    CHECK(f.seen.back().type == "help.escalated");
    CHECK(f.seen.back().data["level"] == 1);
    f.clock->advance(120s);
    CHECK(ladder.run_due() == 1);
    CHECK(desk.get(id)->escalation_level == 2);
    CHECK(ladder.run_due() == 0);

    REQUIRE(desk.acknowledge(id, Actor::staff("wang", "王老师")).ok());
    f.clock->advance(599s);
    CHECK(ladder.run_due() == 0);
    f.clock->advance(1s);
    CHECK(ladder.run_due() == 1);
    CHECK(f.seen.back().type == "help.realerted");
    CHECK(desk.get(id)->realert_count == 1);
    REQUIRE(desk.arrive(id, Actor::staff("wang", "王老师")).ok());
    CHECK_FALSE(ladder.next_deadline_ms().has_value());
}

TEST_CASE("the worker wakes at the deadline when the clock moves, with no polling") {
    Fixture f;
    f.station->start_services();
    auto& desk = f.station->help_desk();
    int64_t id = desk.call({}, Actor::resident())->id;
    f.clock->advance(61s);
    f.station->escalation().wake();  // a manual clock does not tick: tell the worker it moved
    REQUIRE(f.wait_for("help.escalated", 1));
    CHECK(desk.get(id)->escalation_level == 1);
    f.station->stop_services();
}

TEST_CASE("a restart resumes the ladder from stored timestamps") {
    Fixture f;
    int64_t id = f.station->help_desk().call({}, Actor::resident())->id;
    f.clock->advance(30s);
    f.open();  // power cut and restart, 30 s into the wait
    f.clock->advance(31s);
    CHECK(f.station->escalation().run_due() == 1);
    CHECK(f.station->help_desk().get(id)->escalation_level == 1);
    f.open();
    f.clock->advance(10min);  // down for ten minutes: straight to level 2, once
    CHECK(f.station->escalation().run_due() == 1);
    CHECK(f.station->help_desk().get(id)->escalation_level == 2);
    CHECK(f.station->escalation().run_due() == 0);
}

TEST_CASE("escalation queues webhooks for targets at or below the level reached") {
    station::test::TempDir dir;
    auto clock = std::make_shared<station::ManualClock>();
    station::StationOptions options;
    options.data_dir = dir.path();
    options.clock = clock;
    options.config.notify = {{"json", "http://127.0.0.1:9/staff", "", "text", 0},
                             {"json", "http://127.0.0.1:9/head", "", "text", 2}};
    auto opened = station::Station::open(options);
    REQUIRE(opened.ok());
    station::Station& s = **opened;
    auto count_for = [&](const std::string& url) {
        auto lock = s.db().lock();
        SQLite::Statement q(s.db().sql(), "SELECT COUNT(*) FROM notify_outbox WHERE url = ?");
        q.bind(1, url);
        q.executeStep();
        return q.getColumn(0).getInt();
    };
    REQUIRE(s.help_desk().call({}, Actor::resident()).ok());
    CHECK(count_for("http://127.0.0.1:9/staff") == 1);
    CHECK(count_for("http://127.0.0.1:9/head") == 0);
    clock->advance(61s);
    CHECK(s.escalation().run_due() == 1);
    CHECK(count_for("http://127.0.0.1:9/staff") == 2);
    CHECK(count_for("http://127.0.0.1:9/head") == 0);
    clock->advance(120s);
    CHECK(s.escalation().run_due() == 1);
    CHECK(count_for("http://127.0.0.1:9/staff") == 3);
    CHECK(count_for("http://127.0.0.1:9/head") == 1);
}
