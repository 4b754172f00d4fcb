#include "kiosk/core/display_power.h"

#include <chrono>

#include <spdlog/spdlog.h>

namespace station {

namespace dr = station::drivers;

nlohmann::json DisplayPowerStatus::to_json() const {
    nlohmann::json j = {{"device", "display"},
                        {"configured", configured},
                        {"backend", backend},
                        {"uri", backend.empty() ? "" : backend + ":" + target},
                        {"status", status},
                        {"reason", reason},
                        {"since", since_ms},
                        {"wanted_power", wanted_power},
                        {"wanted_brightness", wanted_brightness}};
    j["power"] = power ? nlohmann::json(*power) : nlohmann::json(nullptr);
    j["brightness"] = brightness ? nlohmann::json(*brightness) : nlohmann::json(nullptr);
    return j;
}

DisplayPower::DisplayPower(StationConfig::DisplayPower config, EventBus& events, Clock& clock)
    : config_(std::move(config)), events_(events), clock_(clock) {
    auto schedule = dr::PowerSchedule::parse(config_.schedule);
    if (schedule) {
        schedule_ = *schedule;
    } else {
        spdlog::error("display_power.schedule: {}; the display stays on", schedule.error().describe());
        schedule_ = dr::PowerSchedule::always_on();
    }
    if (!config_.brightness.empty()) {
        auto curve = dr::BrightnessCurve::parse(config_.brightness);
        if (curve)
            curve_ = *curve;
        else
            spdlog::error("display_power.brightness: {}; full brightness", curve.error().describe());
    }
    status_.configured = !config_.backend.empty();
    status_.backend = config_.backend;
    status_.target = config_.target;
    status_.reason = status_.configured ? "显示屏尚未连接 display not opened yet" : "未配置 not configured";
    status_.since_ms = clock_.now_ms();
}

DisplayPower::~DisplayPower() {
    stop();
}

void DisplayPower::start() {
    if (!status_.configured || thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stopping_ = false;
    }
    thread_ = std::thread([this] { run(); });
}

void DisplayPower::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
}

DisplayPowerStatus DisplayPower::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

void DisplayPower::set_health(const std::string& status, const std::string& reason) {
    nlohmann::json data;
    {
        std::lock_guard lock(mutex_);
        if (status_.status == status && status_.reason == reason) return;
        status_.status = status;
        status_.reason = reason;
        status_.since_ms = clock_.now_ms();
        data = {{"device", "display"}, {"status", status}, {"reason", reason}, {"since", status_.since_ms}};
    }
    if (status == "ok")
        spdlog::info("display: ok ({})", config_.backend);
    else
        spdlog::warn("display: {}: {}", status, reason);
    events_.publish({"device.health", data, data["since"].get<int64_t>()});
}

void DisplayPower::apply(dr::LocalTime now) {
    std::lock_guard lock(backend_mutex_);
    bool want_on = dr::power_on_at(schedule_, now);
    int want_brightness = dr::brightness_at(curve_, now.minute);
    {
        std::lock_guard status_lock(mutex_);
        status_.wanted_power = want_on;
        status_.wanted_brightness = want_brightness;
    }
    if (!backend_) {
        auto opened = dr::open_display_backend({config_.backend, config_.target});
        if (!opened)
            return set_health("offline", "显示屏无法控制 display unavailable: " + opened.error().message);
        backend_ = std::move(*opened);
        scheduler_ = std::make_unique<dr::DisplayScheduler>(*backend_, schedule_, curve_);
    }
    auto ticked = scheduler_->tick(now);
    {
        std::lock_guard status_lock(mutex_);
        status_.power = scheduler_->applied_power();
        status_.brightness = scheduler_->applied_brightness();
    }
    if (!ticked) {
        // A display that stopped answering is reopened on the next tick.
        if (ticked.error().code == dr::ErrorCode::Unplugged) {
            scheduler_.reset();
            backend_.reset();
        }
        return set_health("degraded",
                          "显示屏未响应 display did not take the setting: " + ticked.error().message);
    }
    set_health("ok", "");
}

void DisplayPower::tick_now() {
    apply(dr::to_local_time(clock_.now()));
}

void DisplayPower::run() {
    while (true) {
        tick_now();
        // Wake at the next minute boundary (the schedule's resolution), or on stop().
        auto now = std::chrono::system_clock::now();
        auto next = std::chrono::ceil<std::chrono::minutes>(now + std::chrono::milliseconds(1));
        std::unique_lock lock(mutex_);
        if (changed_.wait_until(lock, next, [this] { return stopping_; })) return;
    }
}

}  // namespace station
