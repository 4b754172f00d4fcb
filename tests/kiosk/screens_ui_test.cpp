// The elderly-first service screens, rendered headless through OffscreenKiosk and tapped as a
// finger would: home's tiles, notices, activities (sign-up by ID card on the simulators, with a
// printed confirmation), guide, lessons, suggestions and rating.
#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <thread>

#include "drivers/sim/simulator.h"
#include "kiosk/core/activities.h"
#include "kiosk/core/catalogue.h"
#include "kiosk/core/devices.h"
#include "kiosk/core/feedback.h"
#include "kiosk/core/help_desk.h"
#include "kiosk/core/station.h"
#include "kiosk/ui/kiosk_ui.h"
#include "kiosk/ui/notices.h"
#include "kiosk/ui/offscreen.h"
#include "kiosk/ui/widgets.h"
#include "offscreen_station.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
namespace sim = station::drivers::sim;

namespace {

struct Kiosk : station::test::OffscreenStation {
    explicit Kiosk(int width = 1280, int height = 720) : OffscreenStation({width, height}) {}
    station::ui::FrameRecord frame() {
        screen->settle();
        screen->render_frame();
        for (int i = 0; i < 5 && screen->ui().wants_frame(); ++i) screen->render_frame();
        station::ui::FrameRecord record;
        station::ui::record_frame(&record);
        screen->render_frame();
        station::ui::record_frame(nullptr);
        return record;
    }
    void tap(const station::ui::DrawnTarget& target) {
        station::ui::simulate_tap(target.rect.center());
        screen->render_frame();
        screen->settle();
    }
    // The n-th target with this id in drawing order (rows share an id under their own ImGui ids).
    const station::ui::DrawnTarget* target(const station::ui::FrameRecord& record, const std::string& id,
                                           size_t n = 0) {
        for (const auto& t : record.targets)
            if (t.id == id && n-- == 0) return &t;
        return nullptr;
    }
    bool tap(const std::string& id, size_t n = 0) {
        auto record = frame();
        auto* t = target(record, id, n);
        if (!t) return false;
        tap(*t);
        return true;
    }
    static bool shows(const station::ui::FrameRecord& record, const std::string& text) {
        for (const auto& t : record.texts)
            if (t.text.find(text) != std::string::npos) return true;
        return false;
    }
    void open(const std::string& name) {  // as a visitor would: home shows first
        nav().home();
        frame();
        REQUIRE(nav().go(name));
    }
    int64_t count(const std::string& sql) {
        auto lock = station->db().lock();
        return station->db().sql().execAndGet(sql).getInt64();
    }
};

template <typename F>
bool eventually(F done, std::chrono::milliseconds limit = 10s) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return done();
}

const char* kServiceScreens[] = {"notices", "activities", "guide", "lessons", "suggestions", "rating"};

}  // namespace

TEST_CASE("screens: every service tile on home opens its screen - in landscape and portrait") {
    for (auto [w, h] : {std::pair{1280, 720}, std::pair{720, 1280}}) {
        CAPTURE(w);
        Kiosk k(w, h);
        for (size_t i = 0; i < std::size(kServiceScreens); ++i) {
            CAPTURE(kServiceScreens[i]);
            k.nav().home();
            REQUIRE(k.tap("##tile", i));
            CHECK(k.nav().current() == kServiceScreens[i]);
            auto record = k.frame();
            CHECK(record.find("##nav_home") != nullptr);
            CHECK(!record.texts.empty());
        }
    }
}

TEST_CASE("screens: the help button stays the largest thing on home") {
    Kiosk k(1920, 1080);
    auto record = k.frame();
    const auto* help = record.find("##help");
    REQUIRE(help);
    float help_area = help->rect.width() * help->rect.height();
    for (const auto& t : record.targets)
        if (t.id != "##help") CHECK(t.rect.width() * t.rect.height() < help_area);
}

TEST_CASE("screens: rating stores one of three faces and thanks the visitor") {
    Kiosk k;
    k.open("rating");
    REQUIRE(k.tap("##face", 0));  // the happy face comes first
    CHECK(k.count("SELECT COUNT(*) FROM station_ratings WHERE score = 3") == 1);
    auto record = k.frame();
    CHECK(Kiosk::shows(record, "谢谢您的评价"));
    // Rated once per visit: the faces wait for the next visitor.
    REQUIRE(k.tap("##face", 2));
    CHECK(k.count("SELECT COUNT(*) FROM station_ratings") == 1);
}

TEST_CASE("screens: a suggestion by taps only - and 请工作人员联系我 calls staff") {
    Kiosk k(720, 1280);
    k.open("suggestions");
    auto record = k.frame();
    const auto* send = k.target(record, "##send");
    CHECK(send == nullptr);         // nothing to send before a topic
    REQUIRE(k.tap("##topic", 3));   // 设施设备
    REQUIRE(k.tap("##phrase", 1));  // 需要老花镜
    REQUIRE(k.tap("##contact"));
    REQUIRE(k.tap("##send"));
    auto saved = station::Feedback(*k.station).suggestions_since(0);
    REQUIRE(saved.size() == 1);
    CHECK(saved[0].topic == "facilities");
    CHECK(saved[0].phrases == std::vector<std::string>{"需要老花镜"});
    CHECK(saved[0].contact_requested);
    auto request = k.station->help_desk().get(saved[0].help_request_id);
    REQUIRE(request);
    CHECK(request->source == "suggestion");
    CHECK(request->category == "consult");
    CHECK(Kiosk::shows(k.frame(), request->ticket));
}

TEST_CASE("screens: the guide shows what to bring - where and when from DATA/guide.toml") {
    Kiosk k(1920, 1080);
    k.open("guide");
    auto record = k.frame();
    CHECK(Kiosk::shows(record, "老年综合津贴"));
    CHECK(Kiosk::shows(record, "要带的材料"));
    REQUIRE(k.tap("##entry", 1));  // 居住证办理
    record = k.frame();
    CHECK(Kiosk::shows(record, "租赁合同"));
    CHECK(Kiosk::shows(record, "3号窗口"));

    // The station edits the file; the next visit reads it. A broken file says so, in words.
    k.dir.write("guide.toml",
                "[[entry]]\ntitle = \"敬老卡\"\nbring = [\"户口簿\"]\nwhere = \"服务台\"\nwhen = \"周三\"\n");
    k.open("guide");
    CHECK(Kiosk::shows(k.frame(), "敬老卡"));
    k.dir.write("guide.toml", "[[entry]\n");
    k.open("guide");
    CHECK(Kiosk::shows(k.frame(), "暂时打不开"));
}

TEST_CASE("screens: notices and lessons say so when there is no content") {
    Kiosk k;
    k.open("notices");
    CHECK(Kiosk::shows(k.frame(), "暂无通知"));
    k.open("lessons");
    CHECK(Kiosk::shows(k.frame(), "暂时没有视频课程"));
}

TEST_CASE("screens: notices come highest priority first - lessons are the video items") {
    station::content::ContentModel model;
    station::content::Item a;
    a.id = "water";
    a.kind = station::content::ItemKind::notice;
    a.title = "停水通知";
    a.priority = 1;
    a.date = "2026-11-20";
    station::content::Item b = a;
    b.id = "flu";
    b.title = "流感疫苗接种";
    b.priority = 5;
    b.narration = "flu.wav";
    station::content::Item c = a;
    c.id = "newer";
    c.title = "垃圾分类宣传";
    c.date = "2026-11-24";
    station::content::Item v;
    v.id = "phone";
    v.kind = station::content::ItemKind::video;
    v.file = "lessons/智能手机入门.mp4";
    model.items = {a, v, b, c};
    auto notices = station::ui::notices_from(model);
    REQUIRE(notices.size() == 3);
    CHECK(notices[0].id == "flu");
    CHECK(notices[0].narration == "flu.wav");
    CHECK(notices[1].id == "newer");
    CHECK(notices[2].id == "water");
    auto lessons = station::ui::lessons_from(model);
    REQUIRE(lessons.size() == 1);
    CHECK(lessons[0].title == "智能手机入门");
}

TEST_CASE(
    "screens: activities list to detail to sign up by ID card - printed - counted - no ID number in logs") {
    std::ostringstream logs;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(logs);
    auto logger = spdlog::default_logger();
    auto old_level = logger->level();
    logger->sinks().push_back(sink);
    logger->set_level(spdlog::level::trace);
    struct Restore {
        std::shared_ptr<spdlog::logger> logger;
        spdlog::level::level_enum level;
        ~Restore() {
            logger->sinks().pop_back();
            logger->set_level(level);
        }
    } restore{logger, old_level};

    Kiosk k(1920, 1080);
    k.station->start_services();
    auto* sims = k.station->devices().simulators();
    REQUIRE(sims);
    REQUIRE(eventually([&] { return k.station->devices().status("idcard")->status == "ok"; }));
    REQUIRE(eventually([&] { return k.station->devices().status("printer")->status == "ok"; }));

    std::atomic<int> cards{0};
    int subscription = k.station->events().subscribe([&](const station::Event& e) {
        if (e.type == "device.card") ++cards;
    });

    k.open("activities");
    auto record = k.frame();
    CHECK(Kiosk::shows(record, "太极拳晨练"));
    REQUIRE(k.tap("##activity", 1));  // the second soonest: 智能手机课堂, needs 5 to go ahead
    REQUIRE(k.nav().current() == "activity");
    record = k.frame();
    CHECK(Kiosk::shows(record, "智能手机课堂"));
    CHECK(Kiosk::shows(record, "还差5人"));
    CHECK(k.nav().depth() == 2);

    // A card before 我要报名 signs up nobody.
    auto card = sim::IdCardSimulator::sample_card();
    const std::string number = card.id_number;
    sims->idcard->place_card(card);
    REQUIRE(eventually([&] { return cards.load() == 1; }));
    CHECK(k.count("SELECT COUNT(*) FROM activity_signups") == 0);

    REQUIRE(k.tap("##signup"));
    CHECK(Kiosk::shows(k.frame(), "身份证"));
    sims->idcard->lift_card();
    std::this_thread::sleep_for(800ms);  // the reader polls every 300 ms: let it see the card gone
    sims->idcard->place_card(sim::IdCardSimulator::sample_card());
    bool signed_up = eventually([&] { return k.count("SELECT COUNT(*) FROM activity_signups") == 1; });
    INFO("cards read: " << cards.load());
    REQUIRE(signed_up);
    REQUIRE(eventually([&] {
        auto r = k.frame();
        return Kiosk::shows(r, "确认单已打印");
    }));
    record = k.frame();
    CHECK(Kiosk::shows(record, "报名成功"));
    CHECK(Kiosk::shows(record, "还差4人"));
    CHECK(sims->printer->record().cuts >= 1);

    // The same card again is refused in words, and nothing is added.
    REQUIRE(k.tap("##signup"));
    sims->idcard->lift_card();
    std::this_thread::sleep_for(800ms);  // the reader polls every 300 ms: let it see the card gone
    sims->idcard->place_card(sim::IdCardSimulator::sample_card());
    REQUIRE(eventually([&] { return Kiosk::shows(k.frame(), "已经报过名"); }));
    CHECK(k.count("SELECT COUNT(*) FROM activity_signups") == 1);

    k.station->stop_services();
    k.station->events().unsubscribe(subscription);
    CHECK(logs.str().find(number) == std::string::npos);
    for (const auto& t : record.texts) CHECK(t.text.find(number) == std::string::npos);
}

TEST_CASE("screens: a resident QR code signs up too - a code that is not one is refused in words") {
    Kiosk k(1920, 1080);
    k.station->start_services();
    auto* sims = k.station->devices().simulators();
    REQUIRE(sims);
    REQUIRE(eventually([&] { return k.station->devices().status("qr")->status == "ok"; }));
    k.open("activities");
    REQUIRE(k.tap("##activity", 0));
    REQUIRE(k.nav().current() == "activity");

    REQUIRE(k.tap("##signup"));
    sims->qr->emit_scan("https://example.com/not-a-resident");
    REQUIRE(eventually([&] { return Kiosk::shows(k.frame(), "二维码认不出来"); }));
    CHECK(k.count("SELECT COUNT(*) FROM activity_signups") == 0);

    REQUIRE(k.tap("##signup"));
    sims->qr->emit_scan("SH-RES-000123");
    REQUIRE(
        eventually([&] { return k.count("SELECT COUNT(*) FROM activity_signups WHERE via = 'qr'") == 1; }));
    REQUIRE(eventually([&] { return Kiosk::shows(k.frame(), "报名成功"); }));
    CHECK(k.count("SELECT COUNT(*) FROM activity_signups WHERE masked_id = 'SH-R*****0123'") == 1);
    k.station->stop_services();
}
