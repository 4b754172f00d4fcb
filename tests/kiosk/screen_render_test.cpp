// Screens rendered offscreen (dummy video, software renderer), compared with golden images in
// tests/golden/. After an intended visual change, refresh them with
//   STATION_UPDATE_GOLDEN=1 ctest -R 'kiosk: golden'
// and look at the new PNGs before committing them.
#include <doctest/doctest.h>
#include <stb_image.h>
#include <imgui_internal.h>
#include <stb_image_write.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/station.h"
#include "kiosk/ui/kiosk_ui.h"
#include "kiosk/ui/offscreen.h"
#include "kiosk/ui/widgets.h"
#include "temp_dir.h"

namespace {

struct Fixture {
    station::test::TempDir dir;
    std::shared_ptr<station::ManualClock> clock = std::make_shared<station::ManualClock>();
    std::unique_ptr<station::Station> station;

    Fixture() {
        setenv("TZ", "CST-8", 1);  // Shanghai time, without needing tzdata
        tzset();
        // 2026-11-25 09:30 in Shanghai: a Wednesday.
        clock->set(station::from_ms(1795570200000));
        station::set_active_catalogue(*station::Catalogue::embedded("zh-CN"));
        station::StationOptions options;
        options.data_dir = dir.path();
        options.demo = true;
        options.clock = clock;
        station = std::move(station::Station::open(options).value());
    }
};

struct Rgba {
    int r, g, b;
};

Rgba pixel(const std::vector<uint8_t>& rgba, int width, int x, int y) {
    size_t at = (size_t(y) * size_t(width) + size_t(x)) * 4;
    return {rgba[at], rgba[at + 1], rgba[at + 2]};
}

// Mean absolute difference per channel, 0..255; 255 when sizes differ or the file is unreadable.
double compare_with_golden(const std::vector<uint8_t>& rgba, int width, int height, const std::string& golden) {
    int w = 0, h = 0, channels = 0;
    unsigned char* expected = stbi_load(golden.c_str(), &w, &h, &channels, 4);
    if (!expected) return 255;
    double total = 0;
    if (w == width && h == height) {
        for (size_t i = 0; i < rgba.size(); ++i) total += std::abs(int(rgba[i]) - int(expected[i]));
        total /= double(rgba.size());
    } else {
        total = 255;
    }
    stbi_image_free(expected);
    return total;
}

void check_golden(station::ui::OffscreenKiosk& kiosk, const std::string& name) {
    std::string golden = std::string(STATION_SOURCE_DIR) + "/tests/golden/" + name + ".png";
    const char* update = std::getenv("STATION_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        std::filesystem::create_directories(std::filesystem::path(golden).parent_path());
        REQUIRE(kiosk.save_png(golden).ok());
        MESSAGE("updated " << golden);
        return;
    }
    REQUIRE_MESSAGE(std::filesystem::exists(golden),
                    golden << " is missing; create it with STATION_UPDATE_GOLDEN=1 and review it");
    double difference = compare_with_golden(kiosk.pixels_rgba(), kiosk.width(), kiosk.height(), golden);
    if (difference >= 0.5) {
        std::string actual = std::filesystem::temp_directory_path() / (name + ".actual.png");
        (void)kiosk.save_png(actual);
        FAIL_CHECK(name << " differs from its golden image by " << difference << " per channel; see " << actual);
    }
}

}  // namespace

TEST_CASE("golden: home at 1920x1080 (landscape)") {
    Fixture f;
    auto kiosk = station::ui::OffscreenKiosk::create(*f.station, 1920, 1080, 96);
    REQUIRE(kiosk.ok());
    for (int i = 0; i < 3; ++i) (*kiosk)->render_frame();
    check_golden(**kiosk, "home_1920x1080");
}

TEST_CASE("golden: home at 1080x1920 (portrait)") {
    Fixture f;
    auto kiosk = station::ui::OffscreenKiosk::create(*f.station, 1080, 1920, 96);
    REQUIRE(kiosk.ok());
    for (int i = 0; i < 3; ++i) (*kiosk)->render_frame();
    check_golden(**kiosk, "home_1080x1920");
}

TEST_CASE("the help button fills the left of the landscape home screen in red") {
    Fixture f;
    auto kiosk = station::ui::OffscreenKiosk::create(*f.station, 1920, 1080, 96);
    REQUIRE(kiosk.ok());
    for (int i = 0; i < 3; ++i) (*kiosk)->render_frame();
    auto rgba = (*kiosk)->pixels_rgba();
    Rgba corner = pixel(rgba, 1920, 100, 200);  // inside the button, away from its words
    CHECK(corner.r > 150);
    CHECK(corner.g < 60);
    CHECK(corner.b < 60);
    Rgba background = pixel(rgba, 1920, 5, 1075);  // the warm paper background
    CHECK(background.r > 240);
}

TEST_CASE("every character of the catalogue and station name is in the font atlas") {
    Fixture f;
    auto kiosk = station::ui::OffscreenKiosk::create(*f.station, 800, 600, 96);
    REQUIRE(kiosk.ok());
    const station::ui::Fonts& fonts = (*kiosk)->ui().fonts();
    CHECK(fonts.glyph_count < 1500);  // built from the strings in use, not the whole CJK range
    int missing = 0;
    for (const std::string& text : station::ui::ui_texts(*f.station)) {
        const char* p = text.c_str();
        const char* end = p + text.size();
        bool label = ImTextCountCharsFromUtf8(p, end) <= station::ui::kDisplayLabelChars;
        while (p < end) {
            unsigned int c = 0;
            p += ImTextCharFromUtf8(&c, p, end);
            if (c == '{' || c == '}' || c < 0x20) continue;
            for (ImFont* font : {fonts.small, fonts.body, fonts.title, fonts.tile})
                if (!font->FindGlyphNoFallback(ImWchar(c))) ++missing;
            // The help size carries short labels only ("一键通达", ticket numbers).
            if (label && !fonts.help->FindGlyphNoFallback(ImWchar(c))) ++missing;
        }
    }
    CHECK(missing == 0);
}

TEST_CASE("the Chinese date is written the Chinese way") {
    Fixture f;
    CHECK(station::ui::chinese_date(f.clock->now()) == "2026年11月25日 星期三");
    CHECK(station::ui::clock_time(f.clock->now()) == "09:30");
}

TEST_CASE("type sizes follow the display's DPI") {
    station::ui::Theme at96(96), at192(192);
    CHECK(at96.pt(18) == doctest::Approx(24.0));
    CHECK(at192.pt(18) == doctest::Approx(48.0));
    CHECK(at96.mm(25.4) == doctest::Approx(96.0));
}

TEST_CASE("the palette meets the contrast floors") {
    station::ui::Palette c;
    CHECK(station::ui::contrast_ratio(c.text, c.background) >= 7.0f);
    CHECK(station::ui::contrast_ratio(c.text_muted, c.background) >= 7.0f);
    CHECK(station::ui::contrast_ratio(c.text_muted, c.tile_disabled) >= 4.5f);
    CHECK(station::ui::contrast_ratio(c.help_text, c.help) >= 4.5f);
    CHECK(station::ui::contrast_ratio(c.header_text, c.header) >= 4.5f);
    CHECK(station::ui::contrast_ratio(c.text, c.tile) >= 7.0f);
}
