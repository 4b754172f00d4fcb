// `stationctl device ...`: diagnostics a technician runs on the station's own machine, straight
// through the drivers (no kiosk needed), a contract installers script against (issue 4):
//   device list [--json]                     the nodes that could be station devices (serial, USB
//                                            printer, HID, camera, backlight), one per line, or
//                                            {"devices": [{"kind", "path", "note"}]}
//   device display on|off [--backend K] [--target T] [--json]
//   device display brightness N [...]        N in 0..100; backend sysfs (default; target: the first
//                                            /sys/class/backlight/* when not given), ddc, cec, dpms
//   device read-idcard --port DEV [--json] [--unmasked] [--timeout S]
//                                            find → select → read on a SAM reader (115200 8N1):
//                                            card_type, name, sex, nation, birth_date, address,
//                                            id_number (masked unless --unmasked), issuer,
//                                            valid_from, valid_to
//   device print-test --printer URI [--paper 58|80] [--raster]
//                                            a Chinese test receipt with a QR code and a cut
//   device printer-status --printer URI [--json]
//                                            paper (ok, near_end, out), cover_open, online, error
//   device scan --port DEV [--json] [--timeout S]
//                                            one QR scan: serial (CDC) line, /dev/input/event*
//                                            (HID keyboard wedge) or /dev/video* (camera)
// A failure exits 1 with a message naming the device and the fault (e.g. a checksum mismatch
// in the reply to read); bad usage exits 2.
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
    int read_idcard();
    int print_test();
    int printer_status();
    int scan();
    CLI::App* device_ = nullptr;
    CLI::App* list_ = nullptr;
    CLI::App* display_ = nullptr;
    CLI::App* read_idcard_ = nullptr;
    CLI::App* print_test_ = nullptr;
    CLI::App* printer_status_ = nullptr;
    CLI::App* scan_ = nullptr;
    std::string port_, printer_;
    int paper_mm_ = 58;
    bool raster_ = false, unmasked_ = false;
    double timeout_s_ = 10;
    std::vector<std::string> action_;  // on | off | brightness N
    std::string backend_ = "sysfs";
    std::string target_;
    std::string root_ = "/";  // list: where to look (a fake tree in tests)
    bool json_ = false;
};

}  // namespace station::ctl
