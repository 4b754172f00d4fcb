// Issue 4, the rest: the display's power schedule and brightness curve applied by the kiosk
// through a (fake sysfs) backlight; `stationctl device display|list`; the 设备状态 screen.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "kiosk/core/config.h"
#include "kiosk/core/display_power.h"
#include "kiosk/core/events.h"
#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::test::read_file;
using station::test::run_process;
using station::test::TempDir;
namespace fs = std::filesystem;

namespace {

void fake_backlight(const TempDir& dir, const std::string& name = "") {
    std::string prefix = name.empty() ? "" : name + "/";
    if (!name.empty()) fs::create_directories(dir / name);
    dir.write(prefix + "max_brightness", "1000\n");
    dir.write(prefix + "brightness", "1000\n");
    dir.write(prefix + "bl_power", "0\n");
}

// Shanghai local time on Wednesday 2026-11-25 at hh:mm.
station::TimePoint wednesday_at(int hh, int mm) {
    return station::from_ms(1795536000000 + (int64_t(hh) * 60 + mm) * 60000);  // 2026-11-25 00:00 +08:00
}

}  // namespace

TEST_CASE("display power: the schedule per weekday and the brightness curve reach the backlight") {
    setenv("TZ", "CST-8", 1);
    tzset();
    TempDir dir;
    fake_backlight(dir);
    station::StationConfig::DisplayPower config;
    config.backend = "sysfs";
    config.target = dir.path().string();
    config.schedule = "mon-fri 07:30-20:00; sat,sun 09:00-17:00";
    config.brightness = "07:00=60, 12:00=100, 19:00=70";
    station::EventBus events;
    std::vector<nlohmann::json> health;
    events.subscribe([&](const station::Event& e) {
        if (e.type == "device.health") health.push_back(e.data);
    });
    auto clock = std::make_shared<station::ManualClock>(wednesday_at(6, 0));
    station::DisplayPower power(config, events, *clock);
    CHECK(power.status().configured);

    power.tick_now();  // 06:00 Wednesday: before the screen's hours
    CHECK(read_file(dir / "bl_power") == "4\n");
    CHECK(power.status().power == false);
    CHECK(power.status().status == "ok");
    REQUIRE(health.size() == 1);
    CHECK(health[0]["device"] == "display");

    clock->set(wednesday_at(12, 0));  // noon: on, full brightness
    power.tick_now();
    CHECK(read_file(dir / "bl_power") == "0\n");
    CHECK(read_file(dir / "brightness") == "1000\n");
    clock->set(wednesday_at(19, 0));  // evening: dimmer
    power.tick_now();
    CHECK(read_file(dir / "brightness") == "700\n");
    CHECK(power.status().brightness == 70);
    clock->set(wednesday_at(20, 30));  // after hours on a weekday: off
    power.tick_now();
    CHECK(read_file(dir / "bl_power") == "4\n");
    clock->set(wednesday_at(20, 30) + std::chrono::hours(24 * 3));  // Saturday 20:30: off too
    power.tick_now();
    CHECK(read_file(dir / "bl_power") == "4\n");
    clock->set(wednesday_at(10, 0) + std::chrono::hours(24 * 3));  // Saturday 10:00: on
    power.tick_now();
    CHECK(read_file(dir / "bl_power") == "0\n");
    CHECK(power.status().to_json()["power"] == true);

    // The backlight disappears: offline, with the reason; it comes back on the next tick.
    fs::remove(dir / "max_brightness");
    station::DisplayPower lost(config, events, *clock);
    lost.tick_now();
    CHECK(lost.status().status == "offline");
    CHECK(lost.status().reason.find("显示屏无法控制") != std::string::npos);
    fake_backlight(dir);
    lost.tick_now();
    CHECK(lost.status().status == "ok");

    // The worker applies it on its own.
    clock->set(wednesday_at(6, 0));
    dir.write("bl_power", "0\n");
    station::DisplayPower worker(config, events, *clock);
    worker.start();
    for (int i = 0; i < 500 && read_file(dir / "bl_power") != "4\n"; ++i) std::this_thread::sleep_for(10ms);
    CHECK(read_file(dir / "bl_power") == "4\n");
    worker.stop();
}

TEST_CASE("display power: config names the backend and a bad schedule or curve names file and line and key") {
    TempDir dir;
    dir.write("ok.toml",
              "[display_power]\nbackend = \"sysfs\"\ntarget = \"/sys/class/backlight/x\"\n"
              "schedule = \"mon-fri 07:30-20:00\"\nbrightness = \"07:00=60, 22:00=30\"\n");
    auto ok = station::load_config(dir / "ok.toml");
    REQUIRE_MESSAGE(ok, ok.error().message);
    CHECK(ok->display_power.backend == "sysfs");
    CHECK(ok->display_power.schedule == "mon-fri 07:30-20:00");
    CHECK(station::StationConfig().display_power.backend.empty());
    struct Case {
        const char* text;
        const char* expect;
    } cases[] = {
        {"[display_power]\nbackend = \"hdmi\"\n", "bad.toml:2: key 'display_power.backend': expected one of"},
        {"[display_power]\nschedule = \"someday 7-8\"\n", "bad.toml:2: key 'display_power.schedule': "},
        {"[display_power]\nbrightness = \"07:00=150\"\n", "bad.toml:2: key 'display_power.brightness': "},
    };
    for (const auto& c : cases) {
        dir.write("bad.toml", c.text);
        auto r = station::load_config(dir / "bad.toml");
        REQUIRE(!r);
        CHECK_MESSAGE(r.error().message.find(c.expect) != std::string::npos, r.error().message);
    }
}

TEST_CASE("stationctl device display on|off|brightness N and device list through the drivers") {
    TempDir dir;
    fake_backlight(dir, "panel");
    std::string ctl = station::test::bin_path("stationctl"), target = (dir / "panel").string();
    auto off = run_process({ctl, "device", "display", "off", "--target", target}, {}, 30s);
    REQUIRE_MESSAGE(off.exit_code == 0, off.err);
    CHECK(read_file(dir / "panel" / "bl_power") == "4\n");
    auto on = run_process({ctl, "device", "display", "on", "--target", target, "--json"}, {}, 30s);
    REQUIRE_MESSAGE(on.exit_code == 0, on.err);
    CHECK(nlohmann::json::parse(on.out)["result"] == "ok");
    CHECK(read_file(dir / "panel" / "bl_power") == "0\n");
    auto dim = run_process({ctl, "device", "display", "brightness", "40", "--target", target}, {}, 30s);
    REQUIRE_MESSAGE(dim.exit_code == 0, dim.err);
    CHECK(read_file(dir / "panel" / "brightness") == "400\n");

    auto bad = run_process({ctl, "device", "display", "brightness", "140", "--target", target}, {}, 30s);
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("expected 0-100") != std::string::npos);
    auto missing =
        run_process({ctl, "device", "display", "on", "--target", (dir / "nothing").string()}, {}, 30s);
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("display sysfs:" + (dir / "nothing").string()) != std::string::npos);

    fs::create_directories(dir / "root" / "dev" / "usb");
    dir.write("root/dev/ttyUSB0", "");
    dir.write("root/dev/usb/lp0", "");
    auto list = run_process({ctl, "device", "list", "--root", (dir / "root").string(), "--json"}, {}, 30s);
    REQUIRE_MESSAGE(list.exit_code == 0, list.err);
    auto devices = nlohmann::json::parse(list.out)["devices"];
    std::vector<std::string> paths;
    for (const auto& d : devices) paths.push_back(d["path"]);
    CHECK(std::find(paths.begin(), paths.end(), (dir / "root" / "dev" / "ttyUSB0").string()) != paths.end());
    CHECK(std::find(paths.begin(), paths.end(), (dir / "root" / "dev" / "usb" / "lp0").string()) !=
          paths.end());
}

TEST_CASE("the 设备状态 screen renders with --screenshot in --demo") {
    TempDir dir;
    auto r = run_process(
        {station::test::bin_path("station-kiosk"), "--demo", "--data", (dir / "d").string(), "--screenshot",
         (dir / "devices.png").string(), "--screen", "devices", "--size", "1920x1080"},
        {{"SDL_VIDEODRIVER", "dummy"}}, 60s);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(fs::file_size(dir / "devices.png") > 10000);
}
