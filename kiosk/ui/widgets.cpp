#include "kiosk/ui/widgets.h"

#include <ctime>
#include <imgui_internal.h>

#include "kiosk/core/catalogue.h"

namespace station::ui {

bool touch_button(const char* id, const Rect& rect, const ButtonLook& look, bool enabled) {
    ImGui::SetCursorScreenPos(rect.min);
    ImGui::BeginDisabled(!enabled);
    bool tapped = ImGui::InvisibleButton(id, ImVec2(rect.width(), rect.height()));
    bool held = ImGui::IsItemActive();
    ImGui::EndDisabled();
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
    ImGui::GetWindowDrawList()->AddText(font, font->FontSize, top_left, color.u32(), text.c_str(),
                                        text.c_str() + text.size());
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

std::string clock_time(TimePoint t) { return format_local(t, "%H:%M"); }

float draw_header(ScreenContext& ctx) {
    const Theme& theme = ctx.theme;
    float height = std::max(theme.mm(22), ctx.fonts.title->FontSize * 1.8f);
    float pad = theme.mm(6);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(ImVec2(0, 0), ImVec2(ctx.size.x, height), theme.colors.header.u32());

    const std::string& name = ctx.station.config().station.name;
    ImFont* title = ctx.fonts.title;
    text_at(title, ImVec2(pad, (height - title->FontSize) / 2), theme.colors.header_text, name);

    TimePoint now = ctx.station.clock().now();
    std::string time = clock_time(now);
    std::string date = chinese_date(now);
    ImVec2 time_size = text_size(title, time);
    float x = ctx.size.x - pad - time_size.x;
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
    Rect home{ImVec2(pad, ctx.size.y - height + pad), ImVec2(pad + std::max(theme.mm(60), ctx.size.x * 0.22f),
                                                             ctx.size.y - pad)};
    const Palette& c = theme.colors;
    ButtonLook look{c.tile, c.tile_pressed, c.text, c.tile_border, std::max(2.f, theme.mm(0.6)), theme.mm(3)};
    if (touch_button("##nav_home", home, look)) {
        ctx.help.dismiss();
        ctx.nav.home();
    }
    text_centered(ctx.fonts.title, home.center(), c.text, tr("nav.home"));
    return height;
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

}  // namespace station::ui
