// 办事指南: the services residents ask about most, from DATA/guide.toml (guide.h): pick one by its
// big title button; what to bring, where and when are shown beside it in large print.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/guide.h"
#include "kiosk/ui/screens_common.h"

namespace station::ui {
namespace {

class GuideScreen final : public Screen {
public:
    const char* name() const override { return "guide"; }

    void draw(ScreenContext& ctx) override {
        int frame = ImGui::GetFrameCount();
        if (frame != last_frame_ + 1) load(ctx);  // the station may have edited the file
        last_frame_ = frame;
        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        Rect body = service_page(ctx, tr("tile.guide"));
        if (entries_.empty()) {
            text_wrapped(ctx.fonts.title, body.min, body.width(), c.text,
                         error_ ? tr("screens.guide.unavailable") : tr("screens.guide.none"));
            return;
        }
        float gap = theme.mm(4);
        Rect list, detail;
        if (ctx.portrait()) {
            list = {body.min, ImVec2(body.max.x, body.min.y + body.height() * 0.38f)};
            detail = {ImVec2(body.min.x, list.max.y + gap), body.max};
        } else {
            list = {body.min, ImVec2(body.min.x + body.width() * 0.34f, body.max.y)};
            detail = {ImVec2(list.max.x + gap * 2, body.min.y), body.max};
        }
        float row_h = theme.mm(Theme::kMinTargetMm + 4);
        Rect rows = pager_.layout(ctx, list, row_h, int(entries_.size()));
        for (int i = 0; i < pager_.per_page && pager_.first() + i < int(entries_.size()); ++i) {
            int index = pager_.first() + i;
            Rect r{ImVec2(rows.min.x, rows.min.y + i * (row_h + theme.mm(3))),
                   ImVec2(rows.max.x, rows.min.y + i * (row_h + theme.mm(3)) + row_h)};
            ImGui::PushID(index);
            if (big_button(ctx, "##entry", r, entries_[index].title, true, index == selected_))
                selected_ = index;
            ImGui::PopID();
        }
        if (selected_ < 0 || selected_ >= int(entries_.size())) {
            text_wrapped(ctx.fonts.title, detail.min, detail.width(), c.text_muted, tr("screens.guide.pick"));
            return;
        }
        const GuideEntry& e = entries_[selected_];
        float y = detail.min.y;
        y = text_wrapped(ctx.fonts.tile, ImVec2(detail.min.x, y), detail.width(), c.text, e.title);
        if (!e.summary.empty())
            y = text_wrapped(ctx.fonts.body, ImVec2(detail.min.x, y), detail.width(), c.text, e.summary);
        y += gap / 2;
        y = text_wrapped(ctx.fonts.title, ImVec2(detail.min.x, y), detail.width(), c.accent,
                         tr("screens.guide.bring"));
        for (const std::string& item : e.bring)
            y = text_wrapped(ctx.fonts.title, ImVec2(detail.min.x + theme.mm(4), y),
                             detail.width() - theme.mm(4), c.text, "· " + item);
        y = text_wrapped(ctx.fonts.title, ImVec2(detail.min.x, y + gap / 2), detail.width(), c.text,
                         tr("screens.guide.where") + std::string("：") + e.where);
        text_wrapped(ctx.fonts.title, ImVec2(detail.min.x, y), detail.width(), c.text,
                     tr("screens.guide.when") + std::string("：") + e.when);
    }

    int64_t ms_until_change(const ScreenContext& ctx) const override { return header_ms_until_change(ctx); }

private:
    void load(ScreenContext& ctx) {
        auto loaded = load_guide(guide_file(ctx.station.data_dir()));
        error_ = !loaded.ok();
        if (loaded)
            entries_ = std::move(*loaded);
        else {
            entries_.clear();
            spdlog::warn("guide: {}", loaded.error().message);
        }
        selected_ = entries_.empty() ? -1 : 0;
        pager_.page = 0;
    }

    std::vector<GuideEntry> entries_;
    bool error_ = false;
    int selected_ = -1;
    Pager pager_;
    int last_frame_ = -10;
};

}  // namespace

std::unique_ptr<Screen> make_guide_screen() {
    return std::make_unique<GuideScreen>();
}

}  // namespace station::ui
