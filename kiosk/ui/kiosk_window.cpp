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
#include <future>
#include <memory>
#include <string>

#include "kiosk/core/display_layout.h"
#include "kiosk/ui/kiosk_ui.h"
#include "kiosk/ui/offscreen_capture.h"

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

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kNever = Clock::time_point::max();

// One SDL window with its renderer and KioskUi. The touch window uses the caller's UiQueue; the
// public window has its own, so its video frames redraw only it.
struct UiWindow {
    std::string device;  // "touch_screen" or "public_display" (ScreenStates)
    UiRole role = UiRole::touch;
    int display = 0;
    UiQueue own_queue;
    UiQueue* queue = &own_queue;
    SDL_Window* window = nullptr;
    SDL_Renderer* renderer = nullptr;
    std::unique_ptr<KioskUi> ui;
    Uint32 id = 0;
    std::string renderer_name;
    int frames_due = 2;  // ImGui settles layout and hover state over two frames
    Clock::time_point next_timer = kNever;
    bool first_frame = true;

    ~UiWindow() {
        queue->set_waker(nullptr);
        ui.reset();  // before the renderer: the video player and textures go first
        if (renderer) SDL_DestroyRenderer(renderer);
        if (window) SDL_DestroyWindow(window);
    }
};

std::vector<ConnectedDisplay> connected_displays() {
    std::vector<ConnectedDisplay> displays;
    int count = SDL_GetNumVideoDisplays();
    for (int i = 0; i < count; ++i) {
        ConnectedDisplay display;
        display.index = i;
        if (const char* name = SDL_GetDisplayName(i)) display.name = name;
        SDL_Rect bounds{};
        if (SDL_GetDisplayBounds(i, &bounds) == 0) {
            display.width = bounds.w;
            display.height = bounds.h;
        }
        displays.push_back(display);
    }
    return displays;
}

ScreenStatus state_of(const UiWindow& w, const std::vector<ConnectedDisplay>& displays, const std::string& status,
                     const std::string& reason) {
    ScreenStatus state;
    state.device = w.device;
    state.status = status;
    state.reason = reason;
    state.display = w.display;
    state.window = true;
    if (w.display >= 0 && w.display < int(displays.size())) {
        state.name = displays[size_t(w.display)].name;
        state.width = displays[size_t(w.display)].width;
        state.height = displays[size_t(w.display)].height;
    }
    return state;
}

// The window, in its place on `display`: full screen there, or a window of width x height.
void place(SDL_Window* window, int display, bool fullscreen) {
    if (fullscreen) SDL_SetWindowFullscreen(window, 0);  // a full-screen window moves only as a window
    SDL_SetWindowPosition(window, int(SDL_WINDOWPOS_CENTERED_DISPLAY(display)), int(SDL_WINDOWPOS_CENTERED_DISPLAY(display)));
    if (fullscreen) SDL_SetWindowFullscreen(window, SDL_WINDOW_FULLSCREEN_DESKTOP);
}

}  // namespace

int run_kiosk_window(Station& station, UiQueue& ui_queue, const WindowOptions& options) {
    bool software = options.renderer == "software" || (options.renderer == "auto" && !has_gpu());
    if (software) {
        // No GL at all: SDL would otherwise back the window surface with a (software) GL texture.
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    }
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    // Two full-screen windows: a touch on one must not minimise the other.
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    SdlVideo video;
    if (!video.ok || !has_real_display() || SDL_GetNumVideoDisplays() < 1) {
        spdlog::error(
            "no display: {}. station-kiosk needs a screen; use --headless to run the "
            "station's services without one, or --screenshot to render a screen to PNG",
            video.ok ? "SDL found no X11 or Wayland display (is DISPLAY set?)" : SDL_GetError());
        return 3;
    }
    // Workers wake this thread through SDL's queue; the event itself carries nothing.
    const Uint32 wake_event = SDL_RegisterEvents(1);
    auto waker = [wake_event] {
        SDL_Event event{};
        event.type = wake_event;
        SDL_PushEvent(&event);
    };

    StationConfig::Display layout = station.config().display;
    layout.touch_display = options.display;
    auto list_displays = [&options] { return options.displays ? options.displays() : connected_displays(); };
    std::vector<ConnectedDisplay> displays = list_displays();

    // Opens a window on `display` with its renderer and KioskUi; the error says what failed.
    auto open_window = [&](UiRole role, int display, int width, int height) -> Result<std::unique_ptr<UiWindow>> {
        auto w = std::make_unique<UiWindow>();
        w->role = role;
        w->device = role == UiRole::touch ? "touch_screen" : "public_display";
        w->display = display;
        if (role == UiRole::touch) w->queue = &ui_queue;
        Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_ALLOW_HIGHDPI;
        int x = int(SDL_WINDOWPOS_CENTERED_DISPLAY(display)), y = x;
        if (options.fullscreen) {
            flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
            x = y = int(SDL_WINDOWPOS_UNDEFINED_DISPLAY(display));
        }
        std::string title = station.config().station.name + (role == UiRole::touch ? "" : " · 公共显示屏");
        w->window = SDL_CreateWindow(title.c_str(), x, y, width, height, flags);
        if (!w->window) return Error{std::string("cannot open a window: ") + SDL_GetError()};
        w->id = SDL_GetWindowID(w->window);
        w->renderer =
            SDL_CreateRenderer(w->window, -1, software ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED);
        if (!w->renderer && !software) {
            spdlog::warn("no accelerated renderer ({}); using the software renderer", SDL_GetError());
            w->renderer = SDL_CreateRenderer(w->window, -1, SDL_RENDERER_SOFTWARE);
        }
        if (!w->renderer) return Error{std::string("cannot create a renderer: ") + SDL_GetError()};
        SDL_RendererInfo info{};
        SDL_GetRendererInfo(w->renderer, &info);
        w->renderer_name = info.name ? info.name : "?";
        w->queue->set_waker(waker);
        double dpi = role == UiRole::touch ? choose_dpi(options.dpi, display) : choose_dpi(0, display);
        auto ui = KioskUi::create(station, w->window, w->renderer, dpi, *w->queue, role);
        if (!ui) return ui.error();
        w->ui = std::move(*ui);
        return w;
    };

    DisplayPlan plan = plan_displays(layout, displays);
    if (plan.touch_moved)
        spdlog::warn("display {} (touch_display) not connected ({} connected); the touch window uses display {}",
                     options.display, displays.size(), plan.touch);
    auto touch_opened = open_window(UiRole::touch, plan.touch, options.width, options.height);
    if (!touch_opened) {
        spdlog::error("no display: {}", touch_opened.error().message);
        return 3;
    }
    std::unique_ptr<UiWindow> touch = std::move(*touch_opened);
    touch->ui->navigator().go(options.start_screen);
    SDL_ShowCursor(station.demo() ? SDL_ENABLE : SDL_DISABLE);
    std::unique_ptr<UiWindow> pub;  // the public display's window, while its display is connected
    bool public_closed_by_user = false;  // windowed development: closed until the next hot-plug

    auto report_touch = [&] {
        station.screens().set(state_of(*touch, displays, plan.touch_moved ? "degraded" : "ok",
                                       plan.touch_moved ? "触摸屏的显示器未连接 display " + std::to_string(options.display) +
                                                              " not connected: the touch window is on display " +
                                                              std::to_string(plan.touch)
                                                        : ""));
    };
    // Puts the windows where the plan says, for the displays connected now: at start and after
    // every hot-plug. A public window that cannot open leaves the content on the touchscreen.
    auto arrange = [&] {
        displays = list_displays();
        plan = plan_displays(layout, displays);
        if (touch->display != plan.touch) {
            spdlog::info("ui: touch window moves from display {} to {}", touch->display, plan.touch);
            touch->display = plan.touch;
            place(touch->window, plan.touch, options.fullscreen);
            touch->frames_due = 2;
        }
        report_touch();
        int want = public_closed_by_user ? -1 : plan.public_display;
        if (pub && pub->display != want) {
            spdlog::info("ui: public window on display {} closes", pub->display);
            pub.reset();
        }
        if (!pub && want >= 0) {
            int width = station.config().display.public_window_width,
                height = station.config().display.public_window_height;
            auto opened = open_window(UiRole::public_display, want, width, height);
            if (opened) {
                pub = std::move(*opened);
                spdlog::info("ui: public window on display {} ({})", want, displays[size_t(want)].name);
            } else {
                spdlog::error("ui: public display {}: {}", want, opened.error().message);
                ScreenStatus failed;
                failed.device = "public_display";
                failed.status = "offline";
                failed.reason = "公共显示屏无法打开 cannot open the public window: " + opened.error().message;
                failed.display = want;
                station.screens().set(failed);
            }
        }
        if (pub) {
            station.screens().set(state_of(*pub, displays, "ok", ""));
        } else if (want < 0) {
            ScreenStatus none;
            none.device = "public_display";
            none.status = "offline";
            none.reason = public_closed_by_user ? "公共显示屏窗口已关闭 the public window was closed" : plan.public_reason;
            station.screens().set(none);
        }
    };
    arrange();

    // GET /api/v1/screenshot: the API thread asks, the UI thread reads the next frame back.
    auto alive = std::make_shared<bool>(true);
    UiWindow* touch_ptr = touch.get();
    std::unique_ptr<UiWindow>* pub_slot = &pub;
    if (options.on_capture)
        options.on_capture([alive, touch_ptr, pub_slot, &ui_queue](const std::string& screen) -> Result<std::string> {
            auto promise = std::make_shared<std::promise<FramePixels>>();
            auto future = promise->get_future();
            ui_queue.post([alive, touch_ptr, pub_slot, promise, screen] {
                if (!*alive) return;
                UiWindow* w = screen == "public_display" ? pub_slot->get() : touch_ptr;
                if (!w) {
                    FramePixels none;
                    none.error = "no public display window is open";
                    promise->set_value(std::move(none));
                    return;
                }
                w->ui->capture_next_frame([promise](FramePixels frame) { promise->set_value(std::move(frame)); });
                w->frames_due = std::max(w->frames_due, 1);
            });
            if (future.wait_for(std::chrono::seconds(3)) != std::future_status::ready)
                return Error{"the screen did not answer within 3 s"};
            FramePixels frame;
            try {
                frame = future.get();
            } catch (const std::future_error&) {  // the window closed before its next frame
                return Error{"the window closed before it could be captured"};
            }
            if (!frame.error.empty()) return Error{frame.error};
            return thumbnail_png(frame.rgba, frame.width, frame.height, 960);
        });

    // Which window an input or window event is for; null: not one of ours (or none named).
    auto window_for = [&](const SDL_Event& event) -> UiWindow* {
        Uint32 id = 0;
        switch (event.type) {
            case SDL_WINDOWEVENT: id = event.window.windowID; break;
            case SDL_KEYDOWN:
            case SDL_KEYUP: id = event.key.windowID; break;
            case SDL_TEXTINPUT: id = event.text.windowID; break;
            case SDL_MOUSEMOTION: id = event.motion.windowID; break;
            case SDL_MOUSEBUTTONDOWN:
            case SDL_MOUSEBUTTONUP: id = event.button.windowID; break;
            case SDL_MOUSEWHEEL: id = event.wheel.windowID; break;
            case SDL_FINGERDOWN:
            case SDL_FINGERUP:
            case SDL_FINGERMOTION: id = event.tfinger.windowID; break;
            default: return nullptr;
        }
        if (pub && id == pub->id) return pub.get();
        return touch.get();  // the touchscreen's, or input that names no window (a keyboard wedge)
    };

    uint64_t frames_rendered = 0;
    bool quit = false;
    while (!quit) {
        bool due = touch->frames_due > 0 || (pub && pub->frames_due > 0);
        SDL_Event event;
        bool got;
        if (due) {
            got = SDL_PollEvent(&event);
        } else {
            auto next = std::min(touch->next_timer, pub ? pub->next_timer : kNever);
            int64_t wait_ms = 60'000;
            if (next != kNever)
                wait_ms = std::clamp<int64_t>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count(), 0, 60'000);
            got = SDL_WaitEventTimeout(&event, int(wait_ms));
        }
        bool displays_changed = false;
        while (got) {
            if (event.type == SDL_QUIT) {
                quit = true;
            } else if (event.type == SDL_DISPLAYEVENT) {
                if (event.display.event == SDL_DISPLAYEVENT_CONNECTED ||
                    event.display.event == SDL_DISPLAYEVENT_DISCONNECTED) {
                    spdlog::info("ui: display {} {}", event.display.display,
                                 event.display.event == SDL_DISPLAYEVENT_CONNECTED ? "connected" : "disconnected");
                    public_closed_by_user = false;
                }
                displays_changed = true;
            } else if (event.type == SDL_RENDER_TARGETS_RESET || event.type == SDL_RENDER_DEVICE_RESET) {
                for (UiWindow* w : {touch.get(), pub.get()})
                    if (w && w->ui->process_event(event)) w->frames_due = 2;
            } else if (event.type != wake_event) {
                UiWindow* w = window_for(event);
                if (w && event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE) {
                    if (w == touch.get()) {
                        quit = true;
                    } else {
                        public_closed_by_user = true;
                        displays_changed = true;
                    }
                } else if (w && w->ui->process_event(event)) {
                    w->frames_due = 2;
                }
            }
            got = SDL_PollEvent(&event);
        }
        if (displays_changed && !quit) arrange();
        auto now = Clock::now();
        for (UiWindow* w : {touch.get(), pub.get()}) {
            if (!w) continue;
            if (w->queue->drain() > 0) w->frames_due = std::max(w->frames_due, 2);
            if (w->queue->take_frame_request()) w->frames_due = std::max(w->frames_due, 1);  // a video frame
            if (w->next_timer != kNever && now >= w->next_timer) w->frames_due = std::max(w->frames_due, 1);
        }
        if (quit) break;
        for (UiWindow* w : {touch.get(), pub.get()}) {
            if (!w || w->frames_due == 0) continue;
            w->ui->render_frame();
            --w->frames_due;
            if (w->ui->wants_frame()) w->frames_due = std::max(w->frames_due, 1);
            spdlog::trace("{} frame {} rendered", w->device, ++frames_rendered);
            if (w->first_frame) {
                w->first_frame = false;
                int width = 0, height = 0;
                SDL_GetWindowSize(w->window, &width, &height);
                spdlog::info("{}: first frame presented {:.0f} ms after process start ({} renderer, {}x{}, display {})",
                             w->device, process_age_ms(), w->renderer_name, width, height, w->display);
            }
            int64_t change_ms = w->ui->ms_until_change();
            w->next_timer = change_ms < 0 ? kNever : Clock::now() + std::chrono::milliseconds(change_ms);
        }
    }
    if (options.on_capture) options.on_capture(nullptr);
    *alive = false;
    ui_queue.drain();  // capture requests still queued answer with a broken promise, not a hang
    pub.reset();
    touch.reset();
    for (const char* device : {"touch_screen", "public_display"}) {
        ScreenStatus closed;
        closed.device = device;
        closed.reason = "窗口已关闭 the window closed";
        station.screens().set(closed);
    }
    spdlog::info("kiosk window closed");
    return 0;
}

}  // namespace station::ui
