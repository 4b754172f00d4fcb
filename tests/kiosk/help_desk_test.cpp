// The help desk's state machine, tickets, events, identification and retention.
#include <doctest/doctest.h>

#include <memory>

#include "kiosk/core/help_desk.h"
#include "kiosk/core/station.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::Actor;
using station::HelpErrorKind;
using station::HelpState;

namespace {

struct Fixture {
    station::test::TempDir dir;
    std::shared_ptr<station::ManualClock> clock = std::make_shared<station::ManualClock>();
    std::unique_ptr<station::Station> station;
    std::vector<station::Event> events;

    explicit Fixture(station::StationConfig config = {}) { open(config); }
    void open(station::StationConfig config = {}) {
        station.reset();
        station::StationOptions options;
        options.config = config;
        options.data_dir = dir.path();
        options.clock = clock;
        auto opened = station::Station::open(options);
        REQUIRE(opened.ok());
        station = std::move(opened.value());
        station->events().subscribe([this](const station::Event& e) { events.push_back(e); });
    }
    station::HelpDesk& desk() { return station->help_desk(); }
    int64_t count(const std::string& sql) {
        auto lock = station->db().lock();
        return station->db().sql().execAndGet(sql).getInt64();
    }
};

const Actor kStaff = Actor::staff("wang", "王老师");

// Brings a fresh request into `state` through legal operations.
int64_t request_in(Fixture& f, HelpState state) {
    auto called = f.desk().call({}, Actor::resident());
    REQUIRE(called.ok());
    int64_t id = called->id;
    if (state == HelpState::called) return id;
    if (state == HelpState::cancelled) {
        REQUIRE(f.desk().cancel(id, kStaff, "test").ok());
        return id;
    }
    REQUIRE(f.desk().acknowledge(id, kStaff).ok());
    if (state == HelpState::acknowledged) return id;
    REQUIRE(f.desk().arrive(id, kStaff).ok());
    if (state == HelpState::arrived) return id;
    REQUIRE(f.desk().resolve(id, kStaff).ok());
    return id;
}

}  // namespace

TEST_CASE("help desk transition table: every operation from every state") {
    using S = HelpState;
    struct Row {
        S from;
        const char* operation;
        std::optional<S> to;  // nullopt: refused, naming the state
    };
    const Row table[] = {
        {S::called, "acknowledge", S::acknowledged},    {S::called, "arrive", S::arrived},
        {S::called, "resolve", std::nullopt},           {S::called, "cancel", S::cancelled},
        {S::acknowledged, "acknowledge", std::nullopt}, {S::acknowledged, "arrive", S::arrived},
        {S::acknowledged, "resolve", S::resolved},      {S::acknowledged, "cancel", S::cancelled},
        {S::arrived, "acknowledge", std::nullopt},      {S::arrived, "arrive", std::nullopt},
        {S::arrived, "resolve", S::resolved},           {S::arrived, "cancel", S::cancelled},
        {S::resolved, "acknowledge", std::nullopt},     {S::resolved, "arrive", std::nullopt},
        {S::resolved, "resolve", std::nullopt},         {S::resolved, "cancel", std::nullopt},
        {S::cancelled, "acknowledge", std::nullopt},    {S::cancelled, "arrive", std::nullopt},
        {S::cancelled, "resolve", std::nullopt},        {S::cancelled, "cancel", std::nullopt},
    };
    Fixture f;
    for (const Row& row : table) {
        CAPTURE(station::help_state_name(row.from));
        CAPTURE(row.operation);
        int64_t id = request_in(f, row.from);
        size_t events_before = f.events.size();
        std::string op = row.operation;
        station::HelpResult result = op == "acknowledge" ? f.desk().acknowledge(id, kStaff)
                                     : op == "arrive"    ? f.desk().arrive(id, kStaff)
                                     : op == "resolve"   ? f.desk().resolve(id, kStaff)
                                                         : f.desk().cancel(id, kStaff, "按错了");
        if (row.to) {
            REQUIRE(result.ok());
            CHECK(result->state == *row.to);
            CHECK(f.desk().get(id)->state == *row.to);
            CHECK(f.events.size() == events_before + 1);
        } else {
            REQUIRE_FALSE(result.ok());
            CHECK(result.error_kind() == HelpErrorKind::illegal_transition);
            CHECK(result.error().find(std::string("it is ") + station::help_state_name(row.from)) !=
                  std::string::npos);
            CHECK(f.desk().get(id)->state == row.from);  // nothing changed
            CHECK(f.events.size() == events_before);     // and nobody was told
        }
    }
}

TEST_CASE("tickets are short, count per local day and restart each day") {
    Fixture f;
    auto first = f.desk().call({}, Actor::resident());
    auto second = f.desk().call({"meal", "button", ""}, Actor::resident());
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    CHECK(first->ticket == "A001");
    CHECK(second->ticket == "A002");
    CHECK(second->category == "meal");
    CHECK(second->source == "button");
    f.clock->advance(24h);
    auto next_day = f.desk().call({}, Actor::resident());
    REQUIRE(next_day.ok());
    CHECK(next_day->ticket == "A001");
    CHECK(next_day->service_day != first->service_day);
}

TEST_CASE("a call is committed and journaled before its event is published") {
    Fixture f;
    int64_t rows_seen_by_handler = -1;
    f.station->events().subscribe([&](const station::Event& e) {
        if (e.type == "help.called")
            rows_seen_by_handler = f.desk().list(station::HelpListFilter::all).size();
    });
    auto call = f.desk().call({"medical", "screen", ""}, Actor::resident());
    REQUIRE(call.ok());
    CHECK(rows_seen_by_handler == 1);
    REQUIRE(f.events.size() == 1);
    CHECK(f.events[0].type == "help.called");
    CHECK(f.events[0].data["request"]["ticket"] == "A001");
    CHECK(f.events[0].data["text"] == "已通知工作人员，请稍候");
    auto journal = f.desk().events_after(0, 10);
    REQUIRE(journal.size() == 1);
    CHECK(journal[0].id == f.events[0].data["event_id"]);
    CHECK(f.count("SELECT COUNT(*) FROM audit_log WHERE action = 'help.called'") == 1);
}

TEST_CASE("bad input is refused naming the field and changes nothing") {
    Fixture f;
    auto unknown = f.desk().call({"haircut", "screen", ""}, Actor::resident());
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error_kind() == HelpErrorKind::bad_input);
    CHECK(unknown.error().find("category") == 0);
    CHECK(unknown.error().find("haircut") != std::string::npos);
    auto source = f.desk().call({"", "fax", ""}, Actor::resident());
    REQUIRE_FALSE(source.ok());
    CHECK(source.error().find("source") == 0);
    auto missing = f.desk().acknowledge(999, kStaff);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error_kind() == HelpErrorKind::not_found);
    CHECK(missing.error().find("id") == 0);
    int64_t id = request_in(f, HelpState::called);
    auto no_reason = f.desk().cancel(id, kStaff, "");
    REQUIRE_FALSE(no_reason.ok());
    CHECK(no_reason.error().find("reason") == 0);
    CHECK(f.desk().counts().total == 1);
    CHECK(f.events.size() == 1);
}

TEST_CASE("a resident may cancel only within the cancel window") {
    Fixture f;
    int64_t quick = request_in(f, HelpState::called);
    f.clock->advance(10s);
    auto cancelled = f.desk().cancel(quick, Actor::resident());
    REQUIRE(cancelled.ok());
    CHECK(cancelled->state == HelpState::cancelled);
    CHECK(cancelled->closed_by == "resident");

    int64_t late = request_in(f, HelpState::called);
    f.clock->advance(16s);
    auto refused = f.desk().cancel(late, Actor::resident());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error_kind() == HelpErrorKind::illegal_transition);
    CHECK(refused.error().find("cancel window") != std::string::npos);
    CHECK(f.desk().get(late)->state == HelpState::called);
}

TEST_CASE("the state in words names the member of staff who comes") {
    Fixture f;
    int64_t id = request_in(f, HelpState::called);
    CHECK(f.desk().status_text(*f.desk().get(id)) == "已通知工作人员，请稍候");
    REQUIRE(f.desk().acknowledge(id, kStaff).ok());
    CHECK(f.desk().status_text(*f.desk().get(id)) == "王老师正在赶来");
    CHECK(f.events.back().type == "help.acknowledged");
    CHECK(f.events.back().data["text"] == "王老师正在赶来");
    REQUIRE(f.desk().arrive(id, kStaff).ok());
    CHECK(f.desk().status_text(*f.desk().get(id)) == "王老师已到，正在为您服务");
    CHECK(f.desk().category_label("medical") == "就医");
}

TEST_CASE("a resident id is kept only masked and hashed, never in events or audit") {
    Fixture f;
    int64_t id = request_in(f, HelpState::called);
    const std::string number = "310101199001011234";
    auto identified = f.desk().identify(id, number, Actor::resident());
    REQUIRE(identified.ok());
    CHECK(identified->resident_id_masked == "3101**********1234");
    CHECK(identified->identified);
    CHECK(f.count("SELECT COUNT(*) FROM help_requests WHERE resident_id_hash IS NOT NULL AND "
                  "resident_id_hash NOT LIKE '%199001011234%'") == 1);
    for (const char* table : {"help_requests", "help_events", "audit_log"}) {
        auto lock = f.station->db().lock();
        SQLite::Statement dump(f.station->db().sql(), std::string("SELECT * FROM ") + table);
        while (dump.executeStep())
            for (int c = 0; c < dump.getColumnCount(); ++c)
                CHECK_MESSAGE(dump.getColumn(c).getString().find(number) == std::string::npos, table);
    }
    CHECK(f.events.back().type == "help.identified");
    CHECK_FALSE(f.events.back().data["request"].contains("resident_id_masked"));
    auto bad = f.desk().identify(id, "12", Actor::resident());
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().find("id_number") == 0);
}

TEST_CASE("retention clears personal fields of old closed requests and keeps the counts") {
    station::StationConfig config;
    config.help.retention_days = 30;
    Fixture f(config);
    int64_t old_one = request_in(f, HelpState::called);
    REQUIRE(f.desk().identify(old_one, "310101199001011234", Actor::resident()).ok());
    REQUIRE(f.desk().acknowledge(old_one, kStaff).ok());
    REQUIRE(f.desk().resolve(old_one, kStaff, "陪同去医院").ok());
    f.clock->advance(std::chrono::hours(24 * 31));
    int64_t recent = request_in(f, HelpState::called);
    REQUIRE(f.desk().identify(recent, "310101199001015678", Actor::resident()).ok());
    CHECK(f.desk().purge_expired() == 1);
    auto purged = f.desk().get(old_one);
    CHECK(purged->purged);
    CHECK(purged->resident_id_masked.empty());
    CHECK(purged->note.empty());
    CHECK_FALSE(purged->identified);
    CHECK(f.desk().get(recent)->identified);  // open: kept
    CHECK(f.desk().counts().total == 2);
    CHECK(f.desk().counts().resolved == 1);
    CHECK(f.desk().purge_expired() == 0);
}

TEST_CASE("a request key makes a retried call return the first request, once") {
    Fixture f;
    auto first = f.desk().call({"", "screen", "tap-42"}, Actor::resident());
    auto retry = f.desk().call({"", "screen", "tap-42"}, Actor::resident());
    REQUIRE(first.ok());
    REQUIRE(retry.ok());
    CHECK_FALSE(first.existing());
    CHECK(retry.existing());
    CHECK(retry->id == first->id);
    CHECK(f.desk().counts().total == 1);
    CHECK(f.events.size() == 1);
}

TEST_CASE("requests and their journal survive reopening the station") {
    Fixture f;
    int64_t id = request_in(f, HelpState::acknowledged);
    int64_t last_event = f.desk().last_event_id();
    f.open();
    auto again = f.desk().get(id);
    REQUIRE(again);
    CHECK(again->state == HelpState::acknowledged);
    CHECK(again->acknowledged_by_name == "王老师");
    CHECK(f.desk().last_event_id() == last_event);
    CHECK(f.desk().call({}, Actor::resident())->ticket == "A002");
}

TEST_CASE("a rating is taken once, after resolution") {
    Fixture f;
    int64_t open = request_in(f, HelpState::arrived);
    CHECK_FALSE(f.desk().rate(open, 3, Actor::resident()).ok());
    int64_t done = request_in(f, HelpState::resolved);
    CHECK_FALSE(f.desk().rate(done, 4, Actor::resident()).ok());
    auto rated = f.desk().rate(done, 3, Actor::resident());
    REQUIRE(rated.ok());
    CHECK(rated->rating == 3);
    CHECK_FALSE(f.desk().rate(done, 1, Actor::resident()).ok());
}

TEST_CASE("[help], [[notify]] and [api] config: values, and errors naming file, line and key") {
    auto config = station::parse_config(R"(
[api]
allow_lan = true
[help]
level1_after_s = 30
level2_after_s = 90
retention_days = 7
[[notify]]
kind = "wecom"
url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
format = "markdown"
[[notify]]
kind = "dingtalk"
url = "https://oapi.dingtalk.com/robot/send?access_token=t"
secret = "SECabc"
level = 2
)",
                                        "s.toml");
    REQUIRE_MESSAGE(config.ok(), config.error().message);
    CHECK(config->api.allow_lan);
    CHECK(config->help.level1_after_s == 30);
    CHECK(config->help.retention_days == 7);
    REQUIRE(config->notify.size() == 2);
    CHECK(config->notify[0].format == "markdown");
    CHECK(config->notify[1].secret == "SECabc");
    CHECK(config->notify[1].level == 2);

    struct Bad {
        const char* text;
        const char* message;
    };
    const Bad cases[] = {
        {"[[notify]]\nkind = \"slack\"\nurl = \"http://x\"\n",
         "s.toml:2: key 'notify.kind': expected one of wecom, dingtalk, json"},
        {"[[notify]]\nkind = \"json\"\nurl = \"ftp://x\"\n",
         "s.toml:3: key 'notify.url': expected an http:// or https:// URL"},
        {"[[notify]]\nkind = \"json\"\n", "key 'notify.url': missing"},
        {"[[notify]]\nkind = \"json\"\nurl = \"http://x\"\ncolour = 1\n",
         "s.toml:4: unknown key 'notify.colour'"},
        {"[help]\nlevel1_after_s = 120\nlevel2_after_s = 100\n",
         "s.toml:3: key 'help.level2_after_s': must be greater"},
        {"[help]\nretention_days = 0\n", "s.toml:2: key 'help.retention_days': must be between 1 and 3650"},
    };
    for (const Bad& bad : cases) {
        CAPTURE(bad.text);
        auto refused = station::parse_config(bad.text, "s.toml");
        REQUIRE_FALSE(refused.ok());
        CHECK_MESSAGE(refused.error().message.find(bad.message) != std::string::npos,
                      refused.error().message);
    }
}
