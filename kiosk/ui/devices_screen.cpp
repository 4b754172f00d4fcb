// 设备状态 (staff): each device of the station with its state and the reason in words (printer,
// ID-card reader, QR scanner, help button from the DeviceManager; the display's power from
// DisplayPower; the touchscreen's and the public display's windows from ScreenStates) and the
// latest QR scan the kiosk took. In --demo
// a 模拟扫码 button makes the simulated scanner send a code, which arrives through the real
// driver like any scan. Nothing here waits on a device or the disk: snapshots are in memory and
// the demo scan is sent from a worker.
#include <algorithm>
#include <atomic>
#include <cfloat>
#include <mutex>
#include <optional>

#include "drivers/sim/simulator.h"
#include "kiosk/core/catalogue.h"
#include "kiosk/core/devices.h"
#include "kiosk/core/display_layout.h"
#include "kiosk/core/display_power.h"
#include "kiosk/core/worker.h"
#include "kiosk/ui/screen.h"
#include "kiosk/ui/widgets.h"

namespace station::ui {
namespace {

const char* device_label(const std::string& device) {
    if (device == "printer") return tr("content.devices.printer");
    if (device == "idcard") return tr("content.devices.idcard");
    if (device == "qr") return tr("content.devices.qr");
    if (device == "button") return tr("content.devices.button");
    if (device == "display") return tr("content.devices.display");
    if (device == "touch_screen") return tr("content.devices.touch_screen");
    if (device == "public_display") return tr("content.devices.public_display");
    return device.c_str();
}

const char* state_words(bool configured, const std::string& status) {
    if (!configured) return tr("content.devices.not_configured");
    if (status == "ok") return tr("content.devices.ok");
    if (status == "degraded") return tr("content.devices.degraded");
    return tr("content.devices.offline");
}

float width_of_body(const ScreenContext& ctx, const std::string& text) {
    return ctx.fonts.body->CalcTextSizeA(ctx.fonts.body->FontSize, FLT_MAX, 0, text.c_str()).x;
}

std::string time_of(int64_t ms) {
    if (ms <= 0) return "";
    return clock_time(TimePoint(std::chrono::milliseconds(ms)));
}

// What arrives from the scanner's worker: the latest scan.
struct Shared {
    std::mutex mutex;
    std::string scan;  // shortened payload of the latest scan
    size_t scan_length = 0;
    int64_t scan_at_ms = 0;
};

class DevicesScreen final : public Screen {
public:
    ~DevicesScreen() override {
        worker_.reset();  // no task may touch shared_ after this
        if (station_ && scan_handler_) station_->devices().remove_handler(scan_handler_);
    }
    const char* name() const override { return "devices"; }
    // A staff screen: no resident's tap opens it (--screen devices, or the staff's own navigation).
    std::string parent() const override { return ""; }

    void draw(ScreenContext& ctx) override {
        if (!station_) attach(ctx.station);
        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        float header = draw_header(ctx);
        float nav = draw_nav_bar(ctx);
        float margin = theme.mm(8);
        float x = margin, right = ctx.size.x - margin;
        float y = header + theme.mm(5);
        text_at(ctx.fonts.tile, ImVec2(x, y), c.text, tr("content.devices.title"));
        y += line(ctx.fonts.tile) + theme.mm(3);

        std::vector<nlohmann::json> rows;
        for (const DeviceStatus& d : ctx.station.devices().snapshot()) rows.push_back(d.to_json());
        rows.push_back(ctx.station.display_power().status().to_json());
        for (const ScreenStatus& screen : ctx.station.screens().snapshot()) rows.push_back(screen.to_json());
        auto width_of = [&](const std::string& text) {
            return ctx.fonts.title->CalcTextSizeA(ctx.fonts.title->FontSize, FLT_MAX, 0, text.c_str()).x;
        };
        float name_w = 0, state_w = 0;
        for (const auto& row : rows) {
            name_w = std::max(name_w, width_of(device_label(row.value("device", ""))));
            state_w =
                std::max(state_w, width_of(std::string("▲ ") + state_words(row.value("configured", false),
                                                                           row.value("status", "offline"))));
        }
        name_w += theme.mm(6);
        state_w += theme.mm(6);
        for (const auto& row : rows) {
            std::string device = row.value("device", "");
            bool configured = row.value("configured", false);
            std::string status = row.value("status", "offline");
            std::string reason = configured ? row.value("reason", "") : "";
            Rgb mark = !configured ? c.text_muted : status == "ok" ? c.accent : c.help;
            text_at(ctx.fonts.title, ImVec2(x, y), c.text, device_label(device));
            text_at(
                ctx.fonts.title, ImVec2(x + name_w, y), mark,
                std::string(status == "ok" || !configured ? "● " : "▲ ") + state_words(configured, status));
            std::string detail = reason;
            int64_t since = row.value("since", int64_t(0));
            if (configured && since > 0)
                detail +=
                    (detail.empty() ? "" : "  ") + fill(tr("content.devices.since"), {{"t", time_of(since)}});
            if (device == "display" && configured && row["power"].is_boolean())
                detail += std::string(detail.empty() ? "" : "  ") + (row["power"].get<bool>()
                                                                         ? tr("content.devices.display_on")
                                                                         : tr("content.devices.display_off"));
            float detail_x = x + name_w + state_w;
            if (detail.empty() || width_of_body(ctx, detail) <= right - detail_x) {
                text_at(ctx.fonts.body, ImVec2(detail_x, y + theme.mm(1)), c.text_muted, detail);
                y += line(ctx.fonts.title) + theme.mm(2);
            } else {  // too long for the row (portrait): wrapped under the state, never off screen
                y += line(ctx.fonts.title);
                y = text_wrapped(ctx.fonts.body, ImVec2(x + name_w, y), right - x - name_w, c.text_muted, detail) +
                    theme.mm(2);
            }
        }

        y += theme.mm(3);
        Shared snapshot_copy;
        {
            std::lock_guard lock(shared_->mutex);
            snapshot_copy.scan = shared_->scan;
            snapshot_copy.scan_length = shared_->scan_length;
            snapshot_copy.scan_at_ms = shared_->scan_at_ms;
        }
        std::string scan_line =
            snapshot_copy.scan_at_ms == 0
                ? tr("content.devices.no_scan")
                : fill(tr("content.devices.last_scan"), {{"t", time_of(snapshot_copy.scan_at_ms)},
                                                         {"code", snapshot_copy.scan},
                                                         {"n", std::to_string(snapshot_copy.scan_length)}});
        text_at(ctx.fonts.title, ImVec2(x, y), c.text, scan_line);

        if (ctx.station.demo() && ctx.station.devices().simulators()) {
            float w = theme.mm(60), h = theme.mm(Theme::kMinTargetMm);
            Rect r{ImVec2(right - w, ctx.size.y - nav - h - theme.mm(4)),
                   ImVec2(right, ctx.size.y - nav - theme.mm(4))};
            ButtonLook look{c.tile, c.tile_pressed, c.text, c.tile_border, theme.mm(0.6), theme.mm(3)};
            if (touch_button("##demo_scan", r, look)) demo_scan(ctx.station);
            text_centered(ctx.fonts.title, r.center(), c.text, tr("content.devices.demo_scan"));
        }
    }

    // A staff screen of live states: redrawn every second while it shows.
    int64_t ms_until_change(const ScreenContext&) const override { return 1000; }

private:
    static float line(const ImFont* font) { return font->FontSize * 1.4f; }

    void attach(Station& station) {
        station_ = &station;
        std::weak_ptr<Shared> weak = shared_;
        Clock* clock = &station.clock();
        scan_handler_ = station.devices().on_scan([weak, clock](const std::string& payload) {
            auto shared = weak.lock();
            if (!shared) return;
            // Shown shortened: a code may carry more than staff need to see.
            size_t end = 0;
            int chars = 0;
            for (; end < payload.size(); ++end)
                if ((static_cast<unsigned char>(payload[end]) & 0xC0) != 0x80 && ++chars > 32) break;
            std::string shown = payload.substr(0, end) + (end < payload.size() ? "…" : "");
            std::lock_guard lock(shared->mutex);
            shared->scan = shown;
            shared->scan_length = payload.size();
            shared->scan_at_ms = clock->now_ms();
        });
    }

    void demo_scan(Station& station) {
        int n = ++demo_scans_;
        worker().post([&station, n] {
            if (auto* sims = station.devices().simulators())
                sims->qr->emit_scan("station://" + station.config().station.id + "/activities/" +
                                    std::to_string(n));
        });
    }

    Worker& worker() {
        if (!worker_) worker_ = std::make_unique<Worker>("devices-screen");
        return *worker_;
    }

    Station* station_ = nullptr;
    std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
    int scan_handler_ = 0;
    int demo_scans_ = 0;
    std::unique_ptr<Worker> worker_;
};

}  // namespace

std::unique_ptr<Screen> make_devices_screen() {
    return std::make_unique<DevicesScreen>();
}

}  // namespace station::ui
