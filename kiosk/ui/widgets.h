// Drawing helpers shared by the screens: large touch targets and text placed in rectangles.
// All take pixel rectangles; sizes in physical units come from the Theme.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <string>

#include "kiosk/ui/screen.h"

namespace station::ui {

struct Rect {
    ImVec2 min, max;
    float width() const { return max.x - min.x; }
    float height() const { return max.y - min.y; }
    ImVec2 center() const { return ImVec2((min.x + max.x) / 2, (min.y + max.y) / 2); }
    Rect inset(float by) const { return {ImVec2(min.x + by, min.y + by), ImVec2(max.x - by, max.y - by)}; }
};

struct ButtonLook {
    Rgb fill, fill_pressed, text, border;
    float border_px = 0;
    float rounding_px = 0;
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

// Replaces each {name} in `text` with its value: fill("还剩{s}秒", {{"s", "12"}}).
std::string fill(std::string text, std::initializer_list<std::pair<const char*, std::string>> values);

// "2026年11月25日 星期三" and "14:05" in local time.
std::string chinese_date(TimePoint t);
std::string clock_time(TimePoint t);

}  // namespace station::ui
