// 通知公告: the active content's notices, one at a time in large print, 上一页 / 下一页 to turn;
// 读给我听 plays the notice's recorded narration through Voice. Without content: 暂无通知.
// 学习驿站 (LessonsScreen, below): the video lessons, played in the screen's body.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <spdlog/spdlog.h>

#include "content/store.h"
#include "kiosk/core/catalogue.h"
#include "kiosk/ui/lesson_player.h"
#include "kiosk/ui/notices.h"
#include "kiosk/ui/screens_common.h"
#include "kiosk/ui/signage_view.h"
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

// The active content as the signage view last read it on its worker (null before it has): the
// screens never read the store on the UI thread.
std::shared_ptr<const content::ActiveContent> latest_content(const ScreenContext& ctx) {
    return ctx.signage ? ctx.signage->latest_content() : nullptr;
}

class NoticesScreen final : public Screen {
public:
    const char* name() const override { return "notices"; }

    void draw(ScreenContext& ctx) override {
        int frame = ImGui::GetFrameCount();
        auto latest = latest_content(ctx);
        if (frame != last_frame_ + 1 || latest != shown_) load(latest);
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

    void load(std::shared_ptr<const content::ActiveContent> active) {
        shown_ = active;
        notices_.clear();
        narration_files_.clear();
        pager_.page = 0;
        voice_note_.clear();
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

    std::shared_ptr<const content::ActiveContent> shown_;  // what notices_ came from
    std::vector<NoticeView> notices_;
    std::map<std::string, std::filesystem::path> narration_files_;
    std::unique_ptr<Voice> voice_;
    std::string voice_note_;
    Pager pager_;
    int last_frame_ = -10;
};

// 学习驿站: the active content's video lessons, a page at a time. A tap on one plays it large in
// the body, with sound (LessonPlayer), its title, length and state in words, and big 暂停/继续,
// 从头播放 and 返回列表 under it. A lesson that cannot play says so above the list.
class LessonsScreen final : public Screen {
public:
    const char* name() const override { return "lessons"; }

    // The demo content's first lesson playing, paused, and with its file gone.
    std::vector<ScreenState> states() const override {
        return {
            {"playing",
             [](ScreenContext& ctx) {
                 if (open_first(ctx, false)) ctx.lessons->wait_for_picture(std::chrono::seconds(20));
             }},
            {"paused",
             [](ScreenContext& ctx) {
                 if (!open_first(ctx, false)) return;
                 ctx.lessons->wait_for_picture(std::chrono::seconds(20));
                 ctx.lessons->toggle_pause();
             }},
            {"cannot_play",
             [](ScreenContext& ctx) {
                 if (open_first(ctx, true)) ctx.lessons->wait_for_picture(std::chrono::seconds(20));
             }},
        };
    }

    void draw(ScreenContext& ctx) override {
        int frame = ImGui::GetFrameCount();
        auto latest = latest_content(ctx);
        if (frame != last_frame_ + 1 || latest != shown_) load(latest);
        last_frame_ = frame;
        Rect body = service_page(ctx, tr("tile.lessons"));
        if (ctx.lessons) ctx.lessons->update();  // an end or a failure shows in this frame
        if (ctx.lessons && ctx.lessons->lesson())
            draw_lesson(ctx, *ctx.lessons, body);
        else
            draw_list(ctx, body);
    }

    int64_t ms_until_change(const ScreenContext& ctx) const override { return header_ms_until_change(ctx); }

private:
    static std::string clock_text(int64_t seconds) {  // 75 -> "1:15", 3725 -> "1:02:05"
        char text[32];
        if (seconds >= 3600)
            std::snprintf(text, sizeof text, "%d:%02d:%02d", int(seconds / 3600), int(seconds / 60 % 60),
                          int(seconds % 60));
        else
            std::snprintf(text, sizeof text, "%d:%02d", int(seconds / 60), int(seconds % 60));
        return text;
    }

    static bool open_first(ScreenContext& ctx, bool missing) {
        auto active = latest_content(ctx);
        if (!ctx.lessons || !active) return false;
        auto lessons = lessons_from(active->manifest.content);
        if (lessons.empty()) return false;
        std::filesystem::path file = missing ? ctx.station.data_dir() / "no-such-lesson.mp4"
                                             : active->media_path(lessons.front().file);
        ctx.lessons->open(lessons.front(), file, active->info.version);
        return true;
    }

    void load(std::shared_ptr<const content::ActiveContent> active) {
        shown_ = active;
        lessons_.clear();
        files_.clear();
        version_ = 0;
        pager_.page = 0;
        if (!active) return;  // no content yet: 暂时没有视频课程
        lessons_ = lessons_from(active->manifest.content);
        for (const auto& l : lessons_) files_[l.id] = active->media_path(l.file);
        version_ = active->info.version;
    }

    // One line in the tile font, or a smaller one of the scale when it would not fit `width`.
    static ImFont* fitting_font(ScreenContext& ctx, const std::string& text, float width) {
        for (ImFont* font : {ctx.fonts.tile, ctx.fonts.title, ctx.fonts.body})
            if (text_size(font, text).x <= width) return font;
        return ctx.fonts.body;
    }

    void draw_list(ScreenContext& ctx, const Rect& body) {
        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        float y = body.min.y;
        if (ctx.lessons && !ctx.lessons->failure().empty()) {
            // Framed, and in words: a lesson that would not play, and what to do instead.
            float pad = theme.mm(3);
            const std::string& note = ctx.lessons->failure();
            float h = wrapped_height(ctx.fonts.title, body.width() - 2 * pad, note) + 2 * pad;
            ImGui::GetWindowDrawList()->AddRect(body.min, ImVec2(body.max.x, y + h), c.help.u32(), theme.mm(2),
                                                0, std::max(2.f, theme.mm(0.8)));
            text_wrapped(ctx.fonts.title, ImVec2(body.min.x + pad, y + pad), body.width() - 2 * pad, c.text, note);
            y += h + theme.mm(3);
        }
        if (lessons_.empty()) {
            text_wrapped(ctx.fonts.tile, ImVec2(body.min.x, y), body.width(), c.text, tr("screens.lessons.none"));
            return;
        }
        y = text_wrapped(ctx.fonts.body, ImVec2(body.min.x, y), body.width(), c.text_muted, tr("lessons.pick"));
        Rect list{ImVec2(body.min.x, y + theme.mm(2)), body.max};
        float row_h = std::max(theme.mm(Theme::kMinTargetMm + 4), line_height(ctx.fonts.tile) + theme.mm(4));
        Rect rows = pager_.layout(ctx, list, row_h, int(lessons_.size()));
        ButtonLook look{c.tile, c.tile_pressed, c.text, c.tile_border, std::max(2.f, theme.mm(0.6)), theme.mm(3)};
        for (int i = 0; i < pager_.per_page && pager_.first() + i < int(lessons_.size()); ++i) {
            int index = pager_.first() + i;
            const LessonView& l = lessons_[size_t(index)];
            float top = rows.min.y + float(i) * (row_h + theme.mm(3));
            Rect row{ImVec2(rows.min.x, top), ImVec2(rows.max.x, top + row_h)};
            ImGui::PushID(index);
            bool tapped = touch_button("##lesson", row, look);
            ImGui::PopID();
            std::string line = std::to_string(index + 1) + ". " + l.title;
            int length = ctx.lessons ? ctx.lessons->length_s(l, files_[l.id]) : l.duration_s;
            if (length > 0)
                line += fill(tr("screens.lessons.minutes"), {{"m", std::to_string((length + 59) / 60)}});
            ImFont* font = fitting_font(ctx, line, row.width() - theme.mm(8));
            text_at(font, ImVec2(row.min.x + theme.mm(4), row.center().y - font->FontSize / 2), c.text, line);
            if (tapped && ctx.lessons) ctx.lessons->open(l, files_[l.id], version_);
        }
    }

    void draw_lesson(ScreenContext& ctx, LessonPlayer& player, const Rect& body) {
        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        const LessonView lesson = *player.lesson();
        float gap = theme.mm(3);
        ImFont* title_font = fitting_font(ctx, lesson.title, body.width());
        text_at(title_font, body.min, c.text, lesson.title);
        float y = body.min.y + line_height(title_font);

        using State = LessonPlayer::State;
        std::string status = player.state() == State::paused ? tr("lessons.paused")
                             : player.state() == State::ended ? tr("lessons.ended")
                             : player.held()                  ? tr("lessons.held")
                                                              : tr("lessons.playing");
        int length = player.length_s(lesson, files_.count(lesson.id) ? files_[lesson.id] : std::filesystem::path());
        std::string at = clock_text(player.elapsed_ms() / 1000);
        if (length > 0)
            status += "  " + fill(tr("lessons.progress"), {{"at", at}, {"len", clock_text(length)}});
        text_at(ctx.fonts.body, ImVec2(body.min.x, y), c.text_muted, status);
        y += line_height(ctx.fonts.body);

        // Three big controls under the picture, in the same places whatever the state.
        float controls_h = std::max(theme.mm(Theme::kMinTargetMm + 6), line_height(ctx.fonts.tile) + theme.mm(6));
        float slot_gap = theme.mm(4);
        float slot_w = (body.width() - 2 * slot_gap) / 3;
        float top = body.max.y - controls_h;
        auto slot = [&](int n) {
            float x = body.min.x + float(n) * (slot_w + slot_gap);
            return Rect{ImVec2(x, top), ImVec2(x + slot_w, body.max.y)};
        };
        player.draw_video(ctx, Rect{ImVec2(body.min.x, y + gap / 2), ImVec2(body.max.x, top - gap)});
        if (player.state() != State::ended) {
            bool paused = player.state() == State::paused;
            if (big_button(ctx, "##lesson_pause", slot(0), paused ? tr("lessons.resume") : tr("lessons.pause")))
                player.toggle_pause();
        }
        if (big_button(ctx, "##lesson_restart", slot(1), tr("lessons.restart"))) player.restart();
        if (big_button(ctx, "##lesson_back", slot(2), tr("lessons.back_to_list"))) player.close();
    }

    std::shared_ptr<const content::ActiveContent> shown_;  // what lessons_ came from
    std::vector<LessonView> lessons_;
    std::map<std::string, std::filesystem::path> files_;  // lesson id -> its file in the store
    int64_t version_ = 0;
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
