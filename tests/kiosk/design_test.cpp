// The elderly-first design system on every registered screen: the self-audit passes in both
// orientations, every screen is at most 2 taps from home, home and back stay in one place, and
// the 大字 toggle enlarges the type and resets for the next visitor.
#include <doctest/doctest.h>
#include <imgui_internal.h>

#include <cstdlib>
#include <deque>
#include <map>
#include <regex>
#include <set>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/station.h"
#include "kiosk/ui/kiosk_ui.h"
#include "kiosk/ui/offscreen.h"
#include "kiosk/ui/widgets.h"
#include "process.h"
#include "offscreen_station.h"
#include "temp_dir.h"

using station::test::bin_path;
using station::test::run_process;

namespace {

struct Kiosk : station::test::OffscreenStation {
    Kiosk(int width, int height) : OffscreenStation({width, height}) {}

    // Draws the current screen until it settles, then once more while recording it.
    station::ui::FrameRecord frame() {
        screen->settle();
        screen->render_frame();
        for (int i = 0; i < 5 && ui().wants_frame(); ++i) screen->render_frame();
        station::ui::FrameRecord record;
        station::ui::record_frame(&record);
        screen->render_frame();
        station::ui::record_frame(nullptr);
        return record;
    }

    // A finger on `target`'s centre: the frame that sees it acts on it.
    void tap(const station::ui::DrawnTarget& target) {
        station::ui::simulate_tap(target.rect.center());
        screen->render_frame();
        screen->settle();
    }
};

// The targets a visitor taps to move between screens; the chrome (home, back, 大字) is checked
// on its own.
bool is_chrome(const std::string& id) {
    return id == "##nav_home" || id == "##nav_back" || id == "##large_text";
}

std::map<std::string, std::string> parents() {
    std::map<std::string, std::string> result;
    for (const auto& screen : station::ui::make_screens()) result[screen->name()] = screen->parent();
    return result;
}

// Opens `name` through its declared parents, as a visitor would.
void open(Kiosk& k, const std::string& name) {
    auto parent_of = parents();
    std::vector<std::string> path;
    for (std::string at = name; !at.empty() && at != "home"; at = parent_of[at])
        path.insert(path.begin(), at);
    k.ui().navigator().home();
    for (const std::string& step : path) REQUIRE(k.ui().navigator().go(step));
}

}  // namespace

TEST_CASE("the audit passes at 96 dpi in landscape 1920x1080") {
    auto r =
        run_process({bin_path("station-kiosk"), "--demo", "--audit", "--size", "1920x1080", "--dpi", "96"},
                    {}, std::chrono::seconds(240));
    INFO(r.out);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    std::smatch m;
    REQUIRE(std::regex_search(r.out, m,
                              std::regex(R"(audit: screens=(\d+) targets=(\d+) min_target_mm=([0-9.]+) )"
                                         R"(min_text_pt=([0-9.]+) min_contrast=([0-9.]+) violations=0\n)")));
    CHECK(std::stoi(m[1]) == int(station::ui::screen_names().size()));
    CHECK(std::stoi(m[2]) > 0);
    CHECK(std::stod(m[3]) >= 20.0);
    CHECK(std::stod(m[4]) >= 18.0);
    CHECK(std::stod(m[5]) >= 4.5);
}

TEST_CASE("the audit passes at 96 dpi in portrait 1080x1920") {
    auto r =
        run_process({bin_path("station-kiosk"), "--demo", "--audit", "--size", "1080x1920", "--dpi", "96"},
                    {}, std::chrono::seconds(240));
    INFO(r.out);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("violations=0\n") != std::string::npos);
}

TEST_CASE("the audit reports each breach with its number and fails on a small screen") {
    // At 40 dpi a full-width 1080-pixel screen is 27 cm wide, but 320x240 pixels is 20x15 cm:
    // the home tiles cannot all be 20 mm. The audit must say so and exit non-zero.
    auto r =
        run_process({bin_path("station-kiosk"), "--demo", "--audit", "--size", "320x240", "--dpi", "200"}, {},
                    std::chrono::seconds(240));
    INFO(r.out);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(std::regex_search(r.out,
                            std::regex(R"(home(\[[a-z, ]+\])?: target ##[a-z_]+.*: [0-9.]+ mm < 20 mm)")));
    CHECK(std::regex_search(r.out, std::regex(R"(violations=[1-9][0-9]*\n)")));
}

TEST_CASE("--audit needs --demo and creates nothing without it") {
    station::test::TempDir dir;
    auto r = run_process({bin_path("station-kiosk"), "--audit", "--data", (dir.path() / "d").string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--audit needs --demo") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "d"));
}

TEST_CASE("every screen is at most 2 taps from home, reached from the parent it declares") {
    Kiosk k(1920, 1080);
    auto parent_of = parents();
    std::map<std::string, int> depth{{"home", 0}};
    std::map<std::string, std::string> reached_from;
    std::deque<std::string> queue{"home"};
    while (!queue.empty()) {
        std::string from = queue.front();
        queue.pop_front();
        if (depth[from] >= 2) continue;
        open(k, from);
        auto record = k.frame();
        for (size_t i = 0; i < record.targets.size(); ++i) {
            const auto& target = record.targets[i];
            if (!target.enabled || is_chrome(target.id)) continue;
            open(k, from);
            auto again = k.frame();
            REQUIRE(again.targets.size() > i);
            k.tap(again.targets[i]);
            std::string to = k.ui().navigator().current();
            k.ui().help().dismiss();
            if (to == from || depth.count(to)) continue;
            depth[to] = depth[from] + 1;
            reached_from[to] = from;
            queue.push_back(to);
        }
    }
    for (const auto& [name, parent] : parent_of) {
        CAPTURE(name);
        if (parent.empty()) continue;  // home itself, or a screen no tap opens (signage)
        REQUIRE_MESSAGE(depth.count(name), name << " cannot be reached by tapping from home");
        CHECK(depth[name] <= 2);
        CHECK(reached_from[name] == parent);
    }
    CHECK(depth["help"] == 1);  // 一键通达 is one tap
}

TEST_CASE("home, back and 大字 are in the same place on every screen") {
    for (auto [width, height] : {std::pair{1920, 1080}, std::pair{1080, 1920}}) {
        CAPTURE(width);
        Kiosk k(width, height);
        auto parent_of = parents();
        std::optional<station::ui::Rect> home, back, large;
        auto same = [](std::optional<station::ui::Rect>& first, const station::ui::Rect& rect) {
            if (!first) first = rect;
            CHECK(rect.min.x == first->min.x);
            CHECK(rect.min.y == first->min.y);
            CHECK(rect.max.x == first->max.x);
            CHECK(rect.max.y == first->max.y);
        };
        for (const auto& [name, parent] : parent_of) {
            CAPTURE(name);
            if (parent.empty() && name != "home") continue;
            open(k, name);
            auto record = k.frame();
            const auto* toggle = record.find("##large_text");
            REQUIRE(toggle);
            same(large, toggle->rect);
            if (name == "home") continue;
            const auto* home_button = record.find("##nav_home");
            REQUIRE(home_button);
            same(home, home_button->rect);
            const auto* back_button = record.find("##nav_back");
            CHECK((back_button != nullptr) == (k.ui().navigator().depth() >= 2));
            if (back_button) same(back, back_button->rect);
        }
    }
}

TEST_CASE("大字 enlarges the type on the next frame and resets when the visitor leaves") {
    Kiosk k(1920, 1080);
    auto before = k.frame();
    const auto* toggle = before.find("##large_text");
    REQUIRE(toggle);
    auto help_label_size = [](const station::ui::FrameRecord& record) {
        for (const auto& text : record.texts)
            if (text.text == station::tr("home.help_button")) return text.size_px;
        return 0.f;
    };
    float normal = help_label_size(before);
    REQUIRE(normal > 0);
    k.tap(*toggle);
    CHECK(k.ui().prefs().large_text);
    CHECK(k.ui().wants_frame());  // the tap's frame was drawn small: one more shows the change
    auto after = k.frame();
    CHECK(help_label_size(after) ==
          doctest::Approx(normal * station::ui::Theme::kLargeTextScale).epsilon(0.02));
    CHECK(k.ui().active_fonts().scale == doctest::Approx(station::ui::Theme::kLargeTextScale));
    // Every character in use is in the large set too.
    int missing = 0;
    for (const auto& text : after.texts) {
        const char* p = text.text.c_str();
        const char* end = p + text.text.size();
        while (p < end) {
            unsigned int c = 0;
            p += ImTextCharFromUtf8(&c, p, end);
            if (c > 0x20 && !k.ui().active_fonts().body->FindGlyphNoFallback(ImWchar(c))) ++missing;
        }
    }
    CHECK(missing == 0);

    // The visitor walks away from a service screen: after the timeout and the 20 s grace, home
    // and the normal size for whoever comes next.
    REQUIRE(k.ui().navigator().go("help"));
    k.frame();
    k.clock->advance(std::chrono::seconds(k.station->config().ui.idle_timeout_s) + std::chrono::seconds(1));
    k.frame();
    CHECK(k.ui().idle_prompt_showing());
    k.clock->advance(std::chrono::seconds(21));
    auto reset = k.frame();
    CHECK(k.ui().navigator().current() == "home");
    CHECK_FALSE(k.ui().prefs().large_text);
    CHECK(help_label_size(reset) == doctest::Approx(normal));
}
