// The touchscreen's side of 一键通达: HelpSession over the real HelpDesk, and the help screen.
#include <doctest/doctest.h>
#include <stb_image.h>

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/help_desk.h"
#include "kiosk/core/station.h"
#include "kiosk/ui/kiosk_ui.h"
#include "kiosk/ui/offscreen.h"
#include "offscreen_station.h"
#include "temp_dir.h"

using namespace std::chrono_literals;

namespace {

struct Kiosk : station::test::OffscreenStation {
    explicit Kiosk(int width = 1280, int height = 720) : OffscreenStation({width, height}) {}
    station::ui::HelpSession& help() { return screen->ui().help(); }
    void tap_help() {
        help().call();
        screen->show("help");
        screen->settle();
        screen->render_frame();
    }
    // What staff do through the API, then the event reaching the screen.
    void staff(const std::function<station::HelpResult(station::HelpDesk&, int64_t)>& operation) {
        auto result = operation(station->help_desk(), help().current()->id);
        REQUIRE_MESSAGE(result.ok(), result.error());
        screen->settle();
        screen->render_frame();
    }
};

const station::Actor kWang = station::Actor::staff("wang", "王老师");

}  // namespace

TEST_CASE("one tap on help commits a call before the screen shows its ticket") {
    Kiosk k;
    k.help().call();
    CHECK(k.help().sending());
    CHECK_FALSE(k.help().current());  // nothing is shown as sent before the desk has committed it
    k.screen->settle();
    REQUIRE(k.help().current());
    CHECK_FALSE(k.help().sending());
    const auto& call = *k.help().current();
    CHECK(std::regex_match(call.ticket, std::regex("^[A-Z][0-9]{3}$")));
    CHECK(call.state == "called");
    CHECK(call.status_text.find("已通知工作人员") != std::string::npos);
    auto stored = k.station->help_desk().get(call.id);
    REQUIRE(stored);
    CHECK(stored->source == "screen");
}

TEST_CASE("tapping help again while a call is open shows it instead of calling twice") {
    Kiosk k;
    k.tap_help();
    k.tap_help();
    CHECK(k.station->help_desk().open_requests().size() == 1);
}

TEST_CASE("every change staff make shows on the screen in words") {
    Kiosk k;
    k.tap_help();
    k.staff([](station::HelpDesk& desk, int64_t id) { return desk.acknowledge(id, kWang); });
    CHECK(k.help().current()->state == "acknowledged");
    CHECK(k.help().current()->status_text == "王老师正在赶来");
    k.staff([](station::HelpDesk& desk, int64_t id) { return desk.arrive(id, kWang); });
    CHECK(k.help().current()->state == "arrived");
    CHECK(k.help().current()->status_text.find("王老师已到") == 0);
    k.staff([](station::HelpDesk& desk, int64_t id) { return desk.resolve(id, kWang); });
    CHECK(k.help().current()->state == "resolved");
    CHECK_FALSE(k.help().has_open_call());
}

TEST_CASE("the resident can choose a category and the desk records it") {
    Kiosk k;
    k.tap_help();
    k.help().choose_category("meal");
    k.screen->settle();
    CHECK(k.station->help_desk().get(k.help().current()->id)->category == "meal");
    CHECK(k.help().current()->category == "meal");
}

TEST_CASE("按错了 works only inside the cancel window") {
    Kiosk k;
    k.tap_help();
    CHECK(k.help().can_cancel());
    k.clock->advance(16s);
    CHECK_FALSE(k.help().can_cancel());
    k.help().cancel_by_resident();  // ignored: too late
    k.screen->settle();
    CHECK(k.station->help_desk().get(k.help().current()->id)->state == station::HelpState::called);
}

TEST_CASE("按错了 within the window cancels the call") {
    Kiosk k;
    k.tap_help();
    k.clock->advance(5s);
    k.help().cancel_by_resident();
    k.screen->settle();
    CHECK(k.help().current()->state == "cancelled");
    CHECK(k.station->help_desk().get(k.help().current()->id)->state == station::HelpState::cancelled);
}

TEST_CASE("after resolution the resident rates with a face, once") {
    Kiosk k;
    k.tap_help();
    k.staff([](station::HelpDesk& desk, int64_t id) { return desk.acknowledge(id, kWang); });
    k.staff([](station::HelpDesk& desk, int64_t id) { return desk.resolve(id, kWang); });
    k.help().rate(3);
    k.screen->settle();
    CHECK(k.help().current()->rated);
    CHECK(k.station->help_desk().get(k.help().current()->id)->rating == 3);
}

TEST_CASE("going home keeps an open call and forgets a closed one") {
    Kiosk k;
    k.tap_help();
    k.help().dismiss();
    CHECK(k.help().current());
    k.staff([](station::HelpDesk& desk, int64_t id) { return desk.acknowledge(id, kWang); });
    k.staff([](station::HelpDesk& desk, int64_t id) { return desk.resolve(id, kWang); });
    k.help().dismiss();
    CHECK_FALSE(k.help().current());
}

TEST_CASE("golden: help screen with a call acknowledged, 1920x1080") {
    Kiosk k(1920, 1080);
    k.tap_help();
    k.help().choose_category("medical");
    k.screen->settle();
    k.staff([](station::HelpDesk& desk, int64_t id) { return desk.acknowledge(id, kWang); });
    for (int i = 0; i < 2; ++i) k.screen->render_frame();
    std::string golden = std::string(STATION_SOURCE_DIR) + "/tests/golden/help_1920x1080.png";
    if (const char* update = std::getenv("STATION_UPDATE_GOLDEN"); update && std::string(update) == "1") {
        REQUIRE(k.screen->save_png(golden).ok());
        return;
    }
    int w = 0, h = 0, n = 0;
    unsigned char* expected = stbi_load(golden.c_str(), &w, &h, &n, 4);
    REQUIRE_MESSAGE(expected, golden << " is missing; create it with STATION_UPDATE_GOLDEN=1 and review it");
    auto actual = k.screen->pixels_rgba();
    double difference = 0;
    for (size_t i = 0; i < actual.size(); ++i) difference += std::abs(int(actual[i]) - int(expected[i]));
    stbi_image_free(expected);
    difference /= double(actual.size());
    if (difference >= 0.5) (void)k.screen->save_png(std::filesystem::temp_directory_path() / "help_1920x1080.actual.png");
    CHECK(difference < 0.5);
}
