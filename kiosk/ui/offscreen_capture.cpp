#include "kiosk/ui/offscreen_capture.h"

#include <stb_image_write.h>

#include "kiosk/ui/offscreen.h"

namespace station::ui {

OffscreenCapture::OffscreenCapture(Station& station, int width, int height, double dpi)
    : station_(station), width_(width), height_(height), dpi_(dpi) {}

Result<std::string> OffscreenCapture::png() {
    std::lock_guard<std::mutex> guard(mutex_);
    auto kiosk = OffscreenKiosk::create(station_, width_, height_, dpi_);
    if (!kiosk) return kiosk.error();
    (*kiosk)->show("home");
    for (int i = 0; i < 3; ++i) (*kiosk)->render_frame();  // ImGui settles its layout in a few frames
    std::vector<uint8_t> pixels = (*kiosk)->pixels_rgba();
    std::string bytes;
    auto append = [](void* context, void* data, int size) {
        static_cast<std::string*>(context)->append(static_cast<const char*>(data), size_t(size));
    };
    if (!stbi_write_png_to_func(append, &bytes, width_, height_, 4, pixels.data(), width_ * 4))
        return Error{"cannot encode the screen as PNG"};
    return bytes;
}

}  // namespace station::ui
