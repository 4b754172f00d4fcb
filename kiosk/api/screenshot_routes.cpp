// The API's screenshot route (issue 7), for the staff console's thumbnails:
//   GET /api/v1/screenshot[?screen=touch_screen|public_display]
//                                 staff, editor, admin → image/png of what that screen shows now
//                                 (default the touchscreen), at most 960 pixels wide; 400 for an
//                                 unknown screen; 503 naming why when it cannot be captured
// The picture comes from the source set with ApiServer::set_screenshot_source(): a windowed kiosk
// reads its window's next frame back (kiosk_window.h), a headless one renders its home screen
// offscreen (kiosk/ui/offscreen_capture.h); without one the answer is 503.
#include <httplib.h>

#include "kiosk/api/api_internal.h"
#include "kiosk/api/api_server.h"

namespace station::api {

void ApiServer::set_screenshot_source(ScreenshotSource source) {
    std::lock_guard<std::mutex> guard(screenshot_mutex_);
    screenshot_source_ = std::move(source);
}

void ApiServer::add_screenshot_routes() {
    server_->Get("/api/v1/screenshot", [this](const httplib::Request& request, httplib::Response& response) {
        if (!authorize(*tokens_, request, response, {"staff", "editor", "admin"})) return;
        std::string screen = request.has_param("screen") ? request.get_param_value("screen") : "touch_screen";
        if (screen != "touch_screen" && screen != "public_display")
            return send_error(response, 400,
                              "screenshot: unknown screen '" + screen + "'; expected touch_screen or public_display");
        ScreenshotSource source;
        {
            std::lock_guard<std::mutex> guard(screenshot_mutex_);
            source = screenshot_source_;
        }
        if (!source)
            return send_error(response, 503,
                              "screenshot: this kiosk cannot capture its screen (its window is not open)");
        auto png = source(screen);
        if (!png) return send_error(response, 503, "screenshot: " + png.error().message);
        response.status = 200;
        response.set_content(std::move(*png), "image/png");
    });
}

}  // namespace station::api
