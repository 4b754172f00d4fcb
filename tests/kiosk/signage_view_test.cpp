// The signage screen headless (OffscreenKiosk): content activated in the station's store plays in
// its layout (images, a generated clip's frames in the media zone), a corrupt clip is skipped and
// quarantined, proof of play is recorded, the attract loop takes over an idle home and one touch
// leaves it, and an emergency notice covers every screen until withdrawn.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "content/authoring.h"
#include "content/crypto.h"
#include "content/package.h"
#include "kiosk/core/catalogue.h"
#include "kiosk/core/content_service.h"
#include "kiosk/core/signage.h"
#include "kiosk/core/station.h"
#include "kiosk/ui/kiosk_ui.h"
#include "kiosk/ui/offscreen.h"
#include "kiosk/ui/signage_view.h"
#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;

namespace {

bool have_ffmpeg() {
    return std::system("command -v ffmpeg >/dev/null 2>&1") == 0;
}

// A content folder: poster (image, 5 s), clip (video), broken (garbage .mp4), notices, a ticker;
// one layout with every zone kind.
void write_content(const std::filesystem::path& dir, bool with_clip,
                   const std::string& clip_size = "320x240") {
    std::filesystem::create_directories(dir / "media");
    std::ofstream(dir / "media/poster.png", std::ios::binary)
        << station::content::make_png(320, 180, 0x2060C0, 0x2060C0);
    std::ofstream(dir / "media/broken.mp4", std::ios::binary) << std::string(
                                                                     "\0\0\0\x18"
                                                                     "ftypisom",
                                                                     12)
                                                              << std::string(20000, '\x5a');
    if (with_clip) {
        auto made = station::test::run_process({"ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                                                "color=c=0x00C000:size=" + clip_size + ":rate=25", "-t",
                                                "0.6", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
                                                "yuv420p", (dir / "media/clip.mp4").string()});
        REQUIRE(made.exit_code == 0);
    }
    std::string playlist = with_clip ? R"("poster", "broken", "clip")" : R"("poster", "broken")";
    std::ofstream(dir / "content.toml") << R"([package]
version = 7
[[items]]
id = "poster"
kind = "image"
file = "media/poster.png"
duration_s = 5
[[items]]
id = "broken"
kind = "video"
file = "media/broken.mp4"
)" << (with_clip ? "[[items]]\nid = \"clip\"\nkind = \"video\"\nfile = \"media/clip.mp4\"\n" : "")
                                        << R"([[items]]
id = "notice-water"
kind = "notice"
title = "停水通知"
body = "明天上午九点至下午三点停水，请提前储水。"
priority = 9
[[items]]
id = "tick"
kind = "ticker"
text = "服务时间：八点半至五点半"
[[playlists]]
id = "main"
items = [)" << playlist << R"(]
[[playlists]]
id = "notices"
items = ["notice-water"]
[[playlists]]
id = "tickers"
items = ["tick"]
[[layouts]]
id = "screen"
width = 1920
height = 1080
[[layouts.zones]]
id = "main"
kind = "media"
x = 0
y = 0
width = 1280
height = 960
[[layouts.zones]]
id = "clock"
kind = "clock"
x = 1280
y = 0
width = 640
height = 200
[[layouts.zones]]
id = "notices"
kind = "notices"
x = 1280
y = 200
width = 640
height = 560
[[layouts.zones]]
id = "queue"
kind = "queue"
x = 1280
y = 760
width = 640
height = 200
[[layouts.zones]]
id = "ticker"
kind = "ticker"
x = 0
y = 960
width = 1920
height = 120
[[schedules]]
id = "always"
layout = "screen"
zones = { main = "main", notices = "notices", ticker = "tickers" }
)";
}

struct SignageFixture {
    station::test::TempDir dir;
    std::shared_ptr<station::ManualClock> clock = std::make_shared<station::ManualClock>();
    std::unique_ptr<station::Station> station;
    std::unique_ptr<station::ui::OffscreenKiosk> kiosk;

    explicit SignageFixture(bool with_content, bool with_clip = false,
                            const std::string& clip_size = "320x240") {
        auto catalogue = station::Catalogue::embedded("zh-CN");
        REQUIRE(catalogue.ok());
        station::set_active_catalogue(*catalogue);
        station::StationOptions options;
        options.data_dir = dir / "data";
        options.clock = clock;
        auto opened = station::Station::open(options);
        REQUIRE(opened.ok());
        station = std::move(opened.value());
        if (with_content) {
            write_content(dir / "folder", with_clip, clip_size);
            auto keys = station::content::generate_key_pair("test-editor");
            station::content::PackOptions pack;
            pack.probe_media = false;
            auto packed = station::content::pack_folder(dir / "folder", keys.secret, dir / "c.spkg", pack);
            REQUIRE_MESSAGE(packed.ok(), (packed.ok() ? "" : packed.error().message));
            auto imported = station->content().import_package(dir / "c.spkg", {{keys.public_key}});
            REQUIRE_MESSAGE(imported.ok(), (imported.ok() ? "" : imported.error().message));
        }
        auto created = station::ui::OffscreenKiosk::create(*station, 960, 540, 96);
        REQUIRE(created.ok());
        kiosk = std::move(created.value());
        settle();
    }
    station::ui::SignageView& view() { return kiosk->ui().signage(); }
    void settle() {
        kiosk->settle();
        kiosk->render_frame();
        kiosk->settle();
    }
    // Renders (real time passes for the player) until `done` or the limit.
    bool render_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 20s) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            settle();
            if (done()) return true;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }
    // RGBA at (x, y) of the last frame.
    std::array<int, 3> pixel(int x, int y) {
        auto pixels = kiosk->pixels_rgba();
        size_t at = (size_t(y) * size_t(kiosk->width()) + size_t(x)) * 4;
        return {pixels[at], pixels[at + 1], pixels[at + 2]};
    }
};

}  // namespace

TEST_CASE("signage without content shows the station's name and the time, never black") {
    SignageFixture f(false);
    REQUIRE(f.kiosk->show("signage"));
    f.settle();
    CHECK_FALSE(f.view().has_content());
    auto p = f.pixel(10, 10);
    CHECK(p[0] > 100);  // the header red, not black
}

TEST_CASE(
    "signage plays its layout: the poster, a corrupt clip skipped and quarantined, the clip's frames, proof "
    "of play") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    SignageFixture f(true, true);
    REQUIRE(f.kiosk->show("signage"));
    REQUIRE(f.render_until([&] { return f.view().media_item() == "poster"; }));
    CHECK(f.view().has_content());
    CHECK(f.view().content_version() == 7);
    // The poster (blue) fills the media zone, scaled once to fit (1280x960 design → 640x480 here).
    REQUIRE(f.render_until([&] {
        auto p = f.pixel(320, 240);
        return p[2] > 150 && p[0] < 80;
    }));
    // After its 5 s: the broken clip fails and is quarantined; the clip plays; its green frames show.
    f.clock->advance(5s);
    REQUIRE(f.render_until([&] { return f.view().quarantine().count("broken") == 1; }));
    CHECK(f.view().quarantine().at("broken").find("broken.mp4") != std::string::npos);
    REQUIRE(f.render_until([&] {
        auto p = f.pixel(320, 240);
        return p[1] > 150 && p[0] < 80 && p[2] < 80;
    }));
    // The clip ends; the loop goes back to the poster, skipping the quarantined item.
    REQUIRE(f.render_until([&] { return f.view().media_item() == "poster"; }));
    f.kiosk->ui().worker().wait_idle();
    auto plays = station::SignageRecords(*f.station).plays_since(0);
    std::vector<std::string> items;
    for (const auto& play : plays) items.push_back(play.item + "/" + play.outcome);
    CAPTURE(items);
    REQUIRE(plays.size() >= 2);  // poster, clip (the broken clip never reached the screen)
    CHECK(items[0] == "poster/played");
    CHECK(plays[0].zone == "main");
    CHECK(plays[0].duration_ms == 5000);
    CHECK(std::find(items.begin(), items.end(), "clip/played") != items.end());
}

TEST_CASE(
    "a wide clip in a 4:3 zone: black above and below, its picture to the edge rows, nothing else black") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    // The offscreen kiosk renders in software: the frames come from libvlc as RGB at the zone's
    // size and draw() leaves the black out under them. The media zone is 640x480 here; a 16:9
    // picture is 640x360 at rows 60..419.
    SignageFixture f(true, true, "320x180");
    REQUIRE(f.kiosk->show("signage"));
    REQUIRE(f.render_until([&] { return f.view().media_item() == "poster"; }));
    f.clock->advance(5s);
    auto green = [](std::array<int, 3> p) { return p[1] > 150 && p[0] < 80 && p[2] < 80; };
    auto black = [](std::array<int, 3> p) { return p[0] < 20 && p[1] < 20 && p[2] < 20; };
    REQUIRE(f.render_until([&] { return f.view().media_item() == "clip" && green(f.pixel(320, 240)); }));
    CHECK(black(f.pixel(320, 30)));
    CHECK(black(f.pixel(5, 59)));
    CHECK(green(f.pixel(320, 61)));
    CHECK(green(f.pixel(1, 240)));
    CHECK(green(f.pixel(638, 240)));
    CHECK(green(f.pixel(320, 418)));
    CHECK(black(f.pixel(635, 421)));
    CHECK(black(f.pixel(320, 470)));
    CHECK_FALSE(black(f.pixel(800, 300)));  // the notice column keeps its own background
}

TEST_CASE(
    "software renderer: the clip's frames are written into the shown texture and no stale pixel survives "
    "the skipped clear") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    SignageFixture f(true, true, "320x180");
    // Home first: its warm paper is in the frame buffer. Signage paints its whole window
    // opaquely, so KioskUi skips SDL_RenderClear under it; a pixel signage failed to paint would
    // keep home's colour.
    REQUIRE(f.kiosk->show("home"));
    f.settle();
    auto home = f.pixel(320, 240);
    REQUIRE(f.kiosk->show("signage"));
    REQUIRE(f.render_until([&] { return f.view().media_item() == "poster"; }));
    f.clock->advance(5s);
    auto green = [](std::array<int, 3> p) { return p[1] > 150 && p[0] < 80 && p[2] < 80; };
    auto black = [](std::array<int, 3> p) { return p[0] < 20 && p[1] < 20 && p[2] < 20; };
    REQUIRE(f.render_until([&] { return f.view().media_item() == "clip" && green(f.pixel(320, 240)); }));
    // The media zone (640x480 here): the letterboxed picture and black, nothing else.
    auto pixels = f.kiosk->pixels_rgba();
    int other = 0;
    for (int y = 0; y < 480; ++y)
        for (int x = 0; x < 640; ++x) {
            size_t at = (size_t(y) * size_t(f.kiosk->width()) + size_t(x)) * 4;
            std::array<int, 3> p{pixels[at], pixels[at + 1], pixels[at + 2]};
            if (!green(p) && !black(p)) ++other;
        }
    CAPTURE(home);
    CHECK(other == 0);
    // libvlc wrote frames into the texture shown next (the first, before a texture of its size
    // was lent, is copied).
    REQUIRE(f.render_until([&] { return f.view().media_item() == "poster"; }));  // the clip ended
    const station::ui::VideoTexture* video = f.view().video_texture();
    REQUIRE(video != nullptr);
    CAPTURE(video->frames_copied());
    CHECK(video->frames_in_place() > 0);
    CHECK(f.view().player().frames_in_place() >= video->frames_in_place());
}

TEST_CASE("attract loop: an idle home shows the content, one touch anywhere goes home and presses nothing") {
    SignageFixture f(true);
    REQUIRE(f.kiosk->ui().navigator().current() == "home");
    f.clock->advance(std::chrono::seconds(f.station->config().ui.idle_timeout_s) + 1s);
    f.settle();
    CHECK(f.kiosk->ui().navigator().current() == "signage");
    SDL_Event down{};
    down.type = SDL_MOUSEBUTTONDOWN;
    down.button.button = SDL_BUTTON_LEFT;
    down.button.x = 200;  // where home's help button is: the touch must not call for help
    down.button.y = 300;
    f.kiosk->ui().process_event(down);
    SDL_Event up = down;
    up.type = SDL_MOUSEBUTTONUP;
    f.kiosk->ui().process_event(up);
    f.settle();
    f.settle();
    CHECK(f.kiosk->ui().navigator().current() == "home");
    CHECK_FALSE(f.kiosk->ui().help().current().has_value());
}

TEST_CASE("attract loop: without content an idle home stays home") {
    SignageFixture f(false);
    f.clock->advance(std::chrono::seconds(f.station->config().ui.idle_timeout_s) + 1s);
    f.settle();
    CHECK(f.kiosk->ui().navigator().current() == "home");
}

TEST_CASE("an emergency notice covers every screen at once and leaves when withdrawn or expired") {
    SignageFixture f(false);
    f.settle();
    auto before = f.pixel(955, 536);
    station::SignageRecords records(*f.station);
    auto banner = records.create_alert({"今晚停水，请提前储水。", "", "banner", 1}, "wang");
    REQUIRE(banner.ok());
    f.settle();
    REQUIRE(f.view().alert(f.clock->now_ms()).has_value());
    auto red = f.pixel(955, 536);
    CHECK(red[0] > 150);
    CHECK(red[1] < 60);
    auto full = records.create_alert({"台风橙色预警，请勿外出。", "台风预警", "fullscreen", 30}, "wang");
    REQUIRE(full.ok());
    f.settle();
    CHECK(f.view().alert(f.clock->now_ms())->id == full->id);
    auto top = f.pixel(10, 10);
    CHECK(top[0] > 150);
    REQUIRE(records.withdraw_alert(full->id, "wang").ok());
    f.settle();
    CHECK(f.view().alert(f.clock->now_ms())->id == banner->id);
    f.clock->advance(61s);  // the banner's minute is over
    f.settle();
    CHECK_FALSE(f.view().alert(f.clock->now_ms()).has_value());
    CHECK(f.pixel(955, 536) == before);
}
