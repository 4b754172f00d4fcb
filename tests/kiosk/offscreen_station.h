// A demo station rendered offscreen (SDL's dummy video driver, software renderer) at 96 dpi, its
// manual clock at 2026-11-25 09:30 Shanghai time (a Wednesday), for the screen tests (design,
// golden, help screen, screens UI, lessons): each derives its Kiosk from it and adds its helpers.
#pragma once
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/station.h"
#include "kiosk/ui/kiosk_ui.h"
#include "kiosk/ui/offscreen.h"
#include "temp_dir.h"

namespace station::test {

struct OffscreenStationOptions {
    int width = 1280, height = 720;
    std::string data_subdir;  // the station's data folder inside dir; "" = dir itself
    bool disk_audio = false;  // SDL audio into dir/speaker.raw, so a test hears what a resident would
};

struct OffscreenStation {
    TempDir dir;
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    std::unique_ptr<Station> station;
    std::unique_ptr<ui::OffscreenKiosk> screen;

    explicit OffscreenStation(const OffscreenStationOptions& o = {}) {
        setenv("TZ", "CST-8", 1);  // Shanghai time, without needing tzdata
        tzset();
        if (o.disk_audio) {
            setenv("SDL_AUDIODRIVER", "disk", 1);
            setenv("SDL_DISKAUDIOFILE", (dir / "speaker.raw").c_str(), 1);
            setenv("SDL_DISKAUDIODELAY", "1", 1);
        }
        clock->set(from_ms(1795570200000));  // 2026-11-25 09:30 in Shanghai
        set_active_catalogue(*Catalogue::embedded("zh-CN"));
        StationOptions options;
        options.data_dir = o.data_subdir.empty() ? dir.path() : dir / o.data_subdir;
        options.demo = true;
        options.clock = clock;
        station = std::move(Station::open(options).value());
        screen = std::move(ui::OffscreenKiosk::create(*station, o.width, o.height, 96).value());
    }
    ui::KioskUi& ui() { return screen->ui(); }
    ui::Navigator& nav() { return ui().navigator(); }
};

}  // namespace station::test
