// 通知公告: the active content's notices, one at a time in large print, 上一页 / 下一页 to turn;
// 读给我听 plays the notice's recorded narration through Voice. Without content: 暂无通知.
#include <algorithm>
#include <filesystem>
#include <memory>

#include <spdlog/spdlog.h>

#include "content/store.h"
#include "kiosk/core/catalogue.h"
#include "kiosk/ui/notices.h"
#include "kiosk/ui/screens_common.h"
#include "kiosk/ui/voice.h"

namespace station::ui {

std::vector<NoticeView> notices_from(const content::ContentModel& model) {
    std::vector<NoticeView> out;
    std::vector<int> priority;
    for (const auto& item : model.items) {
        if (item.kind != content::ItemKind::notice) continue;
        out.push_back({item.id, item.title, item.body, item.date, item.narration});
        priority.push_back(item.priority);
    }
    std::vector<size_t> order(out.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (priority[a] != priority[b]) return priority[a] > priority[b];
        return out[a].date > out[b].date;
    });
    std::vector<NoticeView> sorted;
    for (size_t i : order) sorted.push_back(out[i]);
    return sorted;
}

std::vector<LessonView> lessons_from(const content::ContentModel& model) {
    std::vector<LessonView> out;
    for (const auto& item : model.items) {
        if (item.kind != content::ItemKind::video) continue;
        std::string title = item.title;
        if (title.empty()) title = std::filesystem::path(item.file).stem().string();
        out.push_back({item.id, title, item.file, item.duration_s});
    }
    return out;
}

namespace {

class NoticesScreen final : public Screen {
public:
    const char* name() const override { return "notices"; }

    void draw(ScreenContext& ctx) override {
        int frame = ImGui::GetFrameCount();
        if (frame != last_frame_ + 1) load(ctx);
        last_frame_ = frame;
        if (voice_) voice_->tick();
        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        Rect body = service_page(ctx, tr("tile.notices"));
        if (notices_.empty()) {
            text_wrapped(ctx.fonts.tile, body.min, body.width(), c.text, tr("screens.notices.none"));
            return;
        }
        Rect area = pager_.layout(ctx, body, body.height(), int(notices_.size()));
        const NoticeView& n = notices_[std::min<size_t>(pager_.page, notices_.size() - 1)];
        float gap = theme.mm(4);
        float listen_h = n.narration.empty() ? 0 : theme.mm(Theme::kMinTargetMm + 4);
        float y = text_wrapped(ctx.fonts.tile, area.min, area.width(), c.text, n.title);
        if (!n.date.empty())
            y = text_wrapped(ctx.fonts.body, ImVec2(area.min.x, y), area.width(), c.text_muted,
                             date_text(n.date));
        text_wrapped(ctx.fonts.title, ImVec2(area.min.x, y + gap / 2), area.width(), c.text, n.body);
        if (!n.narration.empty()) {
            float w = std::max(theme.mm(60), area.width() * 0.3f);
            Rect listen{ImVec2(area.max.x - w, area.max.y - listen_h), area.max};
            if (big_button(ctx, "##listen", listen, tr("screens.notices.read_aloud"))) play(ctx, n);
            if (!voice_note_.empty())
                text_at(ctx.fonts.body,
                        ImVec2(area.min.x, area.max.y - listen_h / 2 - line_height(ctx.fonts.body) / 2),
                        c.text_muted, voice_note_);
        }
    }

    int64_t ms_until_change(const ScreenContext& ctx) const override {
        int64_t until = header_ms_until_change(ctx);
        if (voice_ && voice_->ms_until_done() >= 0)
            until = std::min<int64_t>(until, voice_->ms_until_done() + 50);
        return until;
    }

private:
    static std::string date_text(const std::string& date) {  // "2026-11-25" -> "2026年11月25日"
        if (date.size() != 10) return date;
        return date.substr(0, 4) + "年" + std::to_string(std::atoi(date.substr(5, 2).c_str())) + "月" +
               std::to_string(std::atoi(date.substr(8, 2).c_str())) + "日";
    }

    void load(ScreenContext& ctx) {
        notices_.clear();
        narration_files_.clear();
        pager_.page = 0;
        voice_note_.clear();
        auto active = ctx.station.content().active();
        if (!active) return;  // no content yet: 暂无通知
        notices_ = notices_from(active->manifest.content);
        for (const auto& n : notices_)
            if (!n.narration.empty()) narration_files_[n.id] = active->media_path(n.narration);
    }

    // Voice plays clips named <key>.wav from its folders: the narration is copied there once.
    void play(ScreenContext& ctx, const NoticeView& n) {
        std::filesystem::path dir = ctx.station.data_dir() / "cache" / "narration";
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        std::filesystem::path target = dir / (n.id + ".wav");
        auto source = narration_files_[n.id];
        if (!source.empty() && !std::filesystem::exists(target, ec))
            std::filesystem::copy_file(source, target, ec);
        if (!voice_) voice_ = std::make_unique<Voice>(std::vector<std::filesystem::path>{dir});
        bool spoken = !ec && voice_->say({n.id});
        voice_note_ = spoken ? tr("screens.notices.reading") : tr("screens.notices.no_audio");
        if (!spoken) spdlog::warn("notices: narration of '{}' could not be played", n.id);
    }

    std::vector<NoticeView> notices_;
    std::map<std::string, std::filesystem::path> narration_files_;
    std::unique_ptr<Voice> voice_;
    std::string voice_note_;
    Pager pager_;
    int last_frame_ = -10;
};

class LessonsScreen final : public Screen {
public:
    const char* name() const override { return "lessons"; }

    void draw(ScreenContext& ctx) override {
        int frame = ImGui::GetFrameCount();
        if (frame != last_frame_ + 1) {
            lessons_.clear();
            pager_.page = 0;
            if (auto active = ctx.station.content().active())
                lessons_ = lessons_from(active->manifest.content);
        }
        last_frame_ = frame;
        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        Rect body = service_page(ctx, tr("tile.lessons"));
        if (lessons_.empty()) {
            text_wrapped(ctx.fonts.tile, body.min, body.width(), c.text, tr("screens.lessons.none"));
            return;
        }
        float y = text_wrapped(ctx.fonts.body, body.min, body.width(), c.text_muted,
                               tr("screens.lessons.list_only"));
        Rect list{ImVec2(body.min.x, y + theme.mm(2)), body.max};
        float row_h = line_height(ctx.fonts.tile) + theme.mm(4);
        Rect rows = pager_.layout(ctx, list, row_h, int(lessons_.size()));
        for (int i = 0; i < pager_.per_page && pager_.first() + i < int(lessons_.size()); ++i) {
            const LessonView& l = lessons_[pager_.first() + i];
            float top = rows.min.y + i * (row_h + theme.mm(3));
            std::string line = std::to_string(pager_.first() + i + 1) + ". " + l.title;
            if (l.duration_s > 0)
                line +=
                    fill(tr("screens.lessons.minutes"), {{"m", std::to_string((l.duration_s + 59) / 60)}});
            text_at(ctx.fonts.tile, ImVec2(rows.min.x, top + theme.mm(2)), c.text, line);
        }
    }

    int64_t ms_until_change(const ScreenContext& ctx) const override { return header_ms_until_change(ctx); }

private:
    std::vector<LessonView> lessons_;
    Pager pager_;
    int last_frame_ = -10;
};

}  // namespace

std::unique_ptr<Screen> make_notices_screen() {
    return std::make_unique<NoticesScreen>();
}
std::unique_ptr<Screen> make_lessons_screen() {
    return std::make_unique<LessonsScreen>();
}

}  // namespace station::ui
