// Offscreen rendering: any screen at any size, with SDL's dummy video driver and the software
// renderer, into memory and to PNG. For --screenshot, golden-image tests and the bench.
#pragma once
#include <SDL.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/events.h"
#include "kiosk/core/station.h"

namespace station::ui {

class KioskUi;

class OffscreenKiosk {
public:
    // Initialises SDL (dummy video) and the UI at width x height pixels and `dpi`.
    static Result<std::unique_ptr<OffscreenKiosk>> create(Station& station, int width, int height, double dpi);
    ~OffscreenKiosk();

    bool show(const std::string& screen);            // false for unknown names
    void render_frame();                             // runs queued UI work, then draws the screen
    void settle();                                   // waits for the UI's worker, then runs its results
    std::vector<uint8_t> pixels_rgba();              // the last frame, row-major RGBA
    Result<Ok> save_png(const std::string& path);    // the last frame as PNG
    int width() const { return width_; }
    int height() const { return height_; }
    KioskUi& ui() { return *ui_; }

private:
    OffscreenKiosk() = default;
    int width_ = 0, height_ = 0;
    UiQueue ui_queue_;                               // drained on this thread by render_frame()
    bool sdl_ready_ = false;
    SDL_Window* window_ = nullptr;
    SDL_Surface* surface_ = nullptr;
    SDL_Renderer* renderer_ = nullptr;
    std::unique_ptr<KioskUi> ui_;
};

}  // namespace station::ui
