#include "kiosk/ui/offscreen_capture.h"

#include <stb_image_write.h>

#include <algorithm>

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

Result<std::string> thumbnail_png(const std::vector<uint8_t>& rgba, int width, int height, int max_width) {
    if (width <= 0 || height <= 0 || rgba.size() < size_t(width) * size_t(height) * 4)
        return Error{"no picture to encode (" + std::to_string(width) + "x" + std::to_string(height) + ")"};
    int factor = std::max(1, (width + max_width - 1) / std::max(1, max_width));
    int out_w = std::max(1, width / factor), out_h = std::max(1, height / factor);
    std::vector<uint8_t> out(size_t(out_w) * size_t(out_h) * 4);
    for (int y = 0; y < out_h; ++y)
        for (int x = 0; x < out_w; ++x)
            for (int channel = 0; channel < 4; ++channel) {
                unsigned sum = 0;
                for (int dy = 0; dy < factor; ++dy)
                    for (int dx = 0; dx < factor; ++dx)
                        sum += rgba[(size_t(y * factor + dy) * size_t(width) + size_t(x * factor + dx)) * 4 + size_t(channel)];
                out[(size_t(y) * size_t(out_w) + size_t(x)) * 4 + size_t(channel)] = uint8_t(sum / unsigned(factor * factor));
            }
    std::string bytes;
    auto append = [](void* context, void* data, int size) {
        static_cast<std::string*>(context)->append(static_cast<const char*>(data), size_t(size));
    };
    if (!stbi_write_png_to_func(append, &bytes, out_w, out_h, 4, out.data(), out_w * 4))
        return Error{"cannot encode the screen as PNG"};
    return bytes;
}

}  // namespace station::ui
