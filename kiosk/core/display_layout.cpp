#include "kiosk/core/display_layout.h"

#include <spdlog/spdlog.h>

namespace station {

DisplayPlan plan_displays(const StationConfig::Display& config, const std::vector<ConnectedDisplay>& connected) {
    using Display = StationConfig::Display;
    const int count = int(connected.size());
    DisplayPlan plan;
    plan.touch = config.touch_display < count ? config.touch_display : 0;
    plan.touch_moved = plan.touch != config.touch_display;
    if (config.public_display == Display::kPublicNone) {
        plan.public_reason = "未配置公共显示屏 none configured: the content is the touchscreen's attract loop";
        return plan;
    }
    if (config.public_display == Display::kPublicAuto) {
        for (int i = 0; i < count; ++i)
            if (i != plan.touch) {
                plan.public_display = i;
                return plan;
            }
        plan.public_reason = "未连接第二块显示屏 no second display connected: the content is the touchscreen's attract loop";
        return plan;
    }
    if (config.public_display < count && config.public_display != plan.touch) {
        plan.public_display = config.public_display;
        return plan;
    }
    plan.public_reason = "显示屏 " + std::to_string(config.public_display) + " 未连接 display " +
                         std::to_string(config.public_display) +
                         " not connected: the content is the touchscreen's attract loop";
    return plan;
}

nlohmann::json ScreenStatus::to_json() const {
    return {{"device", device}, {"configured", configured}, {"status", status}, {"reason", reason},
            {"since", since_ms},  {"display", display},       {"name", name},     {"width", width},
            {"height", height},   {"window", window}};
}

ScreenStates::ScreenStates(EventBus& events, Clock& clock, const StationConfig::Display& config)
    : events_(events), clock_(clock) {
    int64_t now = clock_.now_ms();
    touch_.device = "touch_screen";
    touch_.configured = true;
    touch_.reason = "没有窗口 no window (headless, or not opened yet)";
    touch_.since_ms = now;
    public_.device = "public_display";
    public_.configured = config.public_display != StationConfig::Display::kPublicNone;
    public_.reason = public_.configured ? "没有窗口 no window (headless, or not opened yet)"
                                        : "未配置公共显示屏 none configured: the content is the touchscreen's attract loop";
    public_.since_ms = now;
}

void ScreenStates::set(ScreenStatus state) {
    nlohmann::json data;
    {
        std::lock_guard lock(mutex_);
        ScreenStatus& slot = state.device == "public_display" ? public_ : touch_;
        state.device = slot.device;
        state.configured = slot.configured;
        bool changed = slot.status != state.status || slot.reason != state.reason;
        state.since_ms = changed ? clock_.now_ms() : slot.since_ms;
        slot = state;
        if (!changed) return;
        data = {{"device", slot.device}, {"status", slot.status}, {"reason", slot.reason}, {"since", slot.since_ms}};
    }
    if (data["status"] == "ok")
        spdlog::info("{}: ok", data["device"].get<std::string>());
    else
        spdlog::warn("{}: {}: {}", data["device"].get<std::string>(), data["status"].get<std::string>(),
                     data["reason"].get<std::string>());
    events_.publish({"device.health", data, data["since"].get<int64_t>()});
}

std::vector<ScreenStatus> ScreenStates::snapshot() const {
    std::lock_guard lock(mutex_);
    return {touch_, public_};
}

}  // namespace station
