// Home: the 一键通达 help button, the largest thing on the screen, and six service tiles.
// Landscape puts the button on the left and the tiles in a 3x2 grid; portrait stacks them.
#include <algorithm>

#include "kiosk/core/catalogue.h"
#include "kiosk/ui/screen.h"
#include "kiosk/ui/widgets.h"

namespace station::ui {
namespace {

struct Tile {
    const char* screen;     // the screen it opens
    const char* label_key;
    const char* hint_key;
};

constexpr Tile kTiles[] = {
    {"notices", tr_key("tile.notices"), tr_key("tile.notices_hint")},
    {"activities", tr_key("tile.activities"), tr_key("tile.activities_hint")},
    {"guide", tr_key("tile.guide"), tr_key("tile.guide_hint")},
    {"lessons", tr_key("tile.lessons"), tr_key("tile.lessons_hint")},
    {"suggestions", tr_key("tile.suggestions"), tr_key("tile.suggestions_hint")},
    {"rating", tr_key("tile.rating"), tr_key("tile.rating_hint")},
};

class HomeScreen final : public Screen {
public:
    const char* name() const override { return "home"; }

    void draw(ScreenContext& ctx) override {
        const Theme& theme = ctx.theme;
        float header = draw_header(ctx);
        float gap = theme.mm(8);
        Rect body{ImVec2(gap, header + gap), ImVec2(ctx.size.x - gap, ctx.size.y - gap)};

        Rect help_rect, tiles_rect;
        int columns;
        if (ctx.portrait()) {
            float help_height = std::max(body.height() * 0.36f, theme.mm(Theme::kHelpTargetMm));
            help_rect = {body.min, ImVec2(body.max.x, body.min.y + help_height)};
            tiles_rect = {ImVec2(body.min.x, help_rect.max.y + gap), body.max};
            columns = 2;
        } else {
            float help_width = std::max(body.width() * 0.40f, theme.mm(Theme::kHelpTargetMm));
            help_rect = {body.min, ImVec2(body.min.x + help_width, body.max.y)};
            tiles_rect = {ImVec2(help_rect.max.x + gap, body.min.y), body.max};
            columns = 3;
        }
        draw_help_button(ctx, help_rect);
        draw_tiles(ctx, tiles_rect, columns, gap);
    }

    int64_t ms_until_change(const ScreenContext& ctx) const override { return header_ms_until_change(ctx); }

private:
    void draw_help_button(ScreenContext& ctx, const Rect& rect) {
        const Palette& c = ctx.theme.colors;
        ButtonLook look{c.help, c.help_pressed, c.help_text, c.help, 0, ctx.theme.mm(4)};
        look.min_target_mm = Theme::kHelpTargetMm;
        // One tap sends the call: no step before it. With a call already open, it shows that one.
        if (touch_button("##help", rect, look)) {
            ctx.help.call();
            ctx.nav.go("help");
        }
        ImVec2 center = rect.center();
        float label_height = ctx.fonts.help->FontSize;
        text_centered(ctx.fonts.help, ImVec2(center.x, center.y - label_height * 0.35f), c.help_text,
                      tr("home.help_button"));
        const auto& call = ctx.help.current();
        std::string hint = call && call->open() ? fill(tr("home.open_call"), {{"ticket", call->ticket}})
                                                : std::string(tr("home.help_hint"));
        text_centered(ctx.fonts.body, ImVec2(center.x, center.y + label_height * 0.75f), c.help_text, hint);
    }

    void draw_tiles(ScreenContext& ctx, const Rect& area, int columns, float gap) {
        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        int count = static_cast<int>(std::size(kTiles));
        int rows = (count + columns - 1) / columns;
        float width = (area.width() - gap * (columns - 1)) / columns;
        float height = (area.height() - gap * (rows - 1)) / rows;
        for (int i = 0; i < count; ++i) {
            const Tile& tile = kTiles[i];
            ImVec2 min(area.min.x + (i % columns) * (width + gap), area.min.y + (i / columns) * (height + gap));
            Rect rect{min, ImVec2(min.x + width, min.y + height)};
            bool available = ctx.nav.has(tile.screen);
            ButtonLook look{available ? c.tile : c.tile_disabled, c.tile_pressed, c.text, c.tile_border,
                            std::max(2.f, theme.mm(0.6)), theme.mm(3)};
            ImGui::PushID(i);
            if (touch_button("##tile", rect, look, available)) ctx.nav.go(tile.screen);
            ImGui::PopID();
            // A coloured stripe says "this is a button" without relying on colour alone.
            ImGui::GetWindowDrawList()->AddRectFilled(
                rect.min, ImVec2(rect.min.x + theme.mm(3), rect.max.y), c.accent.u32(), theme.mm(3),
                ImDrawFlags_RoundCornersLeft);
            ImVec2 center = rect.center();
            float label = ctx.fonts.tile->FontSize;
            text_centered(ctx.fonts.tile, ImVec2(center.x, center.y - label * 0.4f), c.text, tr(tile.label_key));
            text_centered(ctx.fonts.small, ImVec2(center.x, center.y + label * 0.6f), c.text_muted,
                          available ? tr(tile.hint_key) : tr("home.coming_soon"));
        }
    }
};

}  // namespace

std::unique_ptr<Screen> make_home_screen() { return std::make_unique<HomeScreen>(); }

}  // namespace station::ui
