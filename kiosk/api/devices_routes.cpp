// The API's device routes (issue 4): health of the station's devices, and a printer test page.
//   GET  /api/v1/devices                  staff, admin → {"devices": [DeviceStatus::to_json(), ...]}:
//                                         printer, idcard, qr, button, then "display" (the power
//                                         schedule's backend, DisplayPowerStatus), "touch_screen" and
//                                         "public_display" (the windows, ScreenStatus), and "disk"
//                                         (the data folder's free space: degraded below 1 GiB or 10 %,
//                                         offline below 256 MiB, when packages and logs can no longer land)
//   POST /api/v1/devices/{name}/test      admin → {"device","result":"ok"}; 409 with the fault
//                                         (paper out, offline, ...); 404 unknown; 400 untestable
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "kiosk/api/api_internal.h"
#include "kiosk/api/api_server.h"
#include "kiosk/core/devices.h"
#include "kiosk/core/display_layout.h"
#include "kiosk/core/display_power.h"

namespace station::api {

namespace {

// The data folder's disk, as a device row: free and total bytes, and a state in words.
nlohmann::json disk_status(const std::filesystem::path& data_dir) {
    nlohmann::json row = {{"device", "disk"}, {"configured", true}, {"uri", data_dir.string()}, {"since", 0}};
    std::error_code ec;
    std::filesystem::space_info space = std::filesystem::space(data_dir, ec);
    if (ec) {
        row["status"] = "offline";
        row["reason"] = "磁盘状态不明 cannot read the disk's free space: " + ec.message();
        return row;
    }
    constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
    row["free_bytes"] = space.available;
    row["total_bytes"] = space.capacity;
    char amounts[96];
    std::snprintf(amounts, sizeof amounts, "%.1f GB free of %.1f GB", double(space.available) / kGiB,
                  double(space.capacity) / kGiB);
    if (space.available < (uintmax_t(256) << 20)) {
        row["status"] = "offline";
        row["reason"] = std::string("磁盘将满 disk nearly full: ") + amounts;
    } else if (space.available < (uintmax_t(1) << 30) || space.available * 10 < space.capacity) {
        row["status"] = "degraded";
        row["reason"] = std::string("磁盘空间不足 low disk: ") + amounts;
    } else {
        row["status"] = "ok";
        row["reason"] = "";
        row["detail"] = amounts;
    }
    return row;
}

// A test page is a few hundred bytes plus two status checks; the printer's own timeouts bound it.
constexpr auto kTestPageWait = std::chrono::seconds(10);
}  // namespace

void ApiServer::add_device_routes() {
    server_->Get("/api/v1/devices", [this](const httplib::Request& request, httplib::Response& response) {
        if (!authorize(*tokens_, request, response, {"staff", "admin"})) return;
        nlohmann::json devices = nlohmann::json::array();
        for (const DeviceStatus& status : station_.devices().snapshot()) devices.push_back(status.to_json());
        devices.push_back(station_.display_power().status().to_json());
        for (const ScreenStatus& screen : station_.screens().snapshot()) devices.push_back(screen.to_json());
        devices.push_back(disk_status(station_.data_dir()));
        send_json(response, 200, {{"devices", devices}});
    });

    server_->Post(R"(/api/v1/devices/([a-z]+)/test)", [this](const httplib::Request& request,
                                                             httplib::Response& response) {
        auto session = authorize(*tokens_, request, response, {"admin"});
        if (!session) return;
        const std::string name = request.matches[1];
        auto status = station_.devices().status(name);
        if (!status) return send_error(response, 404, "device: no device named '" + name + "'");
        if (name != "printer")
            return send_error(response, 400, "device: only the printer has a test (" + name + " reports its health)");
        auto printed = station_.devices().print_test_page();
        if (printed.wait_for(kTestPageWait) != std::future_status::ready)
            return send_error(response, 504, "printer: the test page did not finish within 10 s");
        auto result = printed.get();
        station_.audit(session->username, "devices.test", name,
                       {{"ok", result.ok()}});  // staff actions are audited
        if (!result) return send_error(response, 409, result.error().message);
        send_json(response, 200, {{"device", name}, {"result", "ok"}});
    });
}

}  // namespace station::api
