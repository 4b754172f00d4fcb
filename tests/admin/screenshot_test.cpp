// GET /api/v1/screenshot on a headless kiosk (the console's thumbnails): a PNG of the home screen
// for staff, editor and admin; 401 without a token; 403 for a device account. The console's link
// fetches it into its snapshot.
#include <doctest/doctest.h>
#include <stb_image.h>

#include <thread>

#include "admin/client/kiosk_link.h"
#include "headless_kiosk.h"
#include "temp_dir.h"

using namespace std::chrono_literals;

TEST_CASE("a headless kiosk answers GET /api/v1/screenshot with a PNG of its screen") {
    station::test::TempDir dir;
    station::test::HeadlessKiosk kiosk((dir / "d").string());
    auto admin = kiosk.client();
    REQUIRE(admin
                .post("/api/v1/users",
                      {{"user", "screen1"}, {"name", "一号屏"}, {"role", "device"}, {"pin", "9090"}})
                .ok());
    REQUIRE(
        admin.post("/api/v1/users", {{"user", "li"}, {"name", "李编辑"}, {"role", "editor"}, {"pin", "2468"}})
            .ok());

    for (const char* user : {"demo", "li"}) {
        CAPTURE(user);
        std::string png;
        auto reply = kiosk.client(user, "2468").get_raw("/api/v1/screenshot", &png);
        REQUIRE(reply.status == 200);
        int w = 0, h = 0, channels = 0;
        unsigned char* pixels = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(png.data()),
                                                      static_cast<int>(png.size()), &w, &h, &channels, 4);
        REQUIRE(pixels != nullptr);
        CHECK(w == 960);
        CHECK(h == 540);
        // Not blank: the home screen's red help button and header are there.
        int red = 0;
        for (int i = 0; i < w * h; ++i)
            if (pixels[i * 4] > 140 && pixels[i * 4 + 1] < 60 && pixels[i * 4 + 2] < 60) ++red;
        CHECK(red > w * h / 50);
        stbi_image_free(pixels);
    }
    std::string ignored;
    station::admin::ApiClient anonymous(kiosk.url);
    CHECK(anonymous.get_raw("/api/v1/screenshot", &ignored).status == 401);
    CHECK(kiosk.client("screen1", "9090").get_raw("/api/v1/screenshot", &ignored).status == 403);

    station::admin::KioskLinkOptions options;
    options.url = kiosk.url;
    options.user = "demo";
    options.pin = "2468";
    station::admin::KioskLink link(options);
    for (int i = 0; i < 400 && link.snapshot().thumbnail_version == 0; ++i) std::this_thread::sleep_for(25ms);
    auto snapshot = link.snapshot();
    CHECK(snapshot.thumbnail_version >= 1);
    CHECK(snapshot.thumbnail_png.size() > 1000);
    CHECK(snapshot.content.contains("active"));  // GET /api/v1/content, shown on the devices tab
}
