#include "discovery/discovery.h"

#include <algorithm>
#include <filesystem>

namespace station::drivers {

namespace fs = std::filesystem;

namespace {

void scan(const fs::path& dir, const std::string& kind, bool (*match)(const std::string&), bool note_target,
          std::vector<DeviceCandidate>& out) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::string name = entry.path().filename().string();
        if (!match(name)) continue;
        DeviceCandidate c{kind, entry.path().string(), ""};
        if (note_target) {
            // by-id links: the stable name is the note, the link is the path to configure.
            c.note = name;
        }
        out.push_back(std::move(c));
    }
}

bool starts(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

std::vector<DeviceCandidate> list_device_candidates(const std::string& root) {
    fs::path base(root);
    std::vector<DeviceCandidate> out;
    scan(base / "dev", "serial", [](const std::string& n) { return starts(n, "ttyUSB") || starts(n, "ttyACM"); }, false, out);
    scan(base / "dev/serial/by-id", "serial", [](const std::string&) { return true; }, true, out);
    scan(base / "dev/usb", "usb_printer", [](const std::string& n) { return starts(n, "lp"); }, false, out);
    scan(base / "dev/input/by-id", "input",
         [](const std::string& n) { return n.size() > 10 && n.compare(n.size() - 10, 10, "-event-kbd") == 0; }, true, out);
    scan(base / "dev", "camera", [](const std::string& n) { return starts(n, "video"); }, false, out);
    scan(base / "sys/class/backlight", "backlight", [](const std::string&) { return true; }, false, out);
    std::sort(out.begin(), out.end(), [](const DeviceCandidate& a, const DeviceCandidate& b) {
        return a.kind != b.kind ? a.kind < b.kind : a.path < b.path;
    });
    return out;
}

}  // namespace station::drivers
