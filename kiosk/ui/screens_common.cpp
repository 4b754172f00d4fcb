#include "kiosk/ui/screens_common.h"

#include <algorithm>

#include "kiosk/core/catalogue.h"

namespace station::ui {

Rect service_page(ScreenContext& ctx, const std::string& title) {
    const Theme& theme = ctx.theme;
    float header = draw_header(ctx);
    float nav = draw_nav_bar(ctx);
    float gap = theme.mm(6);
    float title_h = line_height(ctx.fonts.title);
    text_at(ctx.fonts.title, ImVec2(gap, header + gap / 2), theme.colors.text, title);
    return {ImVec2(gap, header + gap / 2 + title_h + gap / 2),
            ImVec2(ctx.size.x - gap, ctx.size.y - nav - gap / 2)};
}

bool big_button(ScreenContext& ctx, const char* id, const Rect& rect, const std::string& label, bool enabled,
                bool selected) {
    const Theme& theme = ctx.theme;
    const Palette& c = theme.colors;
    ButtonLook look{selected ? c.accent : (enabled ? c.tile : c.tile_disabled),
                    selected ? c.accent : c.tile_pressed,
                    selected ? c.tile : c.text,
                    selected ? c.accent : c.tile_border,
                    std::max(2.f, theme.mm(0.6)),
                    theme.mm(3)};
    bool tapped = touch_button(id, rect, look, enabled);
    std::string text = selected ? "√ " + label : label;
    ImFont* font = ctx.fonts.tile;
    if (text_size(font, text).x > rect.width() - theme.mm(4)) font = ctx.fonts.title;
    if (text_size(font, text).x > rect.width() - theme.mm(4)) font = ctx.fonts.body;
    text_centered(font, rect.center(), selected ? c.tile : (enabled ? c.text : c.text_muted), text);
    return tapped;
}

Rect Pager::layout(ScreenContext& ctx, const Rect& area, float row_height, int count) {
    const Theme& theme = ctx.theme;
    float gap = theme.mm(3);
    per_page = std::max(1, int((area.height() + gap) / (row_height + gap)));
    pages = std::max(1, (count + per_page - 1) / per_page);
    if (pages == 1) {
        page = 0;
        return area;
    }
    // The bar takes room: fit again above it.
    float bar = theme.mm(Theme::kMinTargetMm);
    Rect rows{area.min, ImVec2(area.max.x, area.max.y - bar - gap)};
    per_page = std::max(1, int((rows.height() + gap) / (row_height + gap)));
    pages = std::max(1, (count + per_page - 1) / per_page);
    page = std::clamp(page, 0, pages - 1);
    float width = std::max(theme.mm(45), area.width() * 0.25f);
    Rect prev{ImVec2(area.min.x, area.max.y - bar), ImVec2(area.min.x + width, area.max.y)};
    Rect next{ImVec2(area.max.x - width, area.max.y - bar), area.max};
    if (big_button(ctx, "##page_prev", prev, tr("screens.page_prev"), page > 0)) --page;
    if (big_button(ctx, "##page_next", next, tr("screens.page_next"), page + 1 < pages)) ++page;
    text_centered(
        ctx.fonts.body, ImVec2(area.center().x, area.max.y - bar / 2), theme.colors.text,
        fill(tr("screens.page_of"), {{"page", std::to_string(page + 1)}, {"pages", std::to_string(pages)}}));
    return rows;
}

}  // namespace station::ui
