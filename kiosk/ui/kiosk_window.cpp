#include "kiosk/ui/kiosk_window.h"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>

#include "kiosk/ui/kiosk_ui.h"

namespace station::ui {
namespace {

struct SdlVideo {
    bool ok = SDL_Init(SDL_INIT_VIDEO) == 0;
    ~SdlVideo() { SDL_Quit(); }
};

// Milliseconds since the process started, so start-up before main() counts too: the start time
// from /proc/self/stat against /proc/uptime, both counted from boot, 10 ms resolution. (The
// monotonic clocks may sit in another time namespace in containers; these two agree.) -1 when
// /proc does not say.
double process_age_ms() {
    FILE* stat = std::fopen("/proc/self/stat", "r");
    if (!stat) return -1;
    char buffer[1024];
    size_t n = std::fread(buffer, 1, sizeof buffer - 1, stat);
    std::fclose(stat);
    buffer[n] = 0;
    const char* after_name = std::strrchr(buffer, ')');
    if (!after_name) return -1;
    unsigned long long start_ticks = 0;
    int field = 2;  // the text after ") " starts at field 3; starttime is field 22
    for (const char* p = after_name + 1; *p && field < 22; ++p)
        if (*p == ' ' && ++field == 22) start_ticks = std::strtoull(p + 1, nullptr, 10);
    double uptime_seconds = -1;
    if (FILE* uptime = std::fopen("/proc/uptime", "r")) {
        if (std::fscanf(uptime, "%lf", &uptime_seconds) != 1) uptime_seconds = -1;
        std::fclose(uptime);
    }
    if (uptime_seconds < 0) return -1;
    double age = uptime_seconds * 1000.0 - double(start_ticks) * 1000.0 / double(sysconf(_SC_CLK_TCK));
    return age >= 0 && age < 3.6e6 ? age : -1;
}

// SDL falls back to its offscreen or dummy driver when no display is reachable. Those are a
// display only when asked for by name (SDL_VIDEODRIVER), e.g. in tests.
bool has_real_display() {
    const char* driver = SDL_GetCurrentVideoDriver();
    if (!driver) return false;
    std::string name = driver;
    if (name != "offscreen" && name != "dummy") return true;
    const char* requested = std::getenv("SDL_VIDEODRIVER");
    return requested && name == requested;
}

}  // namespace

bool has_gpu() {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/dev/dri", ec))
        if (entry.path().filename().string().rfind("renderD", 0) == 0) return true;
    return std::filesystem::exists("/dev/nvidia0", ec);
}

int run_kiosk_window(Station& station, UiQueue& ui_queue, const WindowOptions& options) {
    bool software = options.renderer == "software" || (options.renderer == "auto" && !has_gpu());
    if (software) {
        // No GL at all: SDL would otherwise back the window surface with a (software) GL texture.
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    }
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    SdlVideo video;
    if (!video.ok || !has_real_display() || SDL_GetNumVideoDisplays() < 1) {
        spdlog::error(
            "no display: {}. station-kiosk needs a screen; use --headless to run the "
            "station's services without one, or --screenshot to render a screen to PNG",
            video.ok ? "SDL found no X11 or Wayland display (is DISPLAY set?)" : SDL_GetError());
        return 3;
    }
    int display = options.display;
    if (display >= SDL_GetNumVideoDisplays()) {
        spdlog::warn("display {} not present ({} connected); using display 0", display,
                     SDL_GetNumVideoDisplays());
        display = 0;
    }

    Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_ALLOW_HIGHDPI;
    int x = int(SDL_WINDOWPOS_CENTERED_DISPLAY(display)), y = x;
    if (options.fullscreen) {
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
        x = y = int(SDL_WINDOWPOS_UNDEFINED_DISPLAY(display));
    }
    std::unique_ptr<SDL_Window, decltype(&SDL_DestroyWindow)> window(
        SDL_CreateWindow(station.config().station.name.c_str(), x, y, options.width, options.height, flags),
        SDL_DestroyWindow);
    if (!window) {
        spdlog::error("no display: cannot open a window: {}", SDL_GetError());
        return 3;
    }
    std::unique_ptr<SDL_Renderer, decltype(&SDL_DestroyRenderer)> renderer(
        SDL_CreateRenderer(window.get(), -1, software ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED),
        SDL_DestroyRenderer);
    if (!renderer && !software) {
        spdlog::warn("no accelerated renderer ({}); using the software renderer", SDL_GetError());
        renderer.reset(SDL_CreateRenderer(window.get(), -1, SDL_RENDERER_SOFTWARE));
    }
    if (!renderer) {
        spdlog::error("cannot create a renderer: {}", SDL_GetError());
        return 1;
    }
    SDL_RendererInfo info{};
    SDL_GetRendererInfo(renderer.get(), &info);

    auto ui =
        KioskUi::create(station, window.get(), renderer.get(), choose_dpi(options.dpi, display), ui_queue);
    if (!ui) {
        spdlog::error("{}", ui.error().message);
        return 1;
    }
    KioskUi& kiosk = **ui;
    kiosk.navigator().go(options.start_screen);
    SDL_ShowCursor(station.demo() ? SDL_ENABLE : SDL_DISABLE);

    // Workers wake this thread through SDL's queue; the event itself carries nothing.
    const Uint32 wake_event = SDL_RegisterEvents(1);
    ui_queue.set_waker([wake_event] {
        SDL_Event event{};
        event.type = wake_event;
        SDL_PushEvent(&event);
    });

    int frames_due = 2;  // ImGui settles layout and hover state over two frames
    bool first_frame = true;
    uint64_t frames_rendered = 0;
    bool quit = false;
    auto next_timer = std::chrono::steady_clock::time_point::max();
    while (!quit) {
        SDL_Event event;
        bool got;
        if (frames_due > 0) {
            got = SDL_PollEvent(&event);
        } else {
            auto now = std::chrono::steady_clock::now();
            int64_t wait_ms = 60'000;
            if (next_timer != std::chrono::steady_clock::time_point::max())
                wait_ms = std::clamp<int64_t>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(next_timer - now).count(), 0,
                    60'000);
            got = SDL_WaitEventTimeout(&event, int(wait_ms));
            if (!got && std::chrono::steady_clock::now() >= next_timer) frames_due = 1;
        }
        while (got) {
            if (event.type == SDL_QUIT)
                quit = true;
            else if (event.type != wake_event && kiosk.process_event(event))
                frames_due = 2;
            got = SDL_PollEvent(&event);
        }
        if (ui_queue.drain() > 0) frames_due = std::max(frames_due, 2);
        if (ui_queue.take_frame_request()) frames_due = std::max(frames_due, 1);  // a video frame
        if (quit || frames_due == 0) continue;

        kiosk.render_frame();
        --frames_due;
        if (kiosk.wants_frame()) frames_due = std::max(frames_due, 1);
        spdlog::trace("frame {} rendered", ++frames_rendered);
        if (first_frame) {
            first_frame = false;
            spdlog::info("first frame presented {:.0f} ms after process start ({} renderer, {}x{})",
                         process_age_ms(), info.name, options.width, options.height);
        }
        int64_t change_ms = kiosk.ms_until_change();
        next_timer = change_ms < 0 ? std::chrono::steady_clock::time_point::max()
                                   : std::chrono::steady_clock::now() + std::chrono::milliseconds(change_ms);
    }
    ui_queue.set_waker(nullptr);
    spdlog::info("kiosk window closed");
    return 0;
}

}  // namespace station::ui
