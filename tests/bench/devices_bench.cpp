// device_reconnect_ms: a simulated printer is unplugged, seen offline by the device manager,
// plugged back in; the figure is from replug() to the manager's health "ok" (median of 5).
// print_ticket_ms: from HelpDesk::call() (a resident's one tap) to the simulated printer having
// received the whole ticket, its cut included, through the device manager's printer worker
// (status query before and after the job): median of 10. Goal: within 100 ms.
// idcard_read_ms: find → select → read through a pty with the simulator pacing its replies like
// a 115200-baud wire (the 1295-byte read reply alone takes ~112 ms): median of 5. Goal: ≤ 150 ms.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "drivers/idcard/idcard.h"
#include "drivers/sim/simulator.h"
#include "kiosk/core/devices.h"
#include "kiosk/core/help_desk.h"
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
    // print_ticket_ms, on the printer the manager has open now.
    std::vector<double> tickets;
    if (wait_for_printer(kiosk.devices(), "ok", 5s)) {
        for (int run = 0; run < 10; ++run) {
            int cuts_before = (*printer)->record().cuts;
            auto start = std::chrono::steady_clock::now();
            auto called = kiosk.help_desk().call({"consult", "screen", ""}, station::Actor::resident());
            if (!called.ok()) break;
            auto deadline = start + 5s;
            while ((*printer)->record().cuts == cuts_before && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(200us);
            if ((*printer)->record().cuts == cuts_before) break;
            tickets.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
            std::this_thread::sleep_for(50ms);  // the job's closing status query
        }
    }
    kiosk.stop_services();
    if (tickets.size() == 10) {
        std::sort(tickets.begin(), tickets.end());
        std::printf("print_ticket_ms: %.1f ms (median of 10; max %.1f)\n", tickets[5], tickets.back());
    } else {
        std::fprintf(stderr, "bench: only %zu of 10 tickets reached the simulated printer\n", tickets.size());
    }
    std::fflush(stdout);

    // idcard_read_ms
    auto reader_sim = station::drivers::sim::IdCardSimulator::create(station::drivers::sim::IdCardSimulator::sample_card());
    if (!reader_sim) {
        std::fprintf(stderr, "bench: card reader simulator: %s\n", reader_sim.error().describe().c_str());
    } else {
        (*reader_sim)->set_wire_baud(115200);
        auto reader = station::drivers::IdCardReader::open((*reader_sim)->uri());
        std::vector<double> reads;
        for (int run = 0; reader && run < 5; ++run) {
            auto start = std::chrono::steady_clock::now();
            auto found = (*reader)->find_card();
            if (!found || !*found || !(*reader)->select_card() || !(*reader)->read_card()) break;
            reads.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
        if (reads.size() == 5) {
            std::sort(reads.begin(), reads.end());
            std::printf("idcard_read_ms: %.1f ms (median of 5; max %.1f)\n", reads[2], reads.back());
        } else {
            std::fprintf(stderr, "bench: the simulated card was not read (%s)\n",
                         reader ? "a find, select or read failed" : reader.error().describe().c_str());
        }
        std::fflush(stdout);
    }
    if (reconnects.empty()) {
        std::fprintf(stderr, "bench: the printer did not come back\n");
        return;
    }
    std::sort(reconnects.begin(), reconnects.end());
    std::printf("device_reconnect_ms: %.0f ms (median of %zu; max %.0f)\n", reconnects[reconnects.size() / 2],
                reconnects.size(), reconnects.back());
    std::fflush(stdout);
}
