// The API's screenshot route (issue 7), for the staff console's thumbnails:
//   GET /api/v1/screenshot        staff, editor, admin → image/png of what the kiosk shows now;
//                                 503 naming why when this kiosk cannot capture its screen
// The picture comes from the source set with ApiServer::set_screenshot_source() (a headless kiosk
// renders offscreen, kiosk/ui/offscreen_capture.h); without one the answer is 503.
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
        ScreenshotSource source;
        {
            std::lock_guard<std::mutex> guard(screenshot_mutex_);
            source = screenshot_source_;
        }
        if (!source)
            return send_error(response, 503,
                              "screenshot: this kiosk cannot capture its screen (windowed kiosks do not "
                              "offer it yet; a --headless kiosk renders one)");
        auto png = source();
        if (!png) return send_error(response, 503, "screenshot: " + png.error().message);
        response.status = 200;
        response.set_content(std::move(*png), "image/png");
    });
}

}  // namespace station::api
