#include "kiosk/ui/widgets.h"

#include <imgui_internal.h>
#include <algorithm>
#include <cmath>
#include <ctime>
#include <optional>

#include "kiosk/core/catalogue.h"
#include "kiosk/ui/text_layout.h"

namespace station::ui {
namespace {
// UI thread only, like everything in this file.
FrameRecord* frame_record = nullptr;  // what this frame drew, when someone is recording
bool text_hidden = false;
std::optional<ImVec2> pending_tap;  // simulate_tap(): consumed by the first target under it
}  // namespace

void record_frame(FrameRecord* record) {
    frame_record = record;
}
void set_text_hidden(bool hidden) {
    text_hidden = hidden;
}
void simulate_tap(ImVec2 at) {
    pending_tap = at;
}

const DrawnTarget* FrameRecord::find(const std::string& id) const {
    for (const DrawnTarget& target : targets)
        if (target.id == id) return &target;
    return nullptr;
}

bool touch_button(const char* id, const Rect& rect, const ButtonLook& look, bool enabled) {
    ImGui::SetCursorScreenPos(rect.min);
    ImGui::BeginDisabled(!enabled);
    bool tapped = ImGui::InvisibleButton(id, ImVec2(rect.width(), rect.height()));
    bool held = ImGui::IsItemActive();
    ImGui::EndDisabled();
    if (enabled && pending_tap && pending_tap->x >= rect.min.x && pending_tap->x < rect.max.x &&
        pending_tap->y >= rect.min.y && pending_tap->y < rect.max.y) {
        tapped = true;
        pending_tap.reset();
    }
    if (frame_record)
        frame_record->targets.push_back(
            {id, rect, enabled, look.min_target_mm, look.fill, look.border, look.border_px});
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(rect.min, rect.max, (held ? look.fill_pressed : look.fill).u32(), look.rounding_px);
    if (look.border_px > 0)
        draw->AddRect(rect.min, rect.max, look.border.u32(), look.rounding_px, 0, look.border_px);
    return tapped && enabled;
}

ImVec2 text_size(ImFont* font, const std::string& text) {
    return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0.f, text.c_str(), text.c_str() + text.size());
}

namespace {
std::string missing_glyph_text;  // UI thread only
}

std::string take_missing_glyph_text() {
    std::string text;
    text.swap(missing_glyph_text);
    return text;
}

void text_at(ImFont* font, ImVec2 top_left, Rgb color, const std::string& text) {
    const char* p = text.c_str();
    const char* end = p + text.size();
    while (p < end) {
        unsigned int c = 0;
        const char* start = p;
        p += ImTextCharFromUtf8(&c, p, end);
        if (c >= 0x80 && !font->FindGlyphNoFallback(ImWchar(c))) missing_glyph_text.append(start, p);
    }
    if (frame_record) {
        ImVec2 size = text_size(font, text);
        frame_record->texts.push_back(
            {text, Rect{top_left, ImVec2(top_left.x + size.x, top_left.y + size.y)}, font->FontSize, color});
    }
    if (text_hidden) return;
    ImGui::GetWindowDrawList()->AddText(font, font->FontSize, top_left, color.u32(), text.c_str(),
                                        text.c_str() + text.size());
}

float line_height(const ImFont* font) {
    return font->FontSize * float(Theme::kLineSpacing);
}

std::vector<std::string> wrap_lines(ImFont* font, float width, const std::string& text) {
    return break_lines(text, width, [font](std::string_view run) {
        return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0.f, run.data(), run.data() + run.size()).x;
    });
}

float text_wrapped(ImFont* font, ImVec2 top_left, float width, Rgb color, const std::string& text,
                   Align align) {
    float y = top_left.y;
    for (const std::string& line : wrap_lines(font, width, text)) {
        float x = top_left.x;
        if (align == Align::center) x += (width - text_size(font, line).x) / 2;
        if (!line.empty()) text_at(font, ImVec2(x, y), color, line);
        y += line_height(font);
    }
    return y;
}

float wrapped_height(ImFont* font, float width, const std::string& text) {
    return float(wrap_lines(font, width, text).size()) * line_height(font);
}

void text_centered(ImFont* font, ImVec2 center, Rgb color, const std::string& text) {
    ImVec2 size = text_size(font, text);
    text_at(font, ImVec2(center.x - size.x / 2, center.y - size.y / 2), color, text);
}

std::string chinese_date(TimePoint t) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm local{};
    localtime_r(&seconds, &local);
    std::string date = tr("date.format_ymd");
    auto replace = [&date](const std::string& field, int value) {
        size_t at = date.find(field);
        if (at != std::string::npos) date.replace(at, field.size(), std::to_string(value));
    };
    replace("{y}", local.tm_year + 1900);
    replace("{m}", local.tm_mon + 1);
    replace("{d}", local.tm_mday);
    std::string weekday_key = "date.weekday." + std::to_string(local.tm_wday);
    return date + " " + active_catalogue().get(weekday_key);
}

std::string clock_time(TimePoint t) {
    return format_local(t, "%H:%M");
}

namespace {
std::tm local_time(TimePoint t) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm local{};
    localtime_r(&seconds, &local);
    return local;
}
}  // namespace

std::string chinese_month_day(TimePoint t) {
    std::tm local = local_time(t);
    return format_chinese_month_day(local.tm_mon + 1, local.tm_mday);
}

std::string chinese_month_day_weekday(TimePoint t) {
    std::tm local = local_time(t);
    return chinese_month_day(t) + " " +
           active_catalogue().get("date.weekday." + std::to_string(local.tm_wday));
}

std::string chinese_time_of_day(TimePoint t) {
    std::tm local = local_time(t);
    std::vector<std::string> parts;
    for (int i = 0; i < 6; ++i)
        parts.push_back(active_catalogue().get("design.day_part." + std::to_string(i)));
    return format_chinese_time_of_day(local.tm_hour, local.tm_min, parts);
}

float draw_header(ScreenContext& ctx) {
    const Theme& theme = ctx.theme;
    // Tall enough for the 大字 toggle, a full target, with a margin above and below.
    float height = std::max(theme.mm(Theme::kMinTargetMm + 7), ctx.fonts.title->FontSize * 1.8f);
    float pad = theme.mm(6);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(ImVec2(0, 0), ImVec2(ctx.size.x, height), theme.colors.header.u32());

    float right = ctx.size.x - pad;
    if (ctx.prefs) {
        float margin = theme.mm(3);
        std::string label = tr("design.large_text");
        float width = std::max(theme.mm(32), text_size(ctx.fonts.title, "√ " + label).x + theme.mm(8));
        Rect toggle{ImVec2(ctx.size.x - margin - width, margin),
                    ImVec2(ctx.size.x - margin, height - margin)};
        draw_large_text_toggle(ctx, toggle);
        right = toggle.min.x - pad;
    }

    const std::string& name = ctx.station.config().station.name;
    ImFont* title = ctx.fonts.title;
    text_at(title, ImVec2(pad, (height - title->FontSize) / 2), theme.colors.header_text, name);

    TimePoint now = ctx.station.clock().now();
    std::string time = clock_time(now);
    std::string date = chinese_date(now);
    ImVec2 time_size = text_size(title, time);
    float x = right - time_size.x;
    text_at(title, ImVec2(x, (height - title->FontSize) / 2), theme.colors.header_text, time);
    // The date goes between name and time when it fits; a narrow portrait screen drops it.
    ImFont* body = ctx.fonts.body;
    ImVec2 date_size = text_size(body, date);
    float date_x = x - pad - date_size.x;
    if (date_x > pad * 2 + text_size(title, name).x)
        text_at(body, ImVec2(date_x, (height - body->FontSize) / 2), theme.colors.header_text, date);
    return height;
}

float nav_bar_height(const ScreenContext& ctx) {
    return std::max(ctx.theme.mm(Theme::kMinTargetMm + 6), ctx.fonts.title->FontSize * 2.f);
}

float draw_nav_bar(ScreenContext& ctx) {
    const Theme& theme = ctx.theme;
    float height = nav_bar_height(ctx);
    float pad = theme.mm(3);
    Rect home{ImVec2(pad, ctx.size.y - height + pad),
              ImVec2(pad + std::max(theme.mm(60), ctx.size.x * 0.22f), ctx.size.y - pad)};
    const Palette& c = theme.colors;
    ButtonLook look{c.tile, c.tile_pressed, c.text, c.tile_border, std::max(2.f, theme.mm(0.6)), theme.mm(3)};
    if (touch_button("##nav_home", home, look)) {
        ctx.help.dismiss();
        ctx.nav.home();
    }
    text_centered(ctx.fonts.title, home.center(), c.text, tr("nav.home"));
    // 返回 beside it, on a page two taps deep: one step back, always in this place.
    if (ctx.nav.depth() >= 2) {
        Rect back{ImVec2(home.max.x + pad * 2, home.min.y),
                  ImVec2(home.max.x + pad * 2 + home.width(), home.max.y)};
        if (touch_button("##nav_back", back, look)) ctx.nav.back();
        text_centered(ctx.fonts.title, back.center(), c.text, tr("nav.back"));
    }
    return height;
}

void draw_large_text_toggle(ScreenContext& ctx, const Rect& rect) {
    const Palette& c = ctx.theme.colors;
    bool on = ctx.large_text();
    // On: filled and ticked, so the state reads in words and shape, not only in colour.
    ButtonLook look{on ? c.accent : c.tile,      on ? c.accent : c.tile_pressed,   on ? c.tile : c.text,
                    on ? c.tile : c.tile_border, std::max(2.f, ctx.theme.mm(0.6)), ctx.theme.mm(3)};
    if (touch_button("##large_text", rect, look) && ctx.prefs) ctx.prefs->large_text = !on;
    std::string label = tr("design.large_text");
    text_centered(ctx.fonts.title, rect.center(), on ? c.tile : c.text, on ? "√ " + label : label);
}

std::string fill(std::string text, std::initializer_list<std::pair<const char*, std::string>> values) {
    for (const auto& [name, value] : values) {
        std::string field = std::string("{") + name + "}";
        for (size_t at = text.find(field); at != std::string::npos; at = text.find(field, at + value.size()))
            text.replace(at, field.size(), value);
    }
    return text;
}

int64_t header_ms_until_change(const ScreenContext& ctx) {
    int64_t now = ctx.station.clock().now_ms();
    return 60'000 - now % 60'000;
}

void rating_face(ImVec2 center, float radius, int mood, Rgb ink) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    float thickness = std::max(3.f, radius * 0.08f);
    draw->AddCircle(center, radius, ink.u32(), 48, thickness);
    float eye_dx = radius * 0.35f, eye_y = center.y - radius * 0.25f;
    draw->AddCircleFilled(ImVec2(center.x - eye_dx, eye_y), radius * 0.09f, ink.u32());
    draw->AddCircleFilled(ImVec2(center.x + eye_dx, eye_y), radius * 0.09f, ink.u32());
    float mouth_y = center.y + radius * 0.3f, half = radius * 0.45f;
    if (mood == 2) {
        draw->AddLine(ImVec2(center.x - half, mouth_y), ImVec2(center.x + half, mouth_y), ink.u32(),
                      thickness);
        return;
    }
    const float pi = 3.14159265f;
    if (mood == 3)
        draw->PathArcTo(ImVec2(center.x, mouth_y - half * 0.6f), half, pi * 0.15f, pi * 0.85f, 24);
    else
        draw->PathArcTo(ImVec2(center.x, mouth_y + half * 0.9f), half, pi * 1.15f, pi * 1.85f, 24);
    draw->PathStroke(ink.u32(), 0, thickness);
}

Rect fit(const Rect& rect, float w, float h) {
    if (w <= 0 || h <= 0) return rect;
    float scale = std::min(rect.width() / w, rect.height() / h);
    ImVec2 size(w * scale, h * scale);
    ImVec2 min(rect.min.x + (rect.width() - size.x) / 2, rect.min.y + (rect.height() - size.y) / 2);
    return {min, ImVec2(min.x + size.x, min.y + size.y)};
}

Rect picture_rect(const Rect& rect, int w, int h) {
    Rect picture = fit(rect, float(w), float(h));
    if (std::abs(picture.width() - float(w)) <= 1.f && std::abs(picture.height() - float(h)) <= 1.f) {
        ImVec2 min(std::round(picture.center().x - float(w) / 2),
                   std::round(picture.center().y - float(h) / 2));
        picture = {min, ImVec2(min.x + float(w), min.y + float(h))};
    }
    return picture;
}

bool on_whole_pixels(const Rect& rect) {
    return rect.min.x == std::floor(rect.min.x) && rect.min.y == std::floor(rect.min.y) &&
           rect.max.x == std::floor(rect.max.x) && rect.max.y == std::floor(rect.max.y);
}

void fill_around(ImDrawList* draw, const Rect& area, const std::optional<Rect>& hole, ImU32 color) {
    if (!hole) return draw->AddRectFilled(area.min, area.max, color);
    Rect h{ImVec2(std::clamp(hole->min.x, area.min.x, area.max.x),
                  std::clamp(hole->min.y, area.min.y, area.max.y)),
           ImVec2(std::clamp(hole->max.x, area.min.x, area.max.x),
                  std::clamp(hole->max.y, area.min.y, area.max.y))};
    auto band = [&](ImVec2 min, ImVec2 max) {
        if (max.x > min.x && max.y > min.y) draw->AddRectFilled(min, max, color);
    };
    band(area.min, ImVec2(area.max.x, h.min.y));                  // above
    band(ImVec2(area.min.x, h.max.y), area.max);                  // below
    band(ImVec2(area.min.x, h.min.y), ImVec2(h.min.x, h.max.y));  // left
    band(ImVec2(h.max.x, h.min.y), ImVec2(area.max.x, h.max.y));  // right
}

}  // namespace station::ui
