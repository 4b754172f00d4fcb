// device_reconnect_ms: a simulated printer is unplugged, seen offline by the device manager,
// plugged back in; the figure is from replug() to the manager's health "ok" (median of 5).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "drivers/sim/simulator.h"
#include "kiosk/core/devices.h"
#include "kiosk/core/station.h"
#include "temp_dir.h"

using namespace std::chrono_literals;

namespace {

bool wait_for_printer(station::DeviceManager& devices, const std::string& state, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (devices.status("printer")->status == state) return true;
        std::this_thread::sleep_for(1ms);
    }
    return false;
}

}  // namespace

void bench_devices() {
    station::test::TempDir dir;
    auto printer = station::drivers::sim::PrinterSimulator::create(station::drivers::sim::SimEndpoint::Pty,
                                                                   (dir / "printer").string());
    if (!printer) {
        std::fprintf(stderr, "bench: printer simulator: %s\n", printer.error().describe().c_str());
        return;
    }
    station::StationOptions options;
    options.config.devices.printer = (*printer)->uri();
    options.config.devices.status_poll_ms = 100;
    options.data_dir = dir / "data";
    auto opened = station::Station::open(options);
    if (!opened) {
        std::fprintf(stderr, "bench: %s\n", opened.error().message.c_str());
        return;
    }
    station::Station& kiosk = **opened;
    kiosk.start_services();  // production timings: the default back-off
    std::vector<double> reconnects;
    if (wait_for_printer(kiosk.devices(), "ok", 5s)) {
        for (int run = 0; run < 5; ++run) {
            (*printer)->unplug();
            if (!wait_for_printer(kiosk.devices(), "offline", 5s)) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(300 * run));  // land at varied back-off points
            auto start = std::chrono::steady_clock::now();
            if (!(*printer)->replug().ok() || !wait_for_printer(kiosk.devices(), "ok", 5s)) break;
            reconnects.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
    }
    kiosk.stop_services();
    if (reconnects.empty()) {
        std::fprintf(stderr, "bench: the printer did not come back\n");
        return;
    }
    std::sort(reconnects.begin(), reconnects.end());
    std::printf("device_reconnect_ms: %.0f ms (median of %zu; max %.0f)\n", reconnects[reconnects.size() / 2],
                reconnects.size(), reconnects.back());
    std::fflush(stdout);
}
