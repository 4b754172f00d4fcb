// Report arithmetic over seeded help requests with a fake clock: calls per day, time to
// acknowledge (median, p90), the share within the SLA, satisfaction, suggestions by topic.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <memory>

#include "kiosk/core/help_desk.h"
#include "kiosk/core/reports.h"
#include "kiosk/core/station.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::Actor;

namespace {

constexpr int64_t kNov25_0900 = 1795568400000;  // 2026-11-25 09:00 in Shanghai (CST-8)
const Actor kStaff = Actor::staff("wang", "王老师");

struct Fixture {
    station::test::TempDir dir;
    std::shared_ptr<station::ManualClock> clock = std::make_shared<station::ManualClock>();
    std::unique_ptr<station::Station> station;
    Fixture() {
        setenv("TZ", "CST-8", 1);  // Shanghai time, without needing tzdata
        tzset();
        clock->set(station::from_ms(kNov25_0900));
        station::StationOptions options;
        options.data_dir = dir.path();
        options.clock = clock;
        auto opened = station::Station::open(options);
        REQUIRE(opened.ok());
        station = std::move(opened.value());
    }
    station::HelpDesk& desk() { return station->help_desk(); }
    int64_t call() {
        auto called = desk().call({}, Actor::resident());
        REQUIRE(called.ok());
        return called->id;
    }
    // A request acknowledged `ack_s` seconds after the call, then resolved and rated (0: no rating).
    void answered(int ack_s, int rating) {
        int64_t id = call();
        clock->advance(std::chrono::seconds(ack_s));
        REQUIRE(desk().acknowledge(id, kStaff).ok());
        REQUIRE(desk().resolve(id, kStaff).ok());
        if (rating) REQUIRE(desk().rate(id, rating, Actor::resident()).ok());
        clock->advance(5min);
    }
    void cancelled_after(int seconds) {
        int64_t id = call();
        clock->advance(std::chrono::seconds(seconds));
        REQUIRE(desk().cancel(id, kStaff, "resident went home").ok());
        clock->advance(5min);
    }
};

}  // namespace

TEST_CASE("median is the middle value, p90 the nearest rank") {
    CHECK_FALSE(station::median_of({}).has_value());
    CHECK_FALSE(station::percentile_of({}, 0.9).has_value());
    CHECK(*station::median_of({5}) == 5);
    CHECK(*station::median_of({9, 1, 5}) == 5);
    CHECK(*station::median_of({10, 30, 90, 50}) == 40);
    CHECK(*station::percentile_of({10, 30, 90, 50}, 0.9) == 90);  // ceil(3.6) = 4th
    std::vector<double> hundred;
    for (int i = 100; i >= 1; --i) hundred.push_back(i);
    CHECK(*station::percentile_of(hundred, 0.9) == 90);
    CHECK(*station::percentile_of(hundred, 0.5) == 50);
    CHECK(*station::percentile_of({7}, 0.9) == 7);
}

TEST_CASE("a day's report: calls, time to acknowledge, SLA share, satisfaction") {
    Fixture f;
    f.answered(10, 3);
    f.answered(30, 2);
    f.answered(90, 1);  // past the 60 s SLA
    f.answered(50, 0);
    f.cancelled_after(20);   // cancelled inside the SLA, never acknowledged: left out of the share
    f.cancelled_after(120);  // nobody came within the SLA: missed
    f.clock->set(station::from_ms(kNov25_0900 + 24 * 3'600'000));  // next day
    f.call();  // open, 0 s old: its outcome is not known yet

    auto report = station::build_report(*f.station, "2026-11-25", "2026-11-27");
    REQUIRE(report.ok());
    CHECK(report->sla_s == 60);
    REQUIRE(report->days.size() == 3);
    const auto& day = report->days[0].figures;
    CHECK(report->days[0].day == "2026-11-25");
    CHECK(day.calls == 6);
    CHECK(day.cancelled == 2);
    CHECK(day.acknowledged == 4);
    CHECK(*day.ack_median_s == doctest::Approx(40));
    CHECK(*day.ack_p90_s == doctest::Approx(90));
    CHECK(day.sla_counted == 5);
    CHECK(day.within_sla == 3);
    CHECK(*day.within_sla_share == doctest::Approx(0.6));
    CHECK(day.ratings[0] == 1);
    CHECK(day.ratings[1] == 1);
    CHECK(day.ratings[2] == 1);
    CHECK(*day.satisfaction == doctest::Approx(2.0));

    const auto& next = report->days[1].figures;
    CHECK(report->days[1].day == "2026-11-26");
    CHECK(next.calls == 1);
    CHECK(next.sla_counted == 0);
    CHECK_FALSE(next.within_sla_share.has_value());
    CHECK_FALSE(next.ack_median_s.has_value());
    CHECK_FALSE(next.satisfaction.has_value());
    CHECK(report->days[2].figures.calls == 0);  // empty days are listed too
    CHECK(report->total.calls == 7);
    CHECK(report->total.within_sla == 3);

    f.clock->advance(61s);  // the open call passes its deadline unanswered: now a miss
    auto later = station::build_report(*f.station, "2026-11-26", "2026-11-26");
    REQUIRE(later.ok());
    CHECK(later->days[0].figures.sla_counted == 1);
    CHECK(*later->days[0].figures.within_sla_share == doctest::Approx(0.0));

    auto json = report->to_json();
    CHECK(json["days"][0]["day"] == "2026-11-25");
    CHECK(json["days"][0]["ack_median_s"] == 40.0);
    CHECK(json["days"][0]["within_sla_share"] == 0.6);
    CHECK(json["days"][1]["ack_median_s"].is_null());
    CHECK(json["total"]["calls"] == 7);
}

TEST_CASE("a report counts suggestions by topic per local day, once the table exists") {
    Fixture f;
    bool has_table = false;
    {
        auto lock = f.station->db().lock();
        auto& sql = f.station->db().sql();
        has_table = sql.tableExists("suggestions");
        if (has_table) {
            // 23:30 on the 25th Shanghai time is 15:30 UTC: it belongs to the 25th locally.
            for (auto [topic, at] : {std::pair{"environment", kNov25_0900},
                                     std::pair{"environment", kNov25_0900 + 14 * 3'600'000 + 1'800'000},
                                     std::pair{"activities", kNov25_0900 + 15 * 3'600'000 + 1'800'000}}) {
                SQLite::Statement insert(sql, "INSERT INTO suggestions (topic, at_ms) VALUES (?, ?)");
                insert.bind(1, topic);
                insert.bind(2, at);
                insert.exec();
            }
        }
    }
    auto report = station::build_report(*f.station, "2026-11-25", "2026-11-26");
    REQUIRE(report.ok());
    CHECK(report->has_suggestions == has_table);
    auto json = report->to_json();
    if (!has_table) {
        CHECK_FALSE(json["total"].contains("suggestions_by_topic"));
        return;
    }
    CHECK(json["days"][0]["suggestions_by_topic"] == nlohmann::json{{"environment", 2}});
    CHECK(json["days"][1]["suggestions_by_topic"] == nlohmann::json{{"activities", 1}});
    CHECK(json["total"]["suggestions_by_topic"]["environment"] == 2);
}

TEST_CASE("report dates: bad input names the field and the value") {
    Fixture f;
    auto bad = station::build_report(*f.station, "2026-13-01", "2026-12-01");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find("from") == 0);
    CHECK(bad.error().message.find("2026-13-01") != std::string::npos);
    auto feb = station::build_report(*f.station, "2026-02-01", "2026-02-30");
    REQUIRE_FALSE(feb.ok());
    CHECK(feb.error().message.find("to") == 0);
    auto backwards = station::build_report(*f.station, "2026-11-25", "2026-11-24");
    REQUIRE_FALSE(backwards.ok());
    CHECK(backwards.error().message.find("before") != std::string::npos);
    CHECK_FALSE(station::build_report(*f.station, "2024-01-01", "2026-01-01").ok());
    CHECK_FALSE(station::build_report(*f.station, "20261125", "2026-11-25").ok());
}
