// `stationctl device ...`: diagnostics a technician runs on the station's own machine, straight
// through the drivers (no kiosk needed), a contract installers script against (issue 4):
//   device list [--json]                     the nodes that could be station devices (serial, USB
//                                            printer, HID, camera, backlight), one per line, or
//                                            {"devices": [{"kind", "path", "note"}]}
//   device display on|off [--backend K] [--target T] [--json]
//   device display brightness N [...]        N in 0..100; backend sysfs (default; target: the first
//                                            /sys/class/backlight/* when not given), ddc, cec, dpms
// A failure exits 1 with a message naming the display and the fault; bad usage exits 2.
#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace station::ctl {

class DeviceCommands {
public:
    explicit DeviceCommands(CLI::App& app);
    bool parsed() const;
    int run();

private:
    int list();
    int display();
    CLI::App* device_ = nullptr;
    CLI::App* list_ = nullptr;
    CLI::App* display_ = nullptr;
    std::vector<std::string> action_;  // on | off | brightness N
    std::string backend_ = "sysfs";
    std::string target_;
    std::string root_ = "/";  // list: where to look (a fake tree in tests)
    bool json_ = false;
};

}  // namespace station::ctl
