// The kiosk's windows and their event loop: the touchscreen's window and, when its display is
// connected, the public display's window ([display] public_display; display_layout.h decides
// where each goes, again on every hot-plug). Renders a window only when something changed for it
// (input, a queued event, a screen's timer, a video frame) and otherwise sleeps in
// SDL_WaitEventTimeout (DESIGN.md, rule 4). SIGTERM/SIGINT end the loop cleanly.
#pragma once
#include <functional>
#include <string>

#include "kiosk/core/display_layout.h"
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
    // Called with a capture function once the touch window is up, and with nullptr before the
    // windows close: capture("touch_screen" | "public_display") returns that window's next frame
    // as a PNG thumbnail (at most 960 pixels wide). Any thread; waits up to 3 s for the UI.
    using Capture = std::function<Result<std::string>(const std::string& screen)>;
    std::function<void(Capture)> on_capture;
    // The displays connected now, asked at start and on every SDL display event; null: SDL's list.
    // (Tests hide a display with it to exercise unplug and replug on one Xvfb.)
    std::function<std::vector<ConnectedDisplay>()> displays;
};

// Runs until quit. Returns the process exit code: 0 on a clean stop, 3 when there is no display
// (the message says so), 1 on other failures. Workers post to `ui_queue` to run work here.
// True when this machine has a GPU render node (/dev/dri/renderD*) or an NVIDIA device.
bool has_gpu();

int run_kiosk_window(Station& station, UiQueue& ui_queue, const WindowOptions& options);

}  // namespace station::ui
