// The kiosk's window on the touch display and its event loop. Renders only when something
// changed (input, a queued event, a screen's timer) and otherwise sleeps in SDL_WaitEventTimeout
// (DESIGN.md, rule 4). SIGTERM/SIGINT end the loop cleanly.
#pragma once
#include <string>

#include "kiosk/core/events.h"
#include "kiosk/core/station.h"

namespace station::ui {

struct WindowOptions {
    bool fullscreen = true;             // full screen on `display`; false: a window of width x height
    int width = 1920, height = 1080;
    int display = 0;                    // SDL display index of the touch screen
    double dpi = 0;                     // 0: ask SDL
    std::string renderer = "auto";      // auto | software | accelerated (see StationConfig)
    std::string start_screen = "home";
};

// Runs until quit. Returns the process exit code: 0 on a clean stop, 3 when there is no display
// (the message says so), 1 on other failures. Workers post to `ui_queue` to run work here.
// True when this machine has a GPU render node (/dev/dri/renderD*) or an NVIDIA device.
bool has_gpu();

int run_kiosk_window(Station& station, UiQueue& ui_queue, const WindowOptions& options);

}  // namespace station::ui
