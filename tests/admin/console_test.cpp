// station-admin over seeded data: golden screenshots of the help queue and the reports, a wrong PIN,
// and the console's link resuming its event stream with Last-Event-ID after the network drops,
// losing nothing. Goldens live in tests/golden/admin_*.png; refresh them after an intended change
// with STATION_UPDATE_GOLDEN=1 ctest -R 'admin: golden' and look at them before committing.
#include <doctest/doctest.h>
#include <stb_image.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "admin/client/kiosk_link.h"
#include "headless_kiosk.h"
#include "relay.h"
#include "kiosk/core/help_desk.h"
#include "kiosk/core/station.h"
#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::Actor;
using station::test::bin_path;
using station::test::run_process;

namespace {

constexpr double kTolerance = 0.5;  // mean difference per channel, 0..255 (as the kiosk's goldens)

int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void shanghai_time() {
    setenv("TZ", "CST-8", 1);  // the kiosk and console inherit it; no tzdata needed
    tzset();
}

// Opens the station's database on `data` with a clock at `at_ms`, runs `seed`, closes it again.
void seed_station(const std::filesystem::path& data, int64_t at_ms,
                  const std::function<void(station::Station&, station::ManualClock&)>& seed) {
    auto clock = std::make_shared<station::ManualClock>(station::from_ms(at_ms));
    station::StationOptions options;
    options.data_dir = data;
    options.clock = clock;
    options.demo = true;
    auto opened = station::Station::open(options);
    REQUIRE(opened.ok());
    seed(**opened, *clock);
}

double compare_with_golden(const std::string& actual, const std::string& golden) {
    int w = 0, h = 0, aw = 0, ah = 0, channels = 0;
    unsigned char* expected = stbi_load(golden.c_str(), &w, &h, &channels, 4);
    unsigned char* got = stbi_load(actual.c_str(), &aw, &ah, &channels, 4);
    double total = 255;
    if (expected && got && w == aw && h == ah) {
        total = 0;
        size_t n = size_t(w) * size_t(h) * 4;
        for (size_t i = 0; i < n; ++i) total += std::abs(int(got[i]) - int(expected[i]));
        total /= double(n);
    }
    if (expected) stbi_image_free(expected);
    if (got) stbi_image_free(got);
    return total;
}

void check_golden(const std::string& actual, const std::string& name) {
    std::string golden = std::string(STATION_SOURCE_DIR) + "/tests/golden/" + name + ".png";
    if (std::getenv("STATION_UPDATE_GOLDEN")) {
        std::filesystem::copy_file(actual, golden, std::filesystem::copy_options::overwrite_existing);
        MESSAGE("updated " << golden);
        return;
    }
    REQUIRE_MESSAGE(std::filesystem::exists(golden),
                    golden << " is missing; create it with STATION_UPDATE_GOLDEN=1 and review it");
    double difference = compare_with_golden(actual, golden);
    if (difference >= kTolerance) {
        std::string kept = (std::filesystem::temp_directory_path() / (name + ".actual.png")).string();
        std::filesystem::copy_file(actual, kept, std::filesystem::copy_options::overwrite_existing);
        FAIL_CHECK(name << " differs from its golden image by " << difference << " per channel (tolerance "
                        << kTolerance << "); see " << kept);
    }
}

// Waits until `ready` holds for the kiosk's open requests (the escalation ladder acts at start).
void wait_for_requests(const station::test::HeadlessKiosk& kiosk,
                       const std::function<bool(const nlohmann::json&)>& ready) {
    auto client = kiosk.client("zhang", "1357");
    for (int i = 0; i < 300; ++i) {
        auto reply = client.get("/api/v1/requests?state=open");
        if (reply.ok() && ready(reply.body["requests"])) return;
        std::this_thread::sleep_for(50ms);
    }
    FAIL("the kiosk's requests never reached the expected state");
}

}  // namespace

TEST_CASE("golden: the help queue with SLA countdowns and escalation levels") {
    shanghai_time();
    station::test::TempDir dir;
    const int64_t now = wall_ms();
    seed_station(dir / "d", now - 400'000, [](station::Station& s, station::ManualClock& clock) {
        REQUIRE(s.staff().add("zhang", "张站长", "1357", "admin").ok());
        auto& desk = s.help_desk();
        const Actor wang = Actor::staff("wang", "王老师");
        auto call = [&](const char* category) {
            station::CallOptions options;
            options.category = category;
            auto r = desk.call(options, Actor::resident());
            REQUIRE(r.ok());
            return r->id;
        };
        int64_t errand = call("errand");  // A001: arrived, now-400 s
        clock.advance(50s);
        REQUIRE(desk.arrive(errand, wang).ok());
        clock.advance(50s);
        int64_t consult = call("consult");  // A002: acknowledged, now-300 s
        clock.advance(50s);
        REQUIRE(desk.acknowledge(consult, wang).ok());
        clock.advance(50s);
        call("medical");  // A003: nobody for 200 s: level 2
        clock.advance(100s);
        call("repair");  // A004: 100 s: level 1
        clock.advance(90s);
        call("meal");  // A005: 10 s, inside the SLA
    });
    station::test::HeadlessKiosk kiosk((dir / "d").string());
    wait_for_requests(kiosk, [](const nlohmann::json& list) {
        int escalated = 0;
        for (const auto& r : list) escalated += r["escalation"]["level"].get<int>();
        return list.size() == 5 && escalated == 3;  // A003 at 2, A004 at 1
    });
    auto png = (dir / "queue.png").string();
    auto r = run_process({bin_path("station-admin"), "--connect", kiosk.url, "--user", "zhang", "--pin",
                          "1357", "--screenshot", png, "--size", "1280x800", "--clock", std::to_string(now)},
                         {}, 60s);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    check_golden(png, "admin_calls_1280x800");
}

TEST_CASE("golden: reports with calls per day, time to acknowledge, SLA share and satisfaction") {
    shanghai_time();
    station::test::TempDir dir;
    const int64_t nov23_0900 = 1795395600000;  // 2026-11-23 09:00 Shanghai
    seed_station(dir / "d", nov23_0900, [&](station::Station& s, station::ManualClock& clock) {
        REQUIRE(s.staff().add("zhang", "张站长", "1357", "admin").ok());
        auto& desk = s.help_desk();
        const Actor wang = Actor::staff("wang", "王老师");
        int seconds[] = {12, 35, 80, 20, 44, 150, 30, 25, 18};
        for (int day = 0; day < 3; ++day) {
            clock.set(station::from_ms(nov23_0900 + int64_t(day) * 86'400'000));
            for (int i = 0; i < 3 + day; ++i) {
                auto r = desk.call({}, Actor::resident());
                REQUIRE(r.ok());
                clock.advance(std::chrono::seconds(seconds[(day * 3 + i) % 9]));
                REQUIRE(desk.acknowledge(r->id, wang).ok());
                REQUIRE(desk.resolve(r->id, wang).ok());
                REQUIRE(desk.rate(r->id, 1 + (i + day) % 3, Actor::resident()).ok());
                clock.advance(20min);
            }
        }
    });
    station::test::HeadlessKiosk kiosk((dir / "d").string());
    auto png = (dir / "reports.png").string();
    auto r =
        run_process({bin_path("station-admin"), "--connect", kiosk.url, "--user", "zhang", "--pin", "1357",
                     "--screenshot", png, "--size", "1280x800", "--tab", "reports", "--from", "2026-11-23",
                     "--to", "2026-11-25", "--clock", std::to_string(nov23_0900 + 3 * 86'400'000)},
                    {}, 60s);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    check_golden(png, "admin_reports_1280x800");
}

TEST_CASE("station-admin --screenshot with a wrong PIN says so and exits 1") {
    station::test::TempDir dir;
    station::test::HeadlessKiosk kiosk((dir / "d").string());
    auto png = (dir / "x.png").string();
    auto r = run_process({bin_path("station-admin"), "--connect", kiosk.url, "--user", "demo", "--pin",
                          "0000", "--screenshot", png, "--size", "800x600"},
                         {}, 60s);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("login") != std::string::npos);
    auto usage = run_process({bin_path("station-admin"), "--screenshot", png, "--size", "800x600"});
    CHECK(usage.exit_code == 2);
    auto size = run_process({bin_path("station-admin"), "--size", "big"});
    CHECK(size.exit_code == 2);
}

TEST_CASE("the console's link resumes the event stream with Last-Event-ID and loses nothing") {
    station::test::TempDir dir;
    station::test::HeadlessKiosk kiosk((dir / "d").string());
    station::test::Relay relay(kiosk.port());
    station::admin::KioskLinkOptions options;
    options.url = relay.url();
    options.user = "demo";
    options.pin = "2468";
    options.thumbnails = false;
    options.reconnect_delay = 100ms;
    std::mutex mutex;
    std::vector<std::string> types;  // help request changes as the link saw them, in order
    options.on_event = [&](const std::string& type, const nlohmann::json&) {
        if (type != "help.called" && type != "help.acknowledged") return;
        std::lock_guard<std::mutex> guard(mutex);
        types.push_back(type);
    };
    auto seen = [&] {
        std::lock_guard<std::mutex> guard(mutex);
        return types.size();
    };
    station::admin::KioskLink link(options);
    auto wait = [&](const char* what,
                    const std::function<bool(const station::admin::KioskSnapshot&)>& ready) {
        for (int i = 0; i < 400; ++i) {
            if (ready(link.snapshot())) return;
            std::this_thread::sleep_for(25ms);
        }
        FAIL("timed out waiting for " << what);
    };
    wait("the stream", [](const auto& s) { return s.stream_open && s.loaded; });

    int64_t first = kiosk.call("medical");
    wait("the first call", [&](const auto& s) { return seen() == 1 && s.open_requests.count(first); });

    relay.cut();
    wait("the stream to drop", [](const auto& s) { return !s.stream_open; });
    // While the console is cut off: two calls and an acknowledgement.
    int64_t second = kiosk.call("meal");
    int64_t third = kiosk.call("repair");
    REQUIRE(kiosk.client()
                .post("/api/v1/requests/" + std::to_string(first) + "/acknowledge", nlohmann::json::object())
                .ok());
    relay.restore();

    wait("the missed events", [&](const auto&) { return seen() >= 4; });
    std::this_thread::sleep_for(300ms);  // anything extra (a duplicate) would arrive now
    auto s = link.snapshot();
    CHECK(s.stream_connects >= 2);
    CHECK(s.open_requests.count(second) == 1);
    CHECK(s.open_requests.count(third) == 1);
    REQUIRE(s.open_requests.count(first) == 1);
    CHECK(s.open_requests[first]["state"] == "acknowledged");
    std::lock_guard<std::mutex> guard(mutex);
    CHECK(types ==
          std::vector<std::string>{"help.called", "help.called", "help.called", "help.acknowledged"});
}

TEST_CASE("station-admin --config: kiosks and user from TOML, a bad key named with file and line") {
    station::test::TempDir dir;
    station::test::HeadlessKiosk kiosk((dir / "d").string());
    dir.write("admin.toml", "kiosks = [\"" + kiosk.url + "\"]\nuser = \"demo\"\n");
    auto png = (dir / "c.png").string();
    auto ok = run_process({bin_path("station-admin"), "--config", (dir / "admin.toml").string(), "--pin",
                           "2468", "--screenshot", png, "--size", "800x600"},
                          {}, 60s);
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(std::filesystem::exists(png));

    dir.write("bad.toml", "user = \"demo\"\nkiosk = [\"http://127.0.0.1:8600\"]\n");
    auto bad = run_process({bin_path("station-admin"), "--config", (dir / "bad.toml").string()});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("bad.toml:2: key 'kiosk': unknown") != std::string::npos);
    dir.write("url.toml", "kiosks = [\"kiosk-7\"]\n");
    auto url = run_process({bin_path("station-admin"), "--config", (dir / "url.toml").string()});
    CHECK(url.exit_code == 2);
    CHECK(url.err.find("key 'kiosks': expected a kiosk address") != std::string::npos);
}
