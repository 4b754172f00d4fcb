// The console's atlas grows with the kiosks' data: an activity titled with a character outside the
// console's glyph set (燊, as in a speaker's name) is drawn with its own glyph once
// the data arrives, after one atlas rebuild, not one per frame. Drives ConsoleUi in process on
// SDL's dummy video driver with a software renderer, as station-admin --screenshot does.
#include <doctest/doctest.h>
#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>

#include <cstdlib>
#include <thread>

#include "admin/client/kiosk_link.h"
#include "admin/console/console_ui.h"
#include "headless_kiosk.h"
#include "kiosk/core/activities.h"
#include "kiosk/core/station.h"
#include "temp_dir.h"

using namespace std::chrono_literals;

namespace {

constexpr ImWchar kShen = 0x71CA;  // 燊, a name character outside ImGui's 2 500 common ones

void seed(const std::filesystem::path& data) {
    station::StationOptions options;
    options.data_dir = data;
    options.demo = false;
    auto opened = station::Station::open(options);
    REQUIRE(opened.ok());
    station::Station& s = **opened;
    REQUIRE(s.staff().add("zhang", "张站长", "1357", "admin").ok());
    station::NewActivity a;
    a.title = "戏曲欣赏会 主讲 王燊";
    a.place = "二楼活动室";
    a.starts_at_ms = 1906507800000;  // 2030-06-01
    a.ends_at_ms = a.starts_at_ms + 90 * 60'000;
    a.capacity = 20;
    REQUIRE(station::Activities(s).create(a, "zhang").ok());
}

// SDL (dummy video, software renderer on a surface) and an ImGui context for the test's life.
struct OffscreenImGui {
    SDL_Surface* surface = nullptr;
    SDL_Renderer* renderer = nullptr;
    OffscreenImGui() {
        setenv("SDL_VIDEODRIVER", "dummy", 1);
        REQUIRE(SDL_Init(SDL_INIT_VIDEO) == 0);
        surface = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_RGBA32);
        REQUIRE(surface);
        renderer = SDL_CreateSoftwareRenderer(surface);
        REQUIRE(renderer);
        ImGui::CreateContext();
        ImGui::GetIO().IniFilename = nullptr;
        ImGui::GetIO().DisplaySize = ImVec2(1280, 800);
        ImGui_ImplSDLRenderer_Init(renderer);
    }
    ~OffscreenImGui() {
        ImGui_ImplSDLRenderer_Shutdown();
        ImGui::DestroyContext();
        SDL_DestroyRenderer(renderer);
        SDL_FreeSurface(surface);
        SDL_Quit();
    }
    void frame(station::console::ConsoleUi& ui) {
        ui.refresh_fonts();
        ImGui_ImplSDLRenderer_NewFrame();
        ImGui::GetIO().DeltaTime = 1.f / 60;
        ImGui::NewFrame();
        ui.draw(1906507800000 - 86'400'000);
        ImGui::Render();
        SDL_RenderClear(renderer);
        ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
    }
};

}  // namespace

TEST_CASE("an activity title with a character outside the console's glyphs gets its glyph after one rebuild") {
    station::test::TempDir dir;
    seed(dir / "d");
    station::test::HeadlessKiosk kiosk((dir / "d").string(), /*demo=*/false);
    OffscreenImGui imgui;
    station::console::ConsoleFonts fonts = station::console::load_console_fonts();
    ImGui::GetIO().FontDefault = fonts.body;
    REQUIRE(fonts.body);
    REQUIRE(ImGui::GetIO().Fonts->Build());  // glyphs exist once built (the backend builds it too)
    // The premise: without the data, the console cannot draw 燊 (it would be the fallback box).
    REQUIRE(fonts.body->FindGlyphNoFallback(kShen) == nullptr);
    REQUIRE(fonts.body->FindGlyphNoFallback(0x66F2) != nullptr);  // 曲 is a common one

    station::admin::KioskLinkOptions options;
    options.url = kiosk.url;
    options.user = "zhang";
    options.pin = "1357";
    options.thumbnails = false;
    station::admin::KioskLink link(options);
    station::console::ConsoleUi ui({&link}, imgui.renderer, fonts, "zhang");
    ui.set_tab(station::console::Tab::activities);
    imgui.frame(ui);  // before any data: nothing new to add
    CHECK(ui.atlas_rebuilds() == 0);
    for (int i = 0; i < 400 && link.snapshot().activities.empty(); ++i) std::this_thread::sleep_for(25ms);
    REQUIRE(link.snapshot().activities.size() == 1);

    imgui.frame(ui);  // the title is seen: 燊 noted
    imgui.frame(ui);  // rebuilt before this frame
    CHECK(ui.atlas_rebuilds() == 1);
    for (ImFont* font : {ui.fonts().body, ui.fonts().title}) {
        const ImFontGlyph* glyph = font->FindGlyphNoFallback(kShen);
        REQUIRE(glyph != nullptr);
        CHECK(glyph->Visible);
        CHECK(glyph != font->FallbackGlyph);
        CHECK(font->FindGlyphNoFallback(0x66F2) != nullptr);  // the common set is still there
    }
    CHECK(ImGui::GetIO().FontDefault == ui.fonts().body);
    // Steady data, steady atlas: no rebuild per frame.
    for (int i = 0; i < 5; ++i) imgui.frame(ui);
    CHECK(ui.atlas_rebuilds() == 1);
}
