// Screens rendered offscreen (dummy video, software renderer): colours, the glyph atlas, dates,
// the type scale and the palette. Golden images of every screen: golden_test.cpp.
#include <doctest/doctest.h>
#include <imgui_internal.h>

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

}  // namespace

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
