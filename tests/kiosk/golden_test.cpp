// Golden screenshots of every registered screen in both orientations, rendered offscreen (dummy
// video, software renderer) and compared with tests/golden/<screen>_<W>x<H>.png within a
// tolerance. After an intended visual change, refresh them with
//   cd build && STATION_UPDATE_GOLDEN=1 ctest -R golden
// and look at the new PNGs before committing them. A screen added to make_screens() fails here
// until its two images exist.
#include <doctest/doctest.h>
#include <stb_image.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/help_desk.h"
#include "kiosk/core/station.h"
#include "kiosk/ui/kiosk_ui.h"
#include "kiosk/ui/offscreen.h"
#include "offscreen_station.h"
#include "temp_dir.h"

namespace {

struct Kiosk : station::test::OffscreenStation {
    Kiosk(int width, int height) : OffscreenStation({width, height}) {}
};

// What a screen shows in its golden image, when its first appearance says little: the help
// screen with a call categorised and acknowledged (as in help_screen_test.cpp).
const std::map<std::string, std::function<void(Kiosk&)>>& setups() {
    static const std::map<std::string, std::function<void(Kiosk&)>> table{
        {"help",
         [](Kiosk& k) {
             auto& help = k.screen->ui().help();
             help.call();
             k.screen->settle();
             help.choose_category("medical");
             k.screen->settle();
             REQUIRE(help.current());
             auto done = k.station->help_desk().acknowledge(help.current()->id,
                                                            station::Actor::staff("wang", "王老师"));
             REQUIRE(done.ok());
             k.screen->settle();
         }},
    };
    return table;
}

// Mean absolute difference per channel, 0..255; 255 when sizes differ or the file is unreadable.
double difference_from(const std::vector<uint8_t>& rgba, int width, int height, const std::string& golden) {
    int w = 0, h = 0, channels = 0;
    unsigned char* expected = stbi_load(golden.c_str(), &w, &h, &channels, 4);
    if (!expected) return 255;
    double total = 255;
    if (w == width && h == height) {
        total = 0;
        for (size_t i = 0; i < rgba.size(); ++i) total += std::abs(int(rgba[i]) - int(expected[i]));
        total /= double(rgba.size());
    }
    stbi_image_free(expected);
    return total;
}

// Anti-aliasing and FreeType versions move a few pixels; a changed layout moves thousands.
constexpr double kTolerance = 0.5;

void check_every_screen(int width, int height) {
    bool update =
        std::getenv("STATION_UPDATE_GOLDEN") && std::string(std::getenv("STATION_UPDATE_GOLDEN")) == "1";
    for (const auto& screen : station::ui::make_screens()) {
        std::string name =
            std::string(screen->name()) + "_" + std::to_string(width) + "x" + std::to_string(height);
        CAPTURE(name);
        Kiosk k(width, height);
        if (auto setup = setups().find(screen->name()); setup != setups().end()) setup->second(k);
        // Through its parents, as a visitor gets there (a page two taps deep shows 返回).
        std::vector<std::string> path;
        for (std::string at = screen->name(); !at.empty() && at != "home";) {
            path.insert(path.begin(), at);
            std::string parent;
            for (const auto& other : station::ui::make_screens())
                if (other->name() == at) parent = other->parent();
            at = parent;
        }
        for (const std::string& step : path) REQUIRE(k.screen->show(step));
        for (int i = 0; i < 3 || (i < 8 && k.screen->ui().wants_frame()); ++i) k.screen->render_frame();

        std::string golden = std::string(STATION_SOURCE_DIR) + "/tests/golden/" + name + ".png";
        if (update) {
            std::filesystem::create_directories(std::filesystem::path(golden).parent_path());
            REQUIRE(k.screen->save_png(golden).ok());
            MESSAGE("updated " << golden);
            continue;
        }
        if (!std::filesystem::exists(golden)) {
            FAIL_CHECK(golden << " is missing; create it with STATION_UPDATE_GOLDEN=1 and review it");
            continue;
        }
        double difference = difference_from(k.screen->pixels_rgba(), width, height, golden);
        if (difference >= kTolerance) {
            std::string actual = std::filesystem::temp_directory_path() / (name + ".actual.png");
            (void)k.screen->save_png(actual);
            FAIL_CHECK(name << " differs from its golden image by " << difference
                            << " per channel (tolerance " << kTolerance << "); see " << actual);
        }
    }
}

}  // namespace

TEST_CASE("golden: every screen at 1920x1080 (landscape)") {
    check_every_screen(1920, 1080);
}

TEST_CASE("golden: every screen at 1080x1920 (portrait)") {
    check_every_screen(1080, 1920);
}
