// 满意度评价: rate the station's service with three big faces; one tap rates, then thanks.
#include <algorithm>
#include <cmath>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/feedback.h"
#include "kiosk/ui/screens_common.h"

namespace station::ui {
namespace {

constexpr const char* kFaceLabels[] = {tr_key("screens.rating.unhappy"), tr_key("screens.rating.okay"),
                                       tr_key("screens.rating.happy")};

class RatingScreen final : public Screen {
public:
    const char* name() const override { return "rating"; }

    void draw(ScreenContext& ctx) override {
        int frame = ImGui::GetFrameCount();
        if (frame != last_frame_ + 1) {  // a new visit to this screen: ask again
            rated_ = 0;
            error_.clear();
        }
        last_frame_ = frame;
        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        Rect body = service_page(ctx, tr("tile.rating"));
        float gap = theme.mm(6);
        float y = text_wrapped(ctx.fonts.body, body.min, body.width(), c.text, tr("screens.rating.question"));
        Rect faces{ImVec2(body.min.x, y + gap), body.max};
        if (!error_.empty()) faces.max.y -= wrapped_height(ctx.fonts.body, body.width(), error_) + gap;
        bool column = ctx.portrait();
        for (int i = 0; i < 3; ++i) {
            int mood = 3 - i;  // happy first, where the eye lands
            Rect r;
            if (column) {
                float h = (faces.height() - 2 * gap) / 3;
                r = {ImVec2(faces.min.x, faces.min.y + i * (h + gap)),
                     ImVec2(faces.max.x, faces.min.y + i * (h + gap) + h)};
            } else {
                float w = (faces.width() - 2 * gap) / 3;
                r = {ImVec2(faces.min.x + i * (w + gap), faces.min.y),
                     ImVec2(faces.min.x + i * (w + gap) + w, faces.max.y)};
            }
            bool chosen = rated_ == mood;
            ButtonLook look{chosen ? c.accent : c.tile,   c.tile_pressed, c.text, c.tile_border,
                            std::max(2.f, theme.mm(0.6)), theme.mm(3)};
            ImGui::PushID(mood);
            if (touch_button("##face", r, look, rated_ == 0)) rate(ctx, mood);
            ImGui::PopID();
            Rgb ink = chosen ? c.tile : c.text;
            float label_h = line_height(ctx.fonts.tile);
            float radius = std::min(r.width(), r.height() - label_h) * 0.3f;
            ImVec2 center(r.center().x, r.center().y - label_h * 0.45f);
            rating_face(center, radius, mood, ink);
            std::string label = tr(kFaceLabels[mood - 1]);
            text_centered(ctx.fonts.tile, ImVec2(center.x, center.y + radius + label_h * 0.6f), ink,
                          chosen ? "√ " + label : label);
        }
        if (rated_)
            text_centered(ctx.fonts.title,
                          ImVec2(faces.center().x, faces.max.y - line_height(ctx.fonts.title)), c.text,
                          tr("screens.rating.thanks"));
        if (!error_.empty())
            text_wrapped(ctx.fonts.body, ImVec2(body.min.x, faces.max.y + gap), body.width(), c.text, error_);
    }

    int64_t ms_until_change(const ScreenContext& ctx) const override { return header_ms_until_change(ctx); }

private:
    void rate(ScreenContext& ctx, int mood) {
        auto rated = Feedback(ctx.station).rate(mood);
        if (rated)
            rated_ = mood;
        else
            error_ = tr("screens.rating.failed");
    }
    int last_frame_ = -10;
    int rated_ = 0;
    std::string error_;
};

}  // namespace

std::unique_ptr<Screen> make_rating_screen() {
    return std::make_unique<RatingScreen>();
}

}  // namespace station::ui
