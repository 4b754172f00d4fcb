// Finding devices for `stationctl device list` and first-run setup: lists the nodes that
// could be a station device, by where Linux puts them. It opens nothing and guesses only
// from names; a technician confirms with the diagnostics.
#pragma once
#include <string>
#include <vector>

namespace station::drivers {

struct DeviceCandidate {
    std::string kind;  // "serial" (ID reader, QR scanner, button, serial printer), "usb_printer",
                       // "input" (HID scanner / help key), "camera", "backlight"
    std::string path;  // what to put in the config, e.g. /dev/ttyUSB0
    std::string note;  // a hint, e.g. the by-id name "usb-Newland_Scanner-event-kbd"
};

// Scans `root` (normally "/", a fake tree in tests) for /dev/ttyUSB*, /dev/ttyACM*,
// /dev/serial/by-id/*, /dev/usb/lp*, /dev/input/by-id/*-event-kbd, /dev/video*,
// /sys/class/backlight/*. Sorted by kind then path. Any thread; never fails (a missing
// folder contributes nothing).
std::vector<DeviceCandidate> list_device_candidates(const std::string& root = "/");

}  // namespace station::drivers
