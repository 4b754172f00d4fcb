// OffscreenCapture: what a --headless kiosk shows, as PNG bytes, for GET /api/v1/screenshot (the
// staff console's thumbnails). Each capture renders the home screen, with any emergency notice
// over it, through OffscreenKiosk (SDL dummy video, software renderer) at the configured size.
//
// Threads: png() is thread-safe (one capture at a time); it owns SDL while it runs, so use it
// only in a process with no window of its own.
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "kiosk/core/station.h"

namespace station::ui {

class OffscreenCapture {
public:
    OffscreenCapture(Station& station, int width, int height, double dpi);
    Result<std::string> png();  // the PNG file's bytes, or why not

private:
    Station& station_;
    int width_, height_;
    double dpi_;
    std::mutex mutex_;  // one capture at a time: SDL is initialised and shut down around each
};

// RGBA pixels (row after row) as PNG bytes, shrunk by the smallest whole factor that makes them
// at most `max_width` wide (each output pixel the mean of a factor x factor block).
Result<std::string> thumbnail_png(const std::vector<uint8_t>& rgba, int width, int height, int max_width);

}  // namespace station::ui
