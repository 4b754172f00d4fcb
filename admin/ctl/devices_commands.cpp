#include "admin/ctl/devices_commands.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "admin/client/api_client.h"
#include "admin/client/report_format.h"
#include "admin/ctl/credentials.h"

namespace station::ctl {
namespace {

std::string local_time(int64_t ms) {
    return ms <= 0 ? "-" : admin::local_time_text(ms, "%m-%d %H:%M:%S");
}

}  // namespace

DevicesCommands::DevicesCommands(CLI::App& app) {
    devices_ = app.add_subcommand("devices", "Devices: health of printer, card reader, scanner, help button; test");
    devices_->require_subcommand(0, 1);
    devices_->fallthrough();  // --server may follow the subcommand
    add_credential_options(devices_, credentials_);
    devices_->add_flag("--json", json_, "Print the kiosk's JSON");
    test_ = devices_->add_subcommand("test", "Test a device: the printer prints a test page (admin)");
    test_->fallthrough();
    test_->add_option("DEVICE", device_, "Device name (printer)")->required();
}

bool DevicesCommands::parsed() const { return devices_->parsed(); }

int DevicesCommands::run(const std::string& server) {
    station::admin::ApiClient client(server);
    if (int code = authenticate(client, credentials_)) return code;

    if (test_->parsed()) {
        client.set_timeout_ms(15000);  // the kiosk waits up to 10 s for the printer
        auto reply = client.post("/api/v1/devices/" + device_ + "/test", nlohmann::json::object());
        if (!reply.ok()) {
            std::fprintf(stderr, "stationctl: %s: %s\n", device_.c_str(), reply.error.c_str());
            return 1;
        }
        if (json_) std::cout << reply.body.dump() << "\n";
        else std::printf("%s: test page printed\n", device_.c_str());
        return 0;
    }
    auto reply = client.get("/api/v1/devices");
    if (!reply.ok()) {
        std::fprintf(stderr, "stationctl: %s\n", reply.error.c_str());
        return 1;
    }
    nlohmann::json devices = reply.body.value("devices", nlohmann::json::array());
    if (json_) {
        std::cout << nlohmann::json{{"devices", devices}}.dump() << "\n";
        return 0;
    }
    for (const auto& d : devices) {
        std::string reason = d.value("reason", "");
        std::string uri = d.value("uri", "");
        std::printf("%-8s %-9s since %-15s %s%s\n", d.value("device", "?").c_str(), d.value("status", "?").c_str(),
                    local_time(d.value("since", int64_t(0))).c_str(), reason.empty() ? "-" : reason.c_str(),
                    uri.empty() ? "" : ("  [" + uri + "]").c_str());
    }
    return 0;
}

}  // namespace station::ctl
