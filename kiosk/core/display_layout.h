// Which screen shows what (issues 4 and 5): the touchscreen's window and the public display's
// window over the displays that are connected now, and their state for the API and the console.
//
//   plan_displays()   a pure function of [display] and the connected displays: where the touch
//                     window goes and whether the public display gets its own window. The window
//                     code (kiosk/ui/kiosk_window.cpp) runs it at start and on every hot-plug.
//   ScreenStates      what the window code did, thread-safe: GET /api/v1/devices lists it as the
//                     devices "touch_screen" and "public_display"; each change is published as
//                     device.health {"device","status","reason","since"} like the other devices.
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/clock.h"
#include "kiosk/core/config.h"
#include "kiosk/core/events.h"

namespace station {

struct ConnectedDisplay {
    int index = 0;     // SDL display index
    std::string name;  // as the system names it ("HDMI-1", "screen")
    int width = 0, height = 0;
};

struct DisplayPlan {
    int touch = 0;            // display index of the touch window
    bool touch_moved = false; // its configured display is not connected: it stands in on `touch`
    int public_display = -1;  // display index of the public window; -1: none (content = attract loop)
    std::string public_reason;  // why there is no public window ("" when there is one)
};

// `connected` lists the displays in index order (index = position). With none connected the
// touch window still goes to 0 (SDL reports at least one display wherever a window can open).
DisplayPlan plan_displays(const StationConfig::Display& config, const std::vector<ConnectedDisplay>& connected);

struct ScreenStatus {
    std::string device;         // "touch_screen" or "public_display"
    bool configured = false;    // public_display: false when [display] public_display = "none"
    std::string status = "offline";  // "ok", "degraded", "offline"
    std::string reason;         // Chinese then English; "" when ok
    int display = -1;           // the SDL display its window is on; -1: no window
    std::string name;           // that display's name
    int width = 0, height = 0;  // its size in pixels
    bool window = false;        // a window is open on it
    int64_t since_ms = 0;       // when status or reason last changed
    nlohmann::json to_json() const;  // device, configured, status, reason, since, display, name, width, height, window
};

class ScreenStates {
public:
    ScreenStates(EventBus& events, Clock& clock, const StationConfig::Display& config);
    // Sets one screen's state (by its `device`); publishes device.health when status or reason changed.
    void set(ScreenStatus state);
    std::vector<ScreenStatus> snapshot() const;  // touch_screen, public_display

private:
    EventBus& events_;
    Clock& clock_;
    mutable std::mutex mutex_;
    ScreenStatus touch_, public_;
};

}  // namespace station
