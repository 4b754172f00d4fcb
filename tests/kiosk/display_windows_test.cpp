// The touch window and the public display's window (issues 4 and 5): where plan_displays() puts
// them, and the real window loop under a two-screen Xvfb: the public window opens on the second
// display, closes when it is unplugged (the content goes back to the touchscreen's attract loop),
// reopens when it returns, and both windows answer GET /api/v1/screenshot's capture.
#include <doctest/doctest.h>

#include <SDL.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/display_layout.h"
#include "kiosk/core/station.h"
#include "kiosk/ui/kiosk_window.h"
#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::ConnectedDisplay;
using station::DisplayPlan;
using station::StationConfig;

namespace {

std::vector<ConnectedDisplay> displays(int count) {
    std::vector<ConnectedDisplay> out;
    for (int i = 0; i < count; ++i) out.push_back({i, "HDMI-" + std::to_string(i + 1), 1920, 1080});
    return out;
}

StationConfig::Display display_config(int touch, int public_display) {
    StationConfig::Display config;
    config.touch_display = touch;
    config.public_display = public_display;
    return config;
}

}  // namespace

TEST_CASE("plan_displays puts the public window on the first other display, or leaves the content to the attract loop") {
    constexpr int kAuto = StationConfig::Display::kPublicAuto, kNone = StationConfig::Display::kPublicNone;
    DisplayPlan one = plan_displays(display_config(0, kAuto), displays(1));
    CHECK(one.touch == 0);
    CHECK_FALSE(one.touch_moved);
    CHECK(one.public_display == -1);
    CHECK(one.public_reason.find("no second display") != std::string::npos);

    DisplayPlan two = plan_displays(display_config(0, kAuto), displays(2));
    CHECK(two.public_display == 1);
    CHECK(two.public_reason.empty());

    DisplayPlan touch_second = plan_displays(display_config(1, kAuto), displays(3));
    CHECK(touch_second.touch == 1);
    CHECK(touch_second.public_display == 0);

    // The touchscreen's display is gone: the touch window stands in on 0, no public window.
    DisplayPlan moved = plan_displays(display_config(1, kAuto), displays(1));
    CHECK(moved.touch == 0);
    CHECK(moved.touch_moved);
    CHECK(moved.public_display == -1);

    DisplayPlan named = plan_displays(display_config(0, 2), displays(2));
    CHECK(named.public_display == -1);
    CHECK(named.public_reason.find("display 2 not connected") != std::string::npos);
    CHECK(plan_displays(display_config(0, 2), displays(3)).public_display == 2);

    DisplayPlan none = plan_displays(display_config(0, kNone), displays(3));
    CHECK(none.public_display == -1);
    CHECK(none.public_reason.find("none configured") != std::string::npos);
}

TEST_CASE("the public window opens on the second display, closes on unplug, reopens on replug, and both windows capture") {
    station::test::TempDir dir;
    station::test::VirtualDisplay x(1280, 720, 1024, 768);
    setenv("DISPLAY", x.name().c_str(), 1);
    unsetenv("SDL_VIDEODRIVER");
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    station::set_active_catalogue(*station::Catalogue::embedded("zh-CN"));
    station::StationOptions options;
    options.data_dir = dir / "data";
    auto opened = station::Station::open(options);
    REQUIRE(opened.ok());
    station::Station& station = **opened;

    std::vector<nlohmann::json> health;  // device.health of the two screens, in order
    std::mutex health_mutex;
    station.events().subscribe([&](const station::Event& event) {
        if (event.type != "device.health") return;
        std::string device = event.data.value("device", "");
        if (device != "touch_screen" && device != "public_display") return;
        std::lock_guard lock(health_mutex);
        health.push_back(event.data);
    });

    std::atomic<bool> second_plugged{true};
    station::UiQueue ui_queue;
    station::ui::WindowOptions window;
    window.fullscreen = false;
    window.width = 1024;
    window.height = 600;
    window.renderer = "software";
    window.dpi = 96;
    station::ui::WindowOptions::Capture capture;
    std::mutex capture_mutex;
    window.on_capture = [&](station::ui::WindowOptions::Capture c) {
        std::lock_guard lock(capture_mutex);
        capture = std::move(c);
    };
    window.displays = [&second_plugged] {
        std::vector<ConnectedDisplay> all;
        for (int i = 0; i < SDL_GetNumVideoDisplays(); ++i) all.push_back({i, "screen", 1280, 720});
        if (!second_plugged && all.size() > 1) all.resize(1);
        return all;
    };

    auto screen = [&station](const std::string& device) {
        for (const auto& s : station.screens().snapshot())
            if (s.device == device) return s;
        return station::ScreenStatus{};
    };
    auto wait_until = [](const std::function<bool()>& done) {
        for (int i = 0; i < 400 && !done(); ++i) std::this_thread::sleep_for(25ms);
        return done();
    };
    auto display_event = [](Uint8 kind, int index) {
        SDL_Event event{};
        event.type = SDL_DISPLAYEVENT;
        event.display.event = kind;
        event.display.display = Uint32(index);
        SDL_PushEvent(&event);
    };
    auto png_of = [&](const std::string& device) -> station::Result<std::string> {
        station::ui::WindowOptions::Capture c;
        {
            std::lock_guard lock(capture_mutex);
            c = capture;
        }
        if (!c) return station::Error{"no capture function"};
        return c(device);
    };

    // The checks run on a driver thread; the window loop runs here, as it does in station-kiosk.
    std::string failure;
    std::thread driver([&] {
        auto fail = [&failure](const std::string& what) {
            if (failure.empty()) failure = what;
        };
        if (!wait_until([&] { return screen("public_display").window && screen("touch_screen").window; }))
            fail("the two windows did not open");
        if (screen("public_display").display != 1) fail("the public window is not on display 1");
        if (screen("touch_screen").status != "ok") fail("the touch screen is not ok");

        auto touch_png = png_of("touch_screen");
        if (!touch_png || touch_png->substr(1, 3) != "PNG") fail("no touch screen capture");
        auto public_png = png_of("public_display");
        if (!public_png || public_png->substr(1, 3) != "PNG") fail("no public display capture");

        second_plugged = false;
        display_event(SDL_DISPLAYEVENT_DISCONNECTED, 1);
        if (!wait_until([&] { return !screen("public_display").window; })) fail("the public window stayed after unplug");
        auto unplugged = screen("public_display");
        if (unplugged.status != "offline") fail("unplugged public display is " + unplugged.status);
        if (unplugged.reason.find("attract loop") == std::string::npos) fail("unplug reason: " + unplugged.reason);
        auto gone = png_of("public_display");
        if (gone || gone.error().message.find("no public display window") == std::string::npos)
            fail("capture of a closed public window did not say so");

        second_plugged = true;
        display_event(SDL_DISPLAYEVENT_CONNECTED, 1);
        if (!wait_until([&] { return screen("public_display").window; })) fail("the public window did not come back");
        if (screen("public_display").status != "ok") fail("replugged public display not ok");

        SDL_Event quit{};
        quit.type = SDL_QUIT;
        SDL_PushEvent(&quit);
    });
    int exit_code = station::ui::run_kiosk_window(station, ui_queue, window);
    driver.join();
    CHECK_MESSAGE(failure.empty(), failure);
    CHECK(exit_code == 0);
    CHECK_FALSE(screen("touch_screen").window);  // closed with the loop

    std::lock_guard lock(health_mutex);
    std::vector<std::string> public_changes;
    for (const auto& h : health)
        if (h["device"] == "public_display") public_changes.push_back(h["status"]);
    // ok (opened), offline (unplugged), ok (replugged), offline (closed at the end)
    REQUIRE(public_changes.size() >= 4);
    CHECK(public_changes[0] == "ok");
    CHECK(public_changes[1] == "offline");
    CHECK(public_changes[2] == "ok");
}
