// Help (一键通达), after the tap: the ticket, the call's state in plain words and as steps,
// optional category by big buttons, 按错了 within the cancel window, and after resolution a
// rating with three big faces. Every state is said in words, never by colour alone.
#include <algorithm>
#include <cmath>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/help_desk.h"
#include "kiosk/ui/screen.h"
#include "kiosk/ui/widgets.h"

namespace station::ui {
namespace {

struct Category {
    const char* id;
    const char* label_key;
};
constexpr Category kCategories[] = {
    {"medical", tr_key("help.category.medical")}, {"meal", tr_key("help.category.meal")},
    {"repair", tr_key("help.category.repair")},   {"errand", tr_key("help.category.errand")},
    {"consult", tr_key("help.category.consult")}, {"other", tr_key("help.category.other")},
};

struct Step {
    const char* state;
    const char* label_key;
};
constexpr Step kSteps[] = {
    {"called", tr_key("help_screen.step.called")},
    {"acknowledged", tr_key("help_screen.step.acknowledged")},
    {"arrived", tr_key("help_screen.step.arrived")},
    {"resolved", tr_key("help_screen.step.resolved")},
};

int step_index(const std::string& state) {
    for (int i = 0; i < int(std::size(kSteps)); ++i)
        if (state == kSteps[i].state) return i;
    return -1;
}

class HelpScreen final : public Screen {
public:
    const char* name() const override { return "help"; }

    void draw(ScreenContext& ctx) override {
        const Theme& theme = ctx.theme;
        float header = draw_header(ctx);
        float nav = draw_nav_bar(ctx);
        float gap = theme.mm(8);
        Rect body{ImVec2(gap, header + gap), ImVec2(ctx.size.x - gap, ctx.size.y - nav - gap / 2)};
        Rect status, actions;
        if (ctx.portrait()) {
            status = {body.min, ImVec2(body.max.x, body.min.y + body.height() * 0.45f)};
            actions = {ImVec2(body.min.x, status.max.y + gap), body.max};
        } else {
            status = {body.min, ImVec2(body.min.x + body.width() * 0.45f, body.max.y)};
            actions = {ImVec2(status.max.x + gap, body.min.y), body.max};
        }
        draw_status(ctx, status);
        const auto& call = ctx.help.current();
        if (call && call->open())
            draw_categories(ctx, actions, gap);
        else if (call && call->state == "resolved")
            draw_rating(ctx, actions);
        else if (call && call->state == "cancelled")
            text_centered(ctx.fonts.title, actions.center(), theme.colors.text, tr("help_screen.again_hint"));
        draw_cancel(ctx, nav);
    }

    int64_t ms_until_change(const ScreenContext& ctx) const override {
        int64_t until = header_ms_until_change(ctx);
        if (ctx.help.can_cancel()) {  // the countdown on 按错了 ticks every second
            int64_t to_second = 1000 - ctx.station.clock().now_ms() % 1000;
            until = std::min({until, to_second, ctx.help.ms_until_cancel_closes()});
        }
        return until;
    }

    // A call on its way through the desk, for the audit and the golden images; staff steps are
    // taken by the demo account, as stationctl would.
    std::vector<ScreenState> states() const override {
        auto by_staff = [](HelpResult (HelpDesk::*operation)(int64_t, const Actor&)) {
            return [operation](ScreenContext& ctx) {
                const auto& call = ctx.help.current();
                auto member = ctx.station.staff().find(kDemoUsername);
                if (call && member)
                    (void)(ctx.station.help_desk().*operation)(
                        call->id, Actor::staff(member->username, member->display_name));
            };
        };
        return {
            {"called", [](ScreenContext& ctx) { ctx.help.call(); }},
            {"category", [](ScreenContext& ctx) { ctx.help.choose_category("medical"); }},
            {"acknowledged", by_staff(&HelpDesk::acknowledge)},
            {"arrived", by_staff(&HelpDesk::arrive)},
            {"resolved",
             [](ScreenContext& ctx) {
                 auto member = ctx.station.staff().find(kDemoUsername);
                 if (ctx.help.current() && member)
                     (void)ctx.station.help_desk().resolve(
                         ctx.help.current()->id, Actor::staff(member->username, member->display_name));
             }},
            {"rated", [](ScreenContext& ctx) { ctx.help.rate(3); }},
        };
    }

private:
    void draw_status(ScreenContext& ctx, const Rect& area) {
        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        ImDrawList* draw = ImGui::GetWindowDrawList();
        draw->AddRectFilled(area.min, area.max, c.tile.u32(), theme.mm(3));
        draw->AddRect(area.min, area.max, c.tile_border.u32(), theme.mm(3), 0, std::max(2.f, theme.mm(0.6)));
        const auto& call = ctx.help.current();
        float x = area.center().x;
        float y = area.min.y + area.height() * 0.08f;
        if (!ctx.help.error().empty()) {
            wrapped(ctx.fonts.title, ImVec2(area.min.x + theme.mm(6), y), area.width() - theme.mm(12), c.help,
                    ctx.help.error());
            return;
        }
        if (!call) {
            text_centered(ctx.fonts.title, area.center(), c.text, tr("help_screen.sending"));
            return;
        }
        text_centered(ctx.fonts.body, ImVec2(x, y + ctx.fonts.body->FontSize / 2), c.text_muted,
                      tr("help_screen.your_ticket"));
        y += ctx.fonts.body->FontSize * 1.4f;
        text_centered(ctx.fonts.help, ImVec2(x, y + ctx.fonts.help->FontSize / 2), c.text, call->ticket);
        y += ctx.fonts.help->FontSize * 1.5f;
        y = wrapped(ctx.fonts.title, ImVec2(area.min.x + theme.mm(6), y), area.width() - theme.mm(12), c.text,
                    call->status_text, true);
        // The paper ticket and the card read, in words: a printer fault never hides the call.
        if (call->ticket_print == "printed")
            y = wrapped(ctx.fonts.body, ImVec2(area.min.x + theme.mm(6), y), area.width() - theme.mm(12),
                        c.text, tr("help_screen.ticket_printed"), true);
        else if (call->ticket_print == "failed")
            y = wrapped(ctx.fonts.body, ImVec2(area.min.x + theme.mm(6), y), area.width() - theme.mm(12),
                        c.help, fill(tr("help_screen.ticket_failed"), {{"ticket", call->ticket}}), true);
        if (!call->resident_masked.empty())
            y = wrapped(ctx.fonts.body, ImVec2(area.min.x + theme.mm(6), y), area.width() - theme.mm(12),
                        c.text, fill(tr("help_screen.identified"), {{"masked_id", call->resident_masked}}),
                        true);
        y += ctx.fonts.title->FontSize;
        draw_steps(ctx,
                   Rect{ImVec2(area.min.x + theme.mm(6), y), ImVec2(area.max.x - theme.mm(6), area.max.y)},
                   call->state);
    }

    // Text wrapped to `width` (Chinese line breaking), each line centred when `centre`; returns the
    // y below it.
    float wrapped(ImFont* font, ImVec2 top_left, float width, Rgb color, const std::string& text,
                  bool centre = false) {
        return text_wrapped(font, top_left, width, color, text, centre ? Align::center : Align::left);
    }

    void draw_steps(ScreenContext& ctx, const Rect& area, const std::string& state) {
        const Palette& c = ctx.theme.colors;
        int reached = step_index(state);
        int count = int(std::size(kSteps));
        float width = area.width() / float(count);
        for (int i = 0; i < count; ++i) {
            bool done = i <= reached;
            std::string label = std::string(tr(done ? "help_screen.done_mark" : "help_screen.todo_mark")) +
                                " " + tr(kSteps[i].label_key);
            text_centered(
                ctx.fonts.body,
                ImVec2(area.min.x + width * (float(i) + 0.5f), area.min.y + ctx.fonts.body->FontSize),
                done ? c.text : c.text_muted, label);
        }
    }

    void draw_categories(ScreenContext& ctx, const Rect& area, float gap) {
        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        text_at(ctx.fonts.title, area.min, c.text, tr("help_screen.category_prompt"));
        float top = area.min.y + ctx.fonts.title->FontSize * 1.6f;
        int columns = 3, rows = 2;
        float width = (area.width() - gap * float(columns - 1)) / float(columns);
        float height = std::min((area.max.y - top - gap * float(rows - 1)) / float(rows), width);
        const std::string& chosen = ctx.help.current()->category;
        for (int i = 0; i < int(std::size(kCategories)); ++i) {
            ImVec2 min(area.min.x + float(i % columns) * (width + gap),
                       top + float(i / columns) * (height + gap));
            Rect rect{min, ImVec2(min.x + width, min.y + height)};
            bool selected = chosen == kCategories[i].id;
            ButtonLook look{selected ? c.tile_pressed : c.tile,
                            c.tile_pressed,
                            c.text,
                            selected ? c.accent : c.tile_border,
                            selected ? theme.mm(1.5) : std::max(2.f, theme.mm(0.6)),
                            theme.mm(3)};
            ImGui::PushID(i);
            if (touch_button("##category", rect, look)) ctx.help.choose_category(kCategories[i].id);
            ImGui::PopID();
            ImVec2 center = rect.center();
            text_centered(ctx.fonts.tile,
                          ImVec2(center.x, center.y - (selected ? ctx.fonts.tile->FontSize * 0.35f : 0)),
                          c.text, tr(kCategories[i].label_key));
            if (selected)
                text_centered(
                    ctx.fonts.body, ImVec2(center.x, center.y + ctx.fonts.tile->FontSize * 0.6f), c.accent,
                    std::string(tr("help_screen.done_mark")) + " " + tr("help_screen.category_chosen"));
        }
    }

    void draw_rating(ScreenContext& ctx, const Rect& area) {
        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        if (ctx.help.current()->rated) {
            text_centered(ctx.fonts.title, area.center(), c.text, tr("help_screen.rated"));
            return;
        }
        text_at(ctx.fonts.title, area.min, c.text, tr(tr_key("help_screen.rate_prompt")));
        static constexpr struct {
            int mood;
            const char* label_key;
        } kFaces[] = {{3, tr_key("help_screen.rate_good")},
                      {2, tr_key("help_screen.rate_ok")},
                      {1, tr_key("help_screen.rate_bad")}};
        float top = area.min.y + ctx.fonts.title->FontSize * 1.8f;
        float gap = theme.mm(6);
        float width = (area.width() - gap * 2) / 3;
        float height = std::min(area.max.y - top, width * 1.3f);
        for (int i = 0; i < 3; ++i) {
            Rect rect{ImVec2(area.min.x + float(i) * (width + gap), top),
                      ImVec2(area.min.x + float(i) * (width + gap) + width, top + height)};
            ButtonLook look{c.tile,     c.tile_pressed, c.text, c.tile_border, std::max(2.f, theme.mm(0.6)),
                            theme.mm(3)};
            ImGui::PushID(i);
            if (touch_button("##face", rect, look)) ctx.help.rate(kFaces[i].mood);
            ImGui::PopID();
            float radius = std::min(width, height) * 0.28f;
            rating_face(ImVec2(rect.center().x, rect.min.y + height * 0.42f), radius, kFaces[i].mood, c.text);
            text_centered(ctx.fonts.tile,
                          ImVec2(rect.center().x, rect.max.y - ctx.fonts.tile->FontSize * 1.1f), c.text,
                          tr(kFaces[i].label_key));
        }
    }

    // 按错了, at the bottom right, only while the desk still accepts a resident's cancel.
    void draw_cancel(ScreenContext& ctx, float nav_height) {
        if (!ctx.help.can_cancel()) return;
        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        float pad = theme.mm(3);
        int64_t seconds = (ctx.help.ms_until_cancel_closes() + 999) / 1000;
        std::string label = std::string(tr("help_screen.cancel")) + " " +
                            fill(tr("help_screen.cancel_seconds"), {{"s", std::to_string(seconds)}});
        // Wide enough for its words at either type size (大字 on a portrait screen).
        float width =
            std::max({theme.mm(70), ctx.size.x * 0.28f, text_size(ctx.fonts.title, label).x + theme.mm(8)});
        Rect rect{ImVec2(ctx.size.x - pad - width, ctx.size.y - nav_height + pad),
                  ImVec2(ctx.size.x - pad, ctx.size.y - pad)};
        ButtonLook look{c.tile, c.tile_pressed, c.text, c.help, std::max(3.f, theme.mm(1)), theme.mm(3)};
        if (touch_button("##cancel", rect, look)) ctx.help.cancel_by_resident();
        text_centered(ctx.fonts.title, rect.center(), c.text, label);
    }
};

}  // namespace

std::unique_ptr<Screen> make_help_screen() {
    return std::make_unique<HelpScreen>();
}

}  // namespace station::ui
