#include "admin/ctl/device_commands.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>

#include "drivers/discovery/discovery.h"
#include "drivers/display/display.h"
#include "drivers/idcard/idcard.h"
#include "drivers/printer/printer.h"
#include "drivers/qr/qr_scanner.h"

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

    read_idcard_ =
        device_->add_subcommand("read-idcard", "Read the ID card on a SAM reader (find, select, read)");
    read_idcard_->add_option("--port", port_, "The reader's serial port, e.g. /dev/ttyUSB0")->required();
    read_idcard_->add_flag("--json", json_, "Print the card's fields as JSON");
    read_idcard_->add_flag("--unmasked", unmasked_, "Show the whole ID number (it is masked by default)");
    read_idcard_->add_option("--timeout", timeout_s_, "Seconds to wait for a card (default 10)")
        ->check(CLI::Range(0.5, 600.0));

    print_test_ =
        device_->add_subcommand("print-test", "Print a Chinese test receipt with a QR code and a cut");
    print_test_
        ->add_option("--printer", printer_, "/dev/usb/lp0, serial:///dev/ttyS0?baud=9600 or tcp://host:9100")
        ->required();
    print_test_->add_option("--paper", paper_mm_, "Paper width in mm: 58 (default) or 80")
        ->check(CLI::IsMember({58, 80}));
    print_test_->add_flag("--raster", raster_, "Chinese as a raster image (printers without a Chinese font)");

    printer_status_ = device_->add_subcommand("printer-status", "The printer's paper, cover and error state");
    printer_status_
        ->add_option("--printer", printer_, "/dev/usb/lp0, serial:///dev/ttyS0?baud=9600 or tcp://host:9100")
        ->required();
    printer_status_->add_flag("--json", json_, "Print {\"paper\", \"cover_open\", \"online\", \"error\"}");

    scan_ = device_->add_subcommand("scan", "Wait for one QR scan and print it");
    scan_
        ->add_option("--port", port_,
                     "Serial scanner (/dev/ttyACM0), HID wedge (/dev/input/eventN) or camera (/dev/videoN)")
        ->required();
    scan_->add_flag("--json", json_, "Print {\"port\", \"payload\"}");
    scan_->add_option("--timeout", timeout_s_, "Seconds to wait for a scan (default 10)")
        ->check(CLI::Range(0.5, 600.0));
}

bool DeviceCommands::parsed() const {
    return device_->parsed();
}

int DeviceCommands::run() {
    if (list_->parsed()) return list();
    if (display_->parsed()) return display();
    if (read_idcard_->parsed()) return read_idcard();
    if (print_test_->parsed()) return print_test();
    if (printer_status_->parsed()) return printer_status();
    if (scan_->parsed()) return scan();
    return 2;
}

namespace {

dr::Millis seconds_to_millis(double seconds) {
    return dr::Millis(int64_t(seconds * 1000));
}

}  // namespace

int DeviceCommands::read_idcard() {
    auto reader = dr::IdCardReader::open(port_);
    if (!reader) {
        std::fprintf(stderr, "stationctl: ID-card reader %s: %s\n", port_.c_str(),
                     reader.error().describe().c_str());
        return 1;
    }
    const auto deadline = std::chrono::steady_clock::now() + seconds_to_millis(timeout_s_);
    while (std::chrono::steady_clock::now() < deadline) {
        dr::PollResult polled = (*reader)->poll();  // paced at the reader's 300 ms minimum
        if (polled.outcome == dr::PollOutcome::Failed && polled.error) {
            std::fprintf(stderr, "stationctl: ID-card reader %s: %s\n", port_.c_str(),
                         polled.error->describe().c_str());
            return 1;
        }
        if (polled.outcome != dr::PollOutcome::CardRead || !polled.card) continue;
        auto fields = dr::card_fields(*polled.card, unmasked_);
        if (json_) {
            nlohmann::json card = nlohmann::json::object();
            for (const auto& [key, value] : fields) card[key] = value;
            std::printf("%s\n", card.dump(2).c_str());
        } else {
            for (const auto& [key, value] : fields)
                if (!value.empty()) std::printf("%-12s %s\n", key.c_str(), value.c_str());
        }
        return 0;
    }
    std::fprintf(stderr,
                 "stationctl: ID-card reader %s: no card within %.0f s (place the card on the reader)\n",
                 port_.c_str(), timeout_s_);
    return 1;
}

int DeviceCommands::print_test() {
    dr::PrinterOptions options;
    options.paper = paper_mm_ == 80 ? dr::PaperWidth::Mm80 : dr::PaperWidth::Mm58;
    options.chinese = raster_ ? dr::ChineseOutput::Raster : dr::ChineseOutput::Native;
    auto printer = dr::EscPosPrinter::open(printer_, options);
    if (!printer) {
        std::fprintf(stderr, "stationctl: printer %s: %s\n", printer_.c_str(),
                     printer.error().describe().c_str());
        return 1;
    }
    auto job = dr::test_page_job(options);
    if (!job) {
        std::fprintf(stderr, "stationctl: printer %s: %s\n", printer_.c_str(),
                     job.error().describe().c_str());
        return 1;
    }
    auto printed = (*printer)->print(*job);
    if (!printed) {
        std::fprintf(stderr, "stationctl: printer %s: %s\n", printer_.c_str(),
                     printed.error().describe().c_str());
        return 1;
    }
    if (!printed->confirmed()) {
        std::string why = printed->after
                              ? printed->after->health().reason
                              : (printed->after_error ? printed->after_error->describe() : "no answer");
        std::fprintf(stderr, "stationctl: printer %s: the test receipt was sent but not confirmed: %s\n",
                     printer_.c_str(), why.c_str());
        return 1;
    }
    std::printf("printer %s: test receipt printed and cut\n", printer_.c_str());
    return 0;
}

int DeviceCommands::printer_status() {
    auto printer = dr::EscPosPrinter::open(printer_);
    if (!printer) {
        std::fprintf(stderr, "stationctl: printer %s: %s\n", printer_.c_str(),
                     printer.error().describe().c_str());
        return 1;
    }
    auto status = (*printer)->status();
    if (!status) {
        std::fprintf(stderr, "stationctl: printer %s: %s\n", printer_.c_str(),
                     status.error().describe().c_str());
        return 1;
    }
    const char* paper = dr::paper_state_name(status->paper);
    std::string error = status->any_error() || !status->online ? status->health().reason : "";
    if (json_) {
        nlohmann::json out = {{"paper", paper},
                              {"cover_open", status->cover_open},
                              {"online", status->online},
                              {"error", error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error)}};
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        std::printf("printer %s: paper %s, cover %s, %s%s%s\n", printer_.c_str(), paper,
                    status->cover_open ? "open" : "closed", status->online ? "online" : "offline",
                    error.empty() ? "" : ", error: ", error.c_str());
    }
    return 0;
}

int DeviceCommands::scan() {
    const dr::Millis timeout = seconds_to_millis(timeout_s_);
    dr::Result<std::string> payload = dr::Error{};
    if (port_.rfind("/dev/input/", 0) == 0) {
        auto scanner = dr::HidQrScanner::open(port_);
        if (!scanner) {
            std::fprintf(stderr, "stationctl: scanner %s: %s\n", port_.c_str(),
                         scanner.error().describe().c_str());
            return 1;
        }
        payload = (*scanner)->next_scan(timeout);
    } else if (port_.rfind("/dev/video", 0) == 0) {
        auto camera = dr::V4l2Camera::open(port_);
        if (!camera) {
            std::fprintf(stderr, "stationctl: camera %s: %s\n", port_.c_str(),
                         camera.error().describe().c_str());
            return 1;
        }
        dr::CameraQrScanner scanner(std::move(*camera));
        payload = scanner.next_scan(timeout);
    } else {
        auto scanner = dr::SerialQrScanner::open(port_);
        if (!scanner) {
            std::fprintf(stderr, "stationctl: scanner %s: %s\n", port_.c_str(),
                         scanner.error().describe().c_str());
            return 1;
        }
        payload = (*scanner)->next_scan(timeout);
    }
    if (!payload) {
        std::fprintf(stderr, "stationctl: scanner %s: %s\n", port_.c_str(),
                     payload.error().describe().c_str());
        return 1;
    }
    if (json_)
        std::printf("%s\n", nlohmann::json{{"port", port_}, {"payload", *payload}}.dump(2).c_str());
    else
        std::printf("%s\n", payload->c_str());
    return 0;
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
