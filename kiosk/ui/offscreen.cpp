#include "kiosk/ui/offscreen.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stb_image_write.h>

#include "kiosk/ui/kiosk_ui.h"

namespace station::ui {

Result<std::unique_ptr<OffscreenKiosk>> OffscreenKiosk::create(Station& station, int width, int height,
                                                               double dpi) {
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    std::unique_ptr<OffscreenKiosk> kiosk(new OffscreenKiosk());
    kiosk->width_ = width;
    kiosk->height_ = height;
    if (SDL_Init(SDL_INIT_VIDEO) != 0) return Error{std::string("SDL (dummy video): ") + SDL_GetError()};
    kiosk->sdl_ready_ = true;
    kiosk->window_ = SDL_CreateWindow("station-offscreen", 0, 0, width, height, SDL_WINDOW_HIDDEN);
    kiosk->surface_ = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_RGBA32);
    if (!kiosk->window_ || !kiosk->surface_) return Error{std::string("SDL: ") + SDL_GetError()};
    kiosk->renderer_ = SDL_CreateSoftwareRenderer(kiosk->surface_);
    if (!kiosk->renderer_) return Error{std::string("SDL software renderer: ") + SDL_GetError()};
    auto ui = KioskUi::create(station, kiosk->window_, kiosk->renderer_, dpi, kiosk->ui_queue_);
    if (!ui) return ui.error();
    kiosk->ui_ = std::move(ui.value());
    return kiosk;
}

OffscreenKiosk::~OffscreenKiosk() {
    ui_.reset();
    if (renderer_) SDL_DestroyRenderer(renderer_);
    if (surface_) SDL_FreeSurface(surface_);
    if (window_) SDL_DestroyWindow(window_);
    if (sdl_ready_) SDL_Quit();
}

bool OffscreenKiosk::show(const std::string& screen) { return ui_->navigator().go(screen); }

void OffscreenKiosk::render_frame() {
    ui_queue_.drain();
    ui_->render_frame();
}

void OffscreenKiosk::settle() {
    ui_->worker().wait_idle();
    ui_queue_.drain();
}

std::vector<uint8_t> OffscreenKiosk::pixels_rgba() {
    std::vector<uint8_t> pixels(size_t(width_) * size_t(height_) * 4);
    SDL_RenderReadPixels(renderer_, nullptr, SDL_PIXELFORMAT_RGBA32, pixels.data(), width_ * 4);
    return pixels;
}

Result<Ok> OffscreenKiosk::save_png(const std::string& path) {
    std::vector<uint8_t> pixels = pixels_rgba();
    if (!stbi_write_png(path.c_str(), width_, height_, 4, pixels.data(), width_ * 4))
        return Error{"cannot write PNG " + path + ": " + std::strerror(errno)};
    return Ok{};
}

}  // namespace station::ui
