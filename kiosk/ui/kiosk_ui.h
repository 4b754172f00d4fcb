// KioskUi: Dear ImGui over one SDL window and renderer, drawing the current screen. Shared by the
// real window (kiosk_window.h) and offscreen rendering (offscreen.h). UI thread only.
#pragma once
#include <SDL.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/events.h"
#include "kiosk/core/station.h"
#include "kiosk/core/worker.h"
#include "kiosk/ui/fonts.h"
#include "kiosk/ui/help_session.h"
#include "kiosk/ui/lesson_player.h"
#include "kiosk/ui/screen.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/voice.h"

struct ImGuiContext;

namespace station::ui {
inline constexpr int64_t kIdleGraceMs = 20'000;  // "还需要时间吗？" waits this long for a tap

// What a KioskUi is for. The touchscreen's takes touches, talks, and runs the idle rule and the
// attract loop. The public display's shows the `signage` screen only: it ignores input, never
// talks, has no idle rule, and its content counts in proof of play under the layout's zones.
enum class UiRole { touch, public_display };

// Pixels read back from a frame just before it was presented (RGBA, row after row).
struct FramePixels {
    std::vector<uint8_t> rgba;
    int width = 0, height = 0;
    std::string error;  // set when the renderer could not read its pixels
};
}

namespace station::ui {

class KioskUi {
public:
    // Creates the ImGui context and backends and builds the font atlas. The window, renderer and
    // queue stay owned by the caller and must outlive this object; the caller drains `ui_queue`
    // on this thread.
    // Each KioskUi has its own ImGui context; every method makes it current, so a touch window
    // and a public window live side by side on one thread.
    static Result<std::unique_ptr<KioskUi>> create(Station& station, SDL_Window* window,
                                                   SDL_Renderer* renderer, double dpi, UiQueue& ui_queue,
                                                   UiRole role = UiRole::touch);
    ~KioskUi();

    bool process_event(const SDL_Event& event);          // feeds ImGui; true when it may change the picture
    void render_frame();                                 // one frame of the current screen; presents it
    // The next render_frame() reads its pixels back before presenting and hands them to `done`
    // (on this thread, inside render_frame). For GET /api/v1/screenshot.
    void capture_next_frame(std::function<void(FramePixels)> done) { capture_ = std::move(done); }
    UiRole role() const { return role_; }
    // The last frame lacked glyphs or changed the type size: draw again.
    bool wants_frame() const { return atlas_rebuilt_ || redraw_; }
    int64_t ms_until_change();                           // until the screen changes by itself; -1: never
    Navigator& navigator() { return navigator_; }
    const Theme& theme() const { return theme_; }
    const Fonts& fonts() const { return fonts_; }  // the normal type scale
    const Fonts& active_fonts() const { return prefs_.large_text && large_fonts_ ? *large_fonts_ : fonts_; }
    DisplayPrefs& prefs() { return prefs_; }        // this visit's choices (大字); reset by end_visit
    ScreenContext context();                        // what the screens draw with, this frame
    HelpSession& help() { return *help_; }
    SignageView& signage() { return *signage_; }    // content, attract loop, emergency notices
    LessonPlayer& lessons() { return *lessons_; }   // 学习驿站's video lessons
    Voice& voice() { return voice_; }
    bool idle_prompt_showing() const { return idle_prompt_; }
    void show_idle_prompt();  // "还需要时间吗？" now, as the idle timeout shows it (the audit measures it)
    Worker& worker() { return worker_; }

private:
    KioskUi(Station& station, SDL_Window* window, SDL_Renderer* renderer, double dpi, UiQueue& ui_queue, UiRole role);
    struct CurrentContext;  // makes imgui_ current for a scope
    bool idle_rules_apply();           // something personal is on screen, and no open call
    void update_idle(int64_t now_ms);  // prompt after the idle timeout, reset 20 s later
    void draw_idle_prompt(int64_t now_ms);
    void end_visit();                          // back home; closed call, volume and input forgotten
    void add_glyphs(const std::string& text);  // rebuilds the atlas with `text`; UI thread
    bool rebuild_atlas(bool with_large);       // from texts_; false (logged, old atlas kept) on failure

    Station& station_;
    UiRole role_;
    SDL_Window* window_;
    SDL_Renderer* renderer_;
    Theme theme_;
    Fonts fonts_;
    FontFile font_file_;
    std::vector<std::string> texts_;  // every string in the atlas; grows with run-time text
    bool atlas_rebuilt_ = false;
    std::optional<Fonts> large_fonts_;  // built on the 大字 toggle's first use, then kept
    DisplayPrefs prefs_;
    bool redraw_ = false;               // the last frame changed prefs_: the next one shows it
    std::vector<std::unique_ptr<Screen>> screens_;
    Navigator navigator_;
    Worker worker_{"kiosk-ui-work"};     // the UI's disk and device work, off the UI thread
    std::unique_ptr<SignageView> signage_;  // after worker_: its tasks report to it
    bool swallow_touch_ = false;            // the touch that left the attract loop is not a tap
    std::unique_ptr<HelpSession> help_;  // after worker_: its tasks reference the session
    Voice voice_;
    std::unique_ptr<LessonPlayer> lessons_;  // after voice_ and worker_, which it uses
    int64_t last_input_ms_ = 0;  // station clock; the idle timeout counts from here
    bool idle_prompt_ = false;   // "还需要时间吗？" is showing
    int64_t idle_prompt_since_ms_ = 0;
    ImGuiContext* imgui_ = nullptr;
    bool backends_ready_ = false;
    std::function<void(FramePixels)> capture_;
};

// Every string the UI may draw, for the glyph atlas: the catalogue plus the station's name.
std::vector<std::string> ui_texts(const Station& station);

// The DPI to lay out for: `requested` (--dpi / config) if > 0, else SDL's report for `display`
// when plausible, else 96.
double choose_dpi(double requested, int display);

}  // namespace station::ui
