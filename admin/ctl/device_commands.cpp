#include "admin/ctl/device_commands.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>

#include "drivers/discovery/discovery.h"
#include "drivers/display/display.h"

namespace station::ctl {

namespace dr = station::drivers;

DeviceCommands::DeviceCommands(CLI::App& app) {
    device_ = app.add_subcommand("device",
                                 "Device diagnostics on this machine, through the drivers: list, display");
    device_->require_subcommand(1, 1);
    list_ = device_->add_subcommand(
        "list", "Nodes that could be station devices (serial, USB printer, HID, camera, backlight)");
    list_->add_flag("--json", json_, "Print {\"devices\": [{\"kind\", \"path\", \"note\"}]}");
    list_->add_option("--root", root_, "Look under this folder instead of / (tests)")->group("");
    display_ =
        device_->add_subcommand("display", "Switch the display on or off, or set its brightness (0-100)");
    display_->add_option("ACTION", action_, "on | off | brightness N")->required()->expected(1, 2);
    display_->add_option("--backend", backend_, "sysfs (default), ddc, cec or dpms")
        ->check(CLI::IsMember({"sysfs", "ddc", "cec", "dpms"}));
    display_->add_option(
        "--target", target_,
        "sysfs backlight folder (default: the first /sys/class/backlight/*), DDC display number, "
        "CEC port, X display");
    display_->add_flag("--json", json_, "Print {\"display\", \"action\", \"result\"}");
}

bool DeviceCommands::parsed() const {
    return device_->parsed();
}

int DeviceCommands::run() {
    if (list_->parsed()) return list();
    if (display_->parsed()) return display();
    return 2;
}

int DeviceCommands::list() {
    auto found = dr::list_device_candidates(root_);
    if (json_) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& d : found) list.push_back({{"kind", d.kind}, {"path", d.path}, {"note", d.note}});
        std::printf("%s\n", nlohmann::json{{"devices", list}}.dump(2).c_str());
        return 0;
    }
    if (found.empty())
        std::printf("no candidate devices found (serial, USB printer, HID, camera, backlight)\n");
    for (const auto& d : found)
        std::printf("%-12s %s%s%s\n", d.kind.c_str(), d.path.c_str(), d.note.empty() ? "" : "  ",
                    d.note.c_str());
    return 0;
}

int DeviceCommands::display() {
    const std::string& verb = action_[0];
    int percent = -1;
    if (verb == "brightness") {
        if (action_.size() != 2) {
            std::fprintf(stderr, "stationctl: device display brightness: give a percentage 0-100\n");
            return 2;
        }
        const std::string& n = action_[1];
        auto parsed = std::from_chars(n.data(), n.data() + n.size(), percent);
        if (parsed.ec != std::errc() || parsed.ptr != n.data() + n.size() || percent < 0 || percent > 100) {
            std::fprintf(stderr, "stationctl: device display brightness: expected 0-100 (got '%s')\n",
                         n.c_str());
            return 2;
        }
    } else if ((verb != "on" && verb != "off") || action_.size() != 1) {
        std::fprintf(stderr, "stationctl: device display: expected on, off or brightness N\n");
        return 2;
    }
    std::string target = target_;
    if (backend_ == "sysfs" && target.empty()) {
        for (const auto& d : dr::list_device_candidates("/"))
            if (d.kind == "backlight") {
                target = d.path;
                break;
            }
        if (target.empty()) {
            std::fprintf(stderr,
                         "stationctl: device display: no backlight under /sys/class/backlight; give "
                         "--target or another --backend (ddc, cec, dpms)\n");
            return 1;
        }
    }
    std::string name = backend_ + (target.empty() ? "" : ":" + target);
    auto backend = dr::open_display_backend({backend_, target});
    if (!backend) {
        std::fprintf(stderr, "stationctl: display %s: %s\n", name.c_str(),
                     backend.error().describe().c_str());
        return 1;
    }
    auto done =
        verb == "brightness" ? (*backend)->set_brightness(percent) : (*backend)->set_power(verb == "on");
    if (!done) {
        std::fprintf(stderr, "stationctl: display %s: %s: %s\n", name.c_str(), verb.c_str(),
                     done.error().describe().c_str());
        return 1;
    }
    std::string action = verb == "brightness" ? "brightness " + std::to_string(percent) : verb;
    if (json_)
        std::printf("%s\n",
                    nlohmann::json{{"display", name}, {"action", action}, {"result", "ok"}}.dump().c_str());
    else
        std::printf("display %s: %s\n", name.c_str(), action.c_str());
    return 0;
}

}  // namespace station::ctl
