// Displays: power schedule and brightness curve as pure functions, the scheduler against a
// recording backend, sysfs backlight on a fake folder, and the hardware backends reporting
// "not available" on a machine without the hardware.
#include <doctest/doctest.h>

#include <filesystem>

#include "display/display.h"
#include "process.h"
#include "temp_dir.h"

using namespace station::drivers;

namespace {

constexpr int kMon = 0, kFri = 4, kSat = 5, kSun = 6;
int hm(int h, int m) { return h * 60 + m; }

class RecordingBackend final : public DisplayBackend {
public:
    const char* kind() const override { return "test"; }
    Result<Ok> set_power(bool on) override {
        if (fail_next) {
            fail_next = false;
            return make_error(ErrorCode::Io, "test", "", "failed");
        }
        calls.push_back(on ? "on" : "off");
        return Ok{};
    }
    Result<Ok> set_brightness(int percent) override {
        calls.push_back("brightness " + std::to_string(percent));
        return Ok{};
    }
    bool supports_brightness() const override { return brightness; }
    DeviceHealth health() const override { return {HealthState::Ok, ""}; }
    std::vector<std::string> calls;
    bool fail_next = false;
    bool brightness = true;
};

}  // namespace

TEST_CASE("weekday schedule: on during opening hours, off outside and on days off") {
    auto s = PowerSchedule::parse("mon-fri 07:30-20:00; sat 09:00-12:00, 13:00-17:00; sun off");
    REQUIRE_MESSAGE(s.ok(), s.error().describe());
    CHECK_FALSE(power_on_at(*s, {kMon, hm(7, 29)}));
    CHECK(power_on_at(*s, {kMon, hm(7, 30)}));
    CHECK(power_on_at(*s, {kFri, hm(19, 59)}));
    CHECK_FALSE(power_on_at(*s, {kFri, hm(20, 0)}));
    CHECK(power_on_at(*s, {kSat, hm(10, 0)}));
    CHECK_FALSE(power_on_at(*s, {kSat, hm(12, 30)}));
    CHECK(power_on_at(*s, {kSat, hm(16, 59)}));
    CHECK_FALSE(power_on_at(*s, {kSun, hm(12, 0)}));
}

TEST_CASE("an interval past midnight belongs to the day it starts") {
    auto s = PowerSchedule::parse("fri 18:00-02:00");
    REQUIRE(s.ok());
    CHECK(power_on_at(*s, {kFri, hm(23, 59)}));
    CHECK(power_on_at(*s, {kSat, hm(1, 59)}));
    CHECK_FALSE(power_on_at(*s, {kSat, hm(2, 0)}));
    CHECK_FALSE(power_on_at(*s, {kFri, hm(1, 0)}));
    auto sunday = PowerSchedule::parse("sun 22:00-06:00");
    REQUIRE(sunday.ok());
    CHECK(power_on_at(*sunday, {kMon, hm(5, 0)}));  // wraps Sunday → Monday
}

TEST_CASE("daily, 24:00, wrap-around day ranges and later entries replacing earlier ones") {
    auto s = PowerSchedule::parse("daily 00:00-24:00\nsat-mon 08:00-09:00");
    REQUIRE(s.ok());
    CHECK(power_on_at(*s, {3, hm(23, 59)}));
    CHECK_FALSE(power_on_at(*s, {kSun, hm(10, 0)}));
    CHECK(power_on_at(*s, {kMon, hm(8, 30)}));
    CHECK(power_on_at(PowerSchedule::always_on(), {kSun, hm(3, 0)}));
    CHECK_FALSE(power_on_at(PowerSchedule{}, {kSun, hm(3, 0)}));
}

TEST_CASE("schedule parse errors name the entry and value") {
    auto bad_day = PowerSchedule::parse("mon-fry 08:00-09:00");
    REQUIRE_FALSE(bad_day.ok());
    CHECK(bad_day.error().field == "schedule.days");
    CHECK(bad_day.error().value == "mon-fry");
    auto bad_range = PowerSchedule::parse("mon 8:00-09:00");
    REQUIRE_FALSE(bad_range.ok());
    CHECK(bad_range.error().field == "schedule.range");
    CHECK_FALSE(PowerSchedule::parse("mon 25:00-26:00").ok());
    CHECK_FALSE(PowerSchedule::parse("mon 09:00-09:00").ok());
    CHECK_FALSE(PowerSchedule::parse("mon").ok());
}

TEST_CASE("minutes until the next power change") {
    auto s = PowerSchedule::parse("mon-fri 08:00-18:00");
    REQUIRE(s.ok());
    CHECK(minutes_until_change(*s, {kMon, hm(7, 0)}) == 60);
    CHECK(minutes_until_change(*s, {kMon, hm(8, 0)}) == 600);
    CHECK(minutes_until_change(*s, {kFri, hm(18, 0)}) == 2 * 1440 + 14 * 60);  // to Monday 08:00
    CHECK_FALSE(minutes_until_change(PowerSchedule::always_on(), {kMon, 0}).has_value());
}

TEST_CASE("brightness interpolates between points and wraps past midnight") {
    auto c = BrightnessCurve::parse("07:00=60, 12:00=100, 19:00=70, 22:00=30");
    REQUIRE(c.ok());
    CHECK(brightness_at(*c, hm(7, 0)) == 60);
    CHECK(brightness_at(*c, hm(9, 30)) == 80);
    CHECK(brightness_at(*c, hm(12, 0)) == 100);
    CHECK(brightness_at(*c, hm(20, 30)) == 50);
    // 22:00=30 → 07:00=60 over 9 hours: 03:00 is 30 + 30·5/9 ≈ 47.
    CHECK(brightness_at(*c, hm(3, 0)) == 47);
    CHECK(brightness_at(*c, hm(22, 0)) == 30);
    CHECK(brightness_at(BrightnessCurve{}, 100) == 100);
    CHECK(brightness_at(*BrightnessCurve::parse("10:00=40"), hm(3, 0)) == 40);
}

TEST_CASE("brightness parse errors name the bad value") {
    auto over = BrightnessCurve::parse("07:00=160");
    REQUIRE_FALSE(over.ok());
    CHECK(over.error().field == "brightness.percent");
    CHECK(over.error().value == "160");
    CHECK_FALSE(BrightnessCurve::parse("7am=50").ok());
    CHECK_FALSE(BrightnessCurve::parse("07:00=50, 07:00=60").ok());
    auto unsorted = BrightnessCurve::parse("20:00=10, 06:00=90");
    REQUIRE(unsorted.ok());
    CHECK(unsorted->points.front().minute == hm(6, 0));
}

TEST_CASE("to_local_time gives Monday-first weekdays") {
    using namespace std::chrono;
    setenv("TZ", "UTC", 1);
    tzset();
    // 2024-01-01 was a Monday.
    auto t = to_local_time(sys_days{year{2024} / 1 / 1} + hours(9) + minutes(5));
    CHECK(t.weekday == 0);
    CHECK(t.minute == hm(9, 5));
    CHECK(to_local_time(sys_days{year{2024} / 1 / 7}).weekday == 6);
}

TEST_CASE("scheduler only talks to the display when the wanted state changes") {
    RecordingBackend backend;
    DisplayScheduler scheduler(backend, *PowerSchedule::parse("daily 08:00-20:00"), *BrightnessCurve::parse("08:00=50, 20:00=100"));
    REQUIRE(scheduler.tick({kMon, hm(7, 0)}).ok());
    REQUIRE(scheduler.tick({kMon, hm(7, 30)}).ok());
    CHECK(backend.calls == std::vector<std::string>{"off"});
    REQUIRE(scheduler.tick({kMon, hm(8, 0)}).ok());
    REQUIRE(scheduler.tick({kMon, hm(8, 0)}).ok());
    CHECK(backend.calls == std::vector<std::string>{"off", "on", "brightness 50"});
    REQUIRE(scheduler.tick({kMon, hm(14, 0)}).ok());
    CHECK(backend.calls.back() == "brightness 75");
    CHECK(scheduler.applied_brightness() == 75);
}

TEST_CASE("scheduler retries a failed power change on the next tick") {
    RecordingBackend backend;
    backend.brightness = false;
    DisplayScheduler scheduler(backend, PowerSchedule::always_on(), {});
    backend.fail_next = true;
    CHECK_FALSE(scheduler.tick({kMon, 0}).ok());
    CHECK_FALSE(scheduler.applied_power().has_value());
    REQUIRE(scheduler.tick({kMon, 1}).ok());
    CHECK(backend.calls == std::vector<std::string>{"on"});
}

TEST_CASE("sysfs backlight writes brightness steps and bl_power in a fake sysfs folder") {
    station::test::TempDir dir;
    dir.write("max_brightness", "937\n");
    dir.write("brightness", "0\n");
    dir.write("bl_power", "0\n");
    auto backlight = SysfsBacklight::open(dir.path().string());
    REQUIRE(backlight.ok());
    CHECK((*backlight)->max_brightness() == 937);
    REQUIRE((*backlight)->set_brightness(50).ok());
    CHECK(station::test::read_file(dir / "brightness") == "469\n");
    REQUIRE((*backlight)->set_brightness(0).ok());
    CHECK(station::test::read_file(dir / "brightness") == "0\n");
    REQUIRE((*backlight)->set_power(false).ok());
    CHECK(station::test::read_file(dir / "bl_power") == "4\n");
    REQUIRE((*backlight)->set_power(true).ok());
    CHECK(station::test::read_file(dir / "bl_power") == "0\n");
    CHECK((*backlight)->health().state == HealthState::Ok);
}

TEST_CASE("sysfs backlight: 1 percent of a small range is still one step, a missing folder is not available") {
    station::test::TempDir dir;
    dir.write("max_brightness", "7\n");
    auto backlight = SysfsBacklight::open(dir.path().string());
    REQUIRE(backlight.ok());
    REQUIRE((*backlight)->set_brightness(1).ok());
    CHECK(station::test::read_file(dir / "brightness") == "1\n");
    auto missing = SysfsBacklight::open((dir / "nope").string());
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == ErrorCode::Unavailable);
    std::filesystem::remove_all(dir.path());
    CHECK_FALSE((*backlight)->set_power(true).ok());
    CHECK((*backlight)->health().state == HealthState::Offline);
}

TEST_CASE("display backends by config: unknown kind rejected, absent hardware not available") {
    auto unknown = open_display_backend({"hdmi", ""});
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().field == "display.kind");
    CHECK_FALSE(open_display_backend({"ddc", "x1"}).ok());
    auto dpms = open_display_backend({"dpms", ":93"});
    REQUIRE_FALSE(dpms.ok());
    CHECK(dpms.error().code == ErrorCode::Unavailable);
    CHECK(dpms.error().message.find("cannot open X display") != std::string::npos);
    auto ddc = open_display_backend({"ddc", "9"});
    if (!ddc) {
        CHECK(ddc.error().code == ErrorCode::Unavailable);
        CHECK(ddc.error().message.find("DDC/CI not available") != std::string::npos);
    }
}

TEST_CASE("HDMI-CEC without an adapter is not available") {
    auto cec = CecDisplay::open();
    if (!cec) {
        CHECK(cec.error().code == ErrorCode::Unavailable);
        CHECK(cec.error().message.find("HDMI-CEC") != std::string::npos);
    } else {
        CHECK_FALSE((*cec)->set_brightness(50).ok());
    }
}

TEST_CASE("X11 DPMS under Xvfb switches off and on, or says DPMS is missing") {
    std::unique_ptr<station::test::VirtualDisplay> display;
    try {
        display = std::make_unique<station::test::VirtualDisplay>(640, 480);
    } catch (const std::exception& e) {
        MESSAGE("Xvfb not available, skipped: " << e.what());
        return;
    }
    auto dpms = DpmsDisplay::open(display->name());
    if (!dpms) {
        CHECK(dpms.error().code == ErrorCode::Unavailable);
        return;
    }
    CHECK((*dpms)->set_power(false).ok());
    CHECK((*dpms)->set_power(true).ok());
    CHECK((*dpms)->set_brightness(50).error().code == ErrorCode::Unavailable);
}
