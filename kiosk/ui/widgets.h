// Drawing helpers shared by the screens: large touch targets and text placed in rectangles.
// All take pixel rectangles; sizes in physical units come from the Theme.
//
//  - targets      touch_button (records its rect for the audit)
//  - text         text_at / text_centered (one line), text_wrapped (Chinese line breaking)
//  - chrome       draw_header (with the 大字 toggle), draw_nav_bar (回首页 and 返回)
//  - dates        chinese_date, chinese_month_day, chinese_time_of_day, clock_time
//  - recording    FrameRecord: what a frame drew, for the audit and the layout tests
#pragma once
#include <imgui.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/ui/screen.h"

namespace station::ui {

struct Rect {
    ImVec2 min, max;
    float width() const { return max.x - min.x; }
    float height() const { return max.y - min.y; }
    ImVec2 center() const { return ImVec2((min.x + max.x) / 2, (min.y + max.y) / 2); }
    Rect inset(float by) const { return {ImVec2(min.x + by, min.y + by), ImVec2(max.x - by, max.y - by)}; }
};

// Pictures (video frames, images) in an area:
//  - fit: a w x h picture fitted (aspect kept) and centred in `rect`
//  - picture_rect: the same, but a picture within a pixel of its fitted size (a frame libvlc
//    scaled to the area, an image scaled once) lands on whole pixels at its own size, so SDL's
//    software renderer copies it instead of resampling it
//  - fill_around: `area` in `color` except `hole`, which something opaque covers (up to four
//    bands): the software renderer blends every untextured quad, so painting under a full-screen
//    video cost a fifth of the kiosk's CPU for pixels the video covers anyway
Rect fit(const Rect& rect, float w, float h);
Rect picture_rect(const Rect& rect, int w, int h);
bool on_whole_pixels(const Rect& rect);
void fill_around(ImDrawList* draw, const Rect& area, const std::optional<Rect>& hole, ImU32 color);

struct ButtonLook {
    Rgb fill, fill_pressed, text, border;
    float border_px = 0;
    float rounding_px = 0;
    double min_target_mm = Theme::kMinTargetMm;  // the audit's floor; the help button sets kHelpTargetMm
};

// An invisible ImGui button over `rect`, drawn with `look`; true on the tap's release.
bool touch_button(const char* id, const Rect& rect, const ButtonLook& look, bool enabled = true);

// Text centred on `center` in `font`; measures it first.
void text_centered(ImFont* font, ImVec2 center, Rgb color, const std::string& text);
void text_at(ImFont* font, ImVec2 top_left, Rgb color, const std::string& text);

// Characters drawn this frame that the atlas lacks (names and content arrive at run time).
// KioskUi rebuilds the atlas with them and draws again. UI thread only.
std::string take_missing_glyph_text();
ImVec2 text_size(ImFont* font, const std::string& text);

// The header band every screen shares: station name left, date and time right.
float draw_header(ScreenContext& ctx);                  // returns its height in pixels
int64_t header_ms_until_change(const ScreenContext& ctx);  // until the clock's minute turns

// The bar at the bottom of every screen but home: 回首页 at the left, always in the same place.
// Returns its height. Going home forgets a closed call; an open one stays (HelpSession).
float draw_nav_bar(ScreenContext& ctx);
float nav_bar_height(const ScreenContext& ctx);

// --- Text set in lines: breaks from text_layout.h (。，、 never start a line), lines
// Theme::kLineSpacing apart.
enum class Align { left, center };
float line_height(const ImFont* font);  // font size x Theme::kLineSpacing, pixels
std::vector<std::string> wrap_lines(ImFont* font, float width, const std::string& text);
// Draws `text` wrapped to `width` from `top_left`; returns the y just below the last line.
float text_wrapped(ImFont* font, ImVec2 top_left, float width, Rgb color, const std::string& text,
                   Align align = Align::left);
float wrapped_height(ImFont* font, float width, const std::string& text);  // what text_wrapped takes

// The 大字 toggle, in the header's top right on every screen; ctx.prefs->large_text flips.
// Drawn by draw_header when the context carries prefs.
void draw_large_text_toggle(ScreenContext& ctx, const Rect& rect);

// --- What a frame drew (UI thread). The audit measures it; tests check places with it.
struct DrawnTarget {
    std::string id;        // the ImGui id given to touch_button ("##help", "##nav_home")
    Rect rect;             // pixels
    bool enabled = true;
    double min_mm = Theme::kMinTargetMm;
    Rgb fill, border;
    float border_px = 0;
};
struct DrawnText {
    std::string text;
    Rect rect;             // where its glyphs go, pixels
    float size_px = 0;     // the font's size
    Rgb color;
};
struct FrameRecord {
    std::vector<DrawnTarget> targets;  // in drawing order
    std::vector<DrawnText> texts;
    const DrawnTarget* find(const std::string& id) const;  // the first with that id, or null
};
// Widgets append what they draw to `record` until called again with nullptr.
void record_frame(FrameRecord* record);
// While true, text is measured and recorded but not drawn: the audit reads what is behind it.
void set_text_hidden(bool hidden);
// The next frame's touch_button whose enabled rect contains `at` reports a tap, as a finger
// would (tests and the audit walk screens this way without an input device). Once.
void simulate_tap(ImVec2 at);

// Replaces each {name} in `text` with its value: fill("还剩{s}秒", {{"s", "12"}}).
std::string fill(std::string text, std::initializer_list<std::pair<const char*, std::string>> values);

// "2026年11月25日 星期三" and "14:05" in local time.
std::string chinese_date(TimePoint t);
std::string clock_time(TimePoint t);
// "11月25日", "11月25日 星期三", and "上午9:30" / "下午2:05" in local time.
std::string chinese_month_day(TimePoint t);
std::string chinese_month_day_weekday(TimePoint t);
std::string chinese_time_of_day(TimePoint t);

// A face for ratings: mood 1 (unhappy) .. 3 (happy), drawn so it reads without colour.
void rating_face(ImVec2 center, float radius, int mood, Rgb ink);

}  // namespace station::ui
