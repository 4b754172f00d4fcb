// The console's 活动 tab and the kiosk's activity list printing: a golden screenshot over seeded
// activities (one that reached its minimum, one that did not), the print route's auth and answers,
// and sign-ups reaching the console masked, never as full numbers.
#include <doctest/doctest.h>
#include <stb_image.h>

#include <cstdlib>
#include <filesystem>
#include <csignal>
#include <thread>

#include "admin/client/kiosk_link.h"
#include "headless_kiosk.h"
#include "kiosk/core/activities.h"
#include "kiosk/core/database.h"
#include "kiosk/core/station.h"
#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::test::bin_path;
using station::test::run_process;

namespace {

// 2030-06-01 09:30 in Shanghai: far enough ahead that the activities stay upcoming.
constexpr int64_t kJune1st0930 = 1906507800000;
constexpr int64_t kConsoleClock = kJune1st0930 - 2 * 86'400'000;  // the console's header: 05-30
const char* kNumbers[] = {"310101195001011234", "310104194805052345", "31010519521212345X"};

void shanghai_time() {
    setenv("TZ", "CST-8", 1);
    tzset();
}

// Two activities with sign-ups: 太极 reached its minimum of 2, 手机课堂 is 4 short of 5.
void seed(const std::filesystem::path& data) {
    station::StationOptions options;
    options.data_dir = data;
    options.demo = false;  // no demo activities: only the two below
    auto opened = station::Station::open(options);
    REQUIRE(opened.ok());
    station::Station& s = **opened;
    REQUIRE(s.staff().add("zhang", "张站长", "1357", "admin").ok());
    REQUIRE(s.staff().add("li", "李编辑", "8642", "editor").ok());
    station::Activities activities(s);
    auto add = [&](const char* title, const char* place, int64_t starts, int capacity, int minimum) {
        station::NewActivity a;
        a.title = title;
        a.place = place;
        a.starts_at_ms = starts;
        a.ends_at_ms = starts + 90 * 60'000;
        a.capacity = capacity;
        a.min_signups = minimum;
        auto created = activities.create(a, "zhang");
        REQUIRE(created.ok());
        return created.value->id;
    };
    int64_t taiji = add("太极拳晨练", "居委会门前小广场", kJune1st0930, 30, 2);
    int64_t phone = add("智能手机课堂", "党群服务站二楼活动室", kJune1st0930 + 86'400'000, 20, 5);
    std::string salt = station::resident_id_salt(s.db());
    for (const char* number : {kNumbers[0], kNumbers[1], kNumbers[2]})
        REQUIRE(activities.sign_up(taiji, station::resident_key(salt, number), "idcard").ok());
    REQUIRE(activities.sign_up(phone, station::resident_key(salt, kNumbers[0]), "qr").ok());
}

double mean_difference(const std::string& a, const std::string& b) {
    int w1, h1, w2, h2, c;
    unsigned char* x = stbi_load(a.c_str(), &w1, &h1, &c, 4);
    unsigned char* y = stbi_load(b.c_str(), &w2, &h2, &c, 4);
    double total = 255;
    if (x && y && w1 == w2 && h1 == h2) {
        total = 0;
        for (size_t i = 0; i < size_t(w1) * size_t(h1) * 4; ++i) total += std::abs(int(x[i]) - int(y[i]));
        total /= double(w1) * double(h1) * 4;
    }
    stbi_image_free(x);
    stbi_image_free(y);
    return total;
}

void check_golden(const std::string& actual, const std::string& name) {
    std::string golden = std::string(STATION_SOURCE_DIR) + "/tests/golden/" + name + ".png";
    if (std::getenv("STATION_UPDATE_GOLDEN")) {
        std::filesystem::copy_file(actual, golden, std::filesystem::copy_options::overwrite_existing);
        MESSAGE("updated " << golden);
        return;
    }
    REQUIRE_MESSAGE(std::filesystem::exists(golden), golden << " is missing; create it with STATION_UPDATE_GOLDEN=1");
    double difference = mean_difference(actual, golden);
    CHECK_MESSAGE(difference <= 0.5, name << " differs from its golden image by " << difference << " per channel");
}

}  // namespace

TEST_CASE("golden: the activities tab with sign-ups against the minimum") {
    shanghai_time();
    station::test::TempDir dir;
    seed(dir / "d");
    station::test::HeadlessKiosk kiosk((dir / "d").string());
    auto png = (dir / "activities.png").string();
    auto r = run_process({bin_path("station-admin"), "--connect", kiosk.url, "--user", "zhang", "--pin", "1357",
                          "--screenshot", png, "--size", "1280x800", "--tab", "activities", "--clock",
                          std::to_string(kConsoleClock)},
                         {}, 60s);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    check_golden(png, "admin_activities_1280x800");
}

TEST_CASE("printing an activity's list: staff and admin only, 404 for an unknown one, audited") {
    shanghai_time();
    station::test::TempDir dir;
    seed(dir / "d");
    {
        station::test::HeadlessKiosk kiosk((dir / "d").string());
        auto anonymous = station::admin::ApiClient(kiosk.url).post("/api/v1/activities/1/print", nlohmann::json::object());
        CHECK(anonymous.status == 401);
        auto editor = kiosk.client("li", "8642").post("/api/v1/activities/1/print", nlohmann::json::object());
        CHECK(editor.status == 403);
        auto staff = kiosk.client();  // demo: staff
        auto unknown = staff.post("/api/v1/activities/999/print", nlohmann::json::object());
        CHECK(unknown.status == 404);
        auto printed = staff.post("/api/v1/activities/1/print", nlohmann::json::object());
        INFO(printed.error);
        REQUIRE(printed.status == 200);  // --demo: the printer simulator
        CHECK(printed.body["printed"] == true);
        CHECK(printed.body["signups"] == 3);
        kiosk.process->stop(SIGTERM);
    }
    station::StationOptions options;
    options.data_dir = dir / "d";
    auto opened = station::Station::open(options);
    REQUIRE(opened.ok());
    auto lock = (*opened)->db().lock();
    SQLite::Statement audit((*opened)->db().sql(),
                            "SELECT COUNT(*) FROM audit_log WHERE action = 'activities.print' AND actor = 'demo'");
    REQUIRE(audit.executeStep());
    CHECK(audit.getColumn(0).getInt() == 1);
}

TEST_CASE("the console's link lists activities and loads sign-ups masked, never full numbers") {
    shanghai_time();
    station::test::TempDir dir;
    seed(dir / "d");
    station::test::HeadlessKiosk kiosk((dir / "d").string());
    station::admin::KioskLinkOptions options;
    options.url = kiosk.url;
    options.user = "zhang";
    options.pin = "1357";
    options.thumbnails = false;
    station::admin::KioskLink link(options);
    auto wait = [&](const char* what, const std::function<bool(const station::admin::KioskSnapshot&)>& ready) {
        for (int i = 0; i < 400; ++i) {
            if (ready(link.snapshot())) return;
            std::this_thread::sleep_for(25ms);
        }
        FAIL("timed out waiting for " << what);
    };
    wait("the activities", [](const auto& s) { return s.activities.size() == 2; });
    auto s = link.snapshot();
    CHECK(s.activities[0]["goes_ahead"] == true);
    CHECK(s.activities[1]["goes_ahead"] == false);
    int64_t taiji = s.activities[0]["id"];
    link.load_signups(taiji);
    wait("the sign-ups", [&](const auto& snapshot) { return snapshot.signups.count(taiji) == 1; });
    auto list = link.snapshot().signups[taiji];
    REQUIRE(list.size() == 3);
    CHECK(list[0]["masked_id"] == "3101**********1234");
    for (const char* number : kNumbers) CHECK(list.dump().find(number) == std::string::npos);
}
