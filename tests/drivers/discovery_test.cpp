// Device discovery on a fake /dev and /sys tree, and the demo set of simulators.
#include <doctest/doctest.h>

#include <filesystem>

#include "discovery/discovery.h"
#include "idcard/idcard.h"
#include "printer/printer.h"
#include "qr/qr_scanner.h"
#include "sim/simulator.h"
#include "temp_dir.h"

using namespace station::drivers;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

TEST_CASE("device candidates are found by their Linux names in a fake tree") {
    station::test::TempDir root;
    for (const char* dir : {"dev/usb", "dev/input/by-id", "dev/serial/by-id", "sys/class/backlight/intel_backlight"})
        fs::create_directories(root / dir);
    for (const char* file : {"dev/ttyUSB0", "dev/ttyACM1", "dev/ttyS0", "dev/usb/lp0", "dev/video0", "dev/null",
                             "dev/input/by-id/usb-Newland_Scanner-event-kbd", "dev/input/by-id/usb-Mouse-event-mouse",
                             "dev/serial/by-id/usb-Synjones_IDReader-if00-port0"})
        root.write(file, "");
    auto found = list_device_candidates(root.path().string());
    std::vector<std::string> summary;
    for (auto& c : found) summary.push_back(c.kind + " " + fs::path(c.path).lexically_relative(root.path()).string());
    CHECK(summary == std::vector<std::string>{
                         "backlight sys/class/backlight/intel_backlight",
                         "camera dev/video0",
                         "input dev/input/by-id/usb-Newland_Scanner-event-kbd",
                         "serial dev/serial/by-id/usb-Synjones_IDReader-if00-port0",
                         "serial dev/ttyACM1",
                         "serial dev/ttyUSB0",
                         "usb_printer dev/usb/lp0",
                     });
    CHECK(found[2].note == "usb-Newland_Scanner-event-kbd");
    CHECK(list_device_candidates((root / "missing").string()).empty());
}

TEST_CASE("demo devices serve the real drivers at stable paths") {
    station::test::TempDir dir;
    auto demo = sim::DemoDevices::start(dir.path().string());
    REQUIRE_MESSAGE(demo.ok(), demo.error().describe());
    demo->idcard->place_card(sim::IdCardSimulator::sample_card());
    ManualClock clock;
    auto reader = IdCardReader::open((dir / "idcard").string(), {}, clock);
    REQUIRE(reader.ok());
    CHECK((*reader)->poll().outcome == PollOutcome::CardRead);
    auto printer = EscPosPrinter::open((dir / "printer").string());
    REQUIRE(printer.ok());
    CHECK((*printer)->status().ok());
    auto scanner = SerialQrScanner::open((dir / "qr").string());
    REQUIRE(scanner.ok());
    demo->qr->emit_scan("DEMO");
    CHECK(*(*scanner)->next_scan(1000ms) == "DEMO");
}

TEST_CASE("simulator fault names round-trip") {
    for (int i = 0; i <= int(sim::SimFault::CutterError); ++i) {
        auto fault = sim::SimFault(i);
        CHECK(sim::sim_fault_from_name(sim::sim_fault_name(fault)) == fault);
    }
    CHECK_FALSE(sim::sim_fault_from_name("on_fire").has_value());
}
