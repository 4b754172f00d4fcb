// DisplayPower: the public display's power schedule per weekday and brightness by time of day
// (config [display_power]), applied through drivers/display (sysfs backlight, DDC/CI, HDMI-CEC or
// X11 DPMS, whichever the config names) by drivers::DisplayScheduler on its own worker thread,
// never the UI thread. It talks to the display only when the wanted state changes (or the last
// try failed), checks once a minute, and reopens a backend that failed to open, every minute.
//
// Events: device.health {"device": "display", "status", "reason", "since"} on each change,
// like the DeviceManager's devices.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "drivers/display/display.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/config.h"
#include "kiosk/core/events.h"

namespace station {

struct DisplayPowerStatus {
    bool configured = false;  // [display_power] backend named
    std::string backend;      // "sysfs", "ddc", "cec", "dpms"; "" when none
    std::string target;
    std::string status = "offline";  // "ok", "degraded", "offline"
    std::string reason;              // Chinese then English; "" when ok
    std::optional<bool> power;       // what was last applied
    std::optional<int> brightness;   // percent last applied (backends with brightness)
    bool wanted_power = true;        // what the schedule says now
    int wanted_brightness = 100;     // what the curve says now
    int64_t since_ms = 0;            // when status or reason last changed
    nlohmann::json to_json() const;  // {"device": "display", "configured", "backend", "status", "reason",
                                     // "power", "brightness", ...}
};

class DisplayPower {
public:
    // The schedule and curve were validated with the config; a bad one here is treated as
    // "always on, full brightness" and logged.
    DisplayPower(StationConfig::DisplayPower config, EventBus& events, Clock& clock);
    ~DisplayPower();  // stop()
    DisplayPower(const DisplayPower&) = delete;
    DisplayPower& operator=(const DisplayPower&) = delete;

    void start();  // starts the worker when a backend is configured; idempotent
    void stop();
    DisplayPowerStatus status() const;
    // Applies the schedule for `now` at once (on the caller's thread; the worker does it each minute).
    void tick_now();

private:
    void run();
    void apply(drivers::LocalTime now);
    void set_health(const std::string& status, const std::string& reason);

    StationConfig::DisplayPower config_;
    EventBus& events_;
    Clock& clock_;
    drivers::PowerSchedule schedule_;
    drivers::BrightnessCurve curve_;
    std::mutex backend_mutex_;  // guards backend_, scheduler_ (worker and tick_now)
    std::unique_ptr<drivers::DisplayBackend> backend_;
    std::unique_ptr<drivers::DisplayScheduler> scheduler_;
    mutable std::mutex mutex_;  // guards status_, stopping_
    std::condition_variable changed_;
    DisplayPowerStatus status_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace station
