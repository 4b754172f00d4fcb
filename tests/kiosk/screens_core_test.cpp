// The data behind the elderly-first screens: activities and sign-ups, suggestions, ratings and
// the guide file, with a ManualClock.
#include <doctest/doctest.h>

#include <memory>

#include "kiosk/core/activities.h"
#include "kiosk/core/feedback.h"
#include "kiosk/core/guide.h"
#include "kiosk/core/help_desk.h"
#include "kiosk/core/station.h"
#include "temp_dir.h"

using namespace std::chrono_literals;

namespace {

constexpr const char* kNumber = "310101195001011234";
constexpr const char* kOther = "31010419480312402X";

struct Fixture {
    station::test::TempDir dir;
    std::shared_ptr<station::ManualClock> clock = std::make_shared<station::ManualClock>();
    std::unique_ptr<station::Station> station;
    std::vector<station::Event> events;
    std::string salt;

    Fixture() {
        station::StationOptions options;
        options.data_dir = dir.path();
        options.clock = clock;
        auto opened = station::Station::open(options);
        REQUIRE(opened.ok());
        station = std::move(opened.value());
        station->events().subscribe([this](const station::Event& e) { events.push_back(e); });
        salt = station::resident_id_salt(station->db());
    }
    station::ResidentKey key(const std::string& number) { return station::resident_key(salt, number); }
    station::Activity activity(int capacity, int min_signups) {
        station::NewActivity a;
        a.title = "太极拳晨练";
        a.place = "居委会门前小广场";
        a.starts_at_ms = clock->now_ms() + 24 * 3600 * 1000;
        a.ends_at_ms = a.starts_at_ms + 3600 * 1000;
        a.capacity = capacity;
        a.min_signups = min_signups;
        auto created = station::Activities(*station).create(a, "wang");
        REQUIRE_MESSAGE(created.ok(), created.error);
        return *created.value;
    }
    int64_t count(const std::string& sql) {
        auto lock = station->db().lock();
        return station->db().sql().execAndGet(sql).getInt64();
    }
    std::string dump(const std::string& sql) {  // every column of every row, joined
        auto lock = station->db().lock();
        SQLite::Statement q(station->db().sql(), sql);
        std::string out;
        while (q.executeStep())
            for (int i = 0; i < q.getColumnCount(); ++i) out += q.getColumn(i).getString() + "|";
        return out;
    }
};

}  // namespace

TEST_CASE("activities: created - listed soonest first - and gone from the list once ended") {
    Fixture f;
    auto later = f.activity(10, 0);
    station::NewActivity sooner{"智能手机课堂",
                                "",
                                "活动室",
                                f.clock->now_ms() + 3600 * 1000,
                                f.clock->now_ms() + 7200 * 1000,
                                20,
                                5};
    auto created = station::Activities(*f.station).create(sooner, "wang");
    REQUIRE(created.ok());
    CHECK(f.events.back().type == "activity.created");
    CHECK(f.events.back().data["activity"]["title"] == "智能手机课堂");
    auto list = station::Activities(*f.station).list();
    REQUIRE(list.size() == 2);
    CHECK(list[0].title == "智能手机课堂");
    CHECK(list[1].id == later.id);
    f.clock->advance(3h);
    CHECK(station::Activities(*f.station).list().size() == 1);
    CHECK(station::Activities(*f.station).list(true).size() == 2);
    CHECK(f.count("SELECT COUNT(*) FROM audit_log WHERE action = 'activity.create' AND actor = 'wang'") == 2);
}

TEST_CASE("activities: bad input names the field and changes nothing") {
    Fixture f;
    station::Activities activities(*f.station);
    station::NewActivity a{"", "", "活动室", f.clock->now_ms() + 1000, f.clock->now_ms() + 2000, 10, 0};
    auto r = activities.create(a, "wang");
    CHECK_FALSE(r.ok());
    CHECK(r.error.find("title") != std::string::npos);
    a.title = "沪剧";
    a.ends_at_ms = a.starts_at_ms;
    r = activities.create(a, "wang");
    CHECK(r.error.find("ends_at") != std::string::npos);
    a.ends_at_ms = a.starts_at_ms + 1000;
    a.min_signups = 11;
    r = activities.create(a, "wang");
    CHECK(r.error.find("min_signups") != std::string::npos);
    CHECK(f.count("SELECT COUNT(*) FROM activities") == 0);
    CHECK(f.events.empty());

    auto parsed =
        station::NewActivity::from_json({{"title", "x"}, {"place", "y"}, {"starts_at", "tomorrow"}});
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message == "starts_at: must be an integer");
    parsed = station::NewActivity::from_json(
        {{"title", "x"}, {"place", "y"}, {"starts_at", 10}, {"ends_at", 20}, {"capacity", 0}});
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message.find("capacity: must be between 1") == 0);
}

TEST_CASE("sign-up: once per person - refused when full - and the minimum says whether it goes ahead") {
    Fixture f;
    auto a = f.activity(2, 2);
    station::Activities activities(*f.station);
    auto first = activities.sign_up(a.id, f.key(kNumber), "idcard");
    REQUIRE_MESSAGE(first.ok(), first.error);
    CHECK(first.value->activity.signups == 1);
    CHECK_FALSE(first.value->activity.goes_ahead());
    CHECK(first.value->activity.still_needed() == 1);
    CHECK(first.value->signup.masked_id == "3101**********1234");

    auto again = activities.sign_up(a.id, f.key(kNumber), "qr");
    CHECK_FALSE(again.ok());
    CHECK(again.kind == station::ActivityErrorKind::already_signed_up);
    CHECK(again.error.find("已报名") != std::string::npos);

    auto second = activities.sign_up(a.id, f.key(kOther), "qr");
    REQUIRE(second.ok());
    CHECK(second.value->activity.goes_ahead());
    CHECK(second.value->activity.full());
    const auto& event = f.events.back();
    CHECK(event.type == "activity.signed_up");
    CHECK(event.data["signups"] == 2);
    CHECK(event.data["goes_ahead"] == true);

    auto third = activities.sign_up(a.id, f.key("310101196002023456"), "idcard");
    CHECK(third.kind == station::ActivityErrorKind::full);
    CHECK(f.count("SELECT COUNT(*) FROM activity_signups") == 2);

    auto missing = activities.sign_up(999, f.key(kNumber), "idcard");
    CHECK(missing.kind == station::ActivityErrorKind::not_found);
    auto bad_via = activities.sign_up(a.id, f.key(kNumber), "phone");
    CHECK(bad_via.error.find("via") == 0);

    auto listed = activities.signups(a.id);
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].via == "idcard");
    CHECK(listed[1].masked_id == "3101**********402X");
}

TEST_CASE("sign-up: closed once the activity has started") {
    Fixture f;
    auto a = f.activity(10, 0);
    f.clock->advance(25h);
    auto late = station::Activities(*f.station).sign_up(a.id, f.key(kNumber), "idcard");
    CHECK(late.kind == station::ActivityErrorKind::closed);
}

TEST_CASE("sign-up: the ID number is kept only masked and hashed - never in events or the audit trail") {
    Fixture f;
    auto a = f.activity(10, 0);
    REQUIRE(station::Activities(*f.station).sign_up(a.id, f.key(kNumber), "idcard").ok());
    std::string everything = f.dump("SELECT * FROM activity_signups") + f.dump("SELECT * FROM audit_log");
    CHECK(everything.find(kNumber) == std::string::npos);
    CHECK(everything.find("010119500101") == std::string::npos);
    CHECK(everything.find("3101**********1234") != std::string::npos);
    for (const auto& e : f.events) {
        CHECK(e.data.dump().find(kNumber) == std::string::npos);
        CHECK(e.data.dump().find("3101**") == std::string::npos);  // not even masked on the bus
    }
    // The same person through another door gives the same key; another station's salt does not.
    CHECK(f.key(kNumber).hash == station::resident_key(f.salt, kNumber).hash);
    CHECK(f.key(kNumber).hash != station::resident_key(std::string(32, 'x'), kNumber).hash);
}

TEST_CASE(
    "QR codes for sign-up: an ID number or resident code - anything else is refused without echoing it") {
    CHECK(*station::resident_number_from_qr("31010419480312402x\r\n") == "31010419480312402X");
    CHECK(*station::resident_number_from_qr("SH-RES-000123") == "SH-RES-000123");
    auto url = station::resident_number_from_qr("https://example.com/?id=1");
    REQUIRE_FALSE(url.ok());
    CHECK(url.error().message.find("example.com") == std::string::npos);
    CHECK_FALSE(station::resident_number_from_qr("12345").ok());
}

TEST_CASE("demo activities: a few - written for a Shanghai neighbourhood - added once") {
    Fixture f;
    station::Activities activities(*f.station);
    CHECK(activities.seed_demo() >= 3);
    CHECK(activities.seed_demo() == 0);
    auto list = activities.list();
    bool taiji = false;
    for (const auto& a : list) taiji = taiji || a.title == "太极拳晨练";
    CHECK(taiji);
}

TEST_CASE("suggestions: preset topic and phrases only - stored and published") {
    Fixture f;
    station::Feedback feedback(*f.station);
    auto s = feedback.suggest("environment", {"楼道需要打扫", "路灯不亮"}, false);
    REQUIRE_MESSAGE(s.ok(), s.error().message);
    CHECK(s->help_request_id == 0);
    CHECK(f.events.back().type == "suggestion.created");
    CHECK(f.events.back().data["suggestion"]["phrases"].size() == 2);

    CHECK(feedback.suggest("politics", {"x"}, false).error().message.find("topic") == 0);
    CHECK(feedback.suggest("environment", {}, false).error().message.find("phrases") == 0);
    CHECK(feedback.suggest("environment", {"我要打字"}, false).error().message.find("phrases[0]") == 0);
    CHECK(
        feedback.suggest("environment", {"路灯不亮", "路灯不亮"}, false).error().message.find("phrases[1]") ==
        0);
    CHECK(f.count("SELECT COUNT(*) FROM suggestions") == 1);

    f.clock->advance(1h);
    const int64_t since = f.clock->now_ms();
    REQUIRE(feedback.suggest("service", {"工作人员很热情"}, false).ok());
    auto recent = feedback.suggestions_since(since);
    REQUIRE(recent.size() == 1);
    CHECK(recent[0].topic == "service");
    CHECK(feedback.suggestions_since(0).size() == 2);
}

TEST_CASE("suggestions: 请工作人员联系我 creates a consult task for staff through the help desk") {
    Fixture f;
    station::Feedback feedback(*f.station);
    auto s = feedback.suggest("facilities", {"需要老花镜"}, true);
    REQUIRE_MESSAGE(s.ok(), s.error().message);
    REQUIRE(s->help_request_id != 0);
    auto request = f.station->help_desk().get(s->help_request_id);
    REQUIRE(request);
    CHECK(request->category == "consult");
    CHECK(request->source == "suggestion");
    CHECK(request->open());
    CHECK(f.count("SELECT help_request_id FROM suggestions") == s->help_request_id);
}

TEST_CASE("station ratings: three faces - counted") {
    Fixture f;
    station::Feedback feedback(*f.station);
    REQUIRE(feedback.rate(3).ok());
    REQUIRE(feedback.rate(3).ok());
    REQUIRE(feedback.rate(1).ok());
    CHECK(feedback.rate(0).error().message.find("score") == 0);
    CHECK(feedback.rate(4).error().message.find("score") == 0);
    auto summary = feedback.ratings_since(0);
    CHECK(summary.count == 3);
    CHECK(summary.by_score[2] == 2);
    CHECK(summary.by_score[0] == 1);
    CHECK(f.events.back().type == "station.rated");
}

TEST_CASE("guide: the demo file parses - mistakes name the file - line and key") {
    station::test::TempDir dir;
    auto file = station::guide_file(dir.path());
    CHECK(station::load_guide(file)->empty());  // no file: an empty guide
    REQUIRE(*station::seed_demo_guide(file));
    CHECK_FALSE(*station::seed_demo_guide(file));  // never overwrites the station's edits
    auto guide = station::load_guide(file);
    REQUIRE_MESSAGE(guide.ok(), guide.error().message);
    REQUIRE(guide->size() >= 3);
    CHECK((*guide)[0].title == "老年综合津贴");
    CHECK_FALSE((*guide)[0].bring.empty());

    auto missing = station::parse_guide(
        "[[entry]]\ntitle = \"医保卡补办\"\nwhere = \"2号窗口\"\nwhen = \"周一\"\n", "g.toml");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message.find("g.toml:") == 0);
    CHECK(missing.error().message.find("entry[0].bring: required") != std::string::npos);
    auto typo = station::parse_guide(
        "[[entry]]\ntitle = \"x\"\nbring = [\"身份证\"]\nwhere = \"a\"\nwehn = \"b\"\n", "g.toml");
    REQUIRE_FALSE(typo.ok());
    CHECK(typo.error().message.find("g.toml:5") == 0);
    CHECK(typo.error().message.find("wehn") != std::string::npos);
    auto syntax = station::parse_guide("[[entry]\n", "g.toml");
    CHECK(syntax.error().message.find("g.toml:1: invalid TOML") == 0);
}
