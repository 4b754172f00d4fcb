// 意见建议: pick a topic, then one or more preset phrases (no typing), optionally
// 请工作人员联系我, which creates a consult task for staff; 提交 sends it.
#include <algorithm>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/feedback.h"
#include "kiosk/core/help_desk.h"
#include "kiosk/ui/screens_common.h"

namespace station::ui {
namespace {

class SuggestionsScreen final : public Screen {
public:
    const char* name() const override { return "suggestions"; }

    void draw(ScreenContext& ctx) override {
        int frame = ImGui::GetFrameCount();
        if (frame != last_frame_ + 1) reset();  // a new visit: nothing picked
        last_frame_ = frame;
        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        Rect body = service_page(ctx, tr("tile.suggestions"));
        float gap = theme.mm(4);
        if (sent_) return draw_thanks(ctx, body);

        const auto& topics = suggestion_topics();
        Rect topic_area, phrase_area;
        if (ctx.portrait()) {
            float h = theme.mm(Theme::kMinTargetMm + 4) * 2 + gap + line_height(ctx.fonts.body);
            topic_area = {body.min, ImVec2(body.max.x, body.min.y + h)};
            phrase_area = {ImVec2(body.min.x, topic_area.max.y + gap), body.max};
        } else {
            float w = body.width() * 0.32f;
            topic_area = {body.min, ImVec2(body.min.x + w, body.max.y)};
            phrase_area = {ImVec2(topic_area.max.x + gap * 2, body.min.y), body.max};
        }
        // Topics.
        float y = text_wrapped(ctx.fonts.body, topic_area.min, topic_area.width(), c.text,
                               tr("screens.suggestions.pick_topic"));
        Rect topics_rect{ImVec2(topic_area.min.x, y + gap / 2), topic_area.max};
        int columns = ctx.portrait() ? 3 : 1;
        int rows = (int(topics.size()) + columns - 1) / columns;
        float bw = (topics_rect.width() - gap * (columns - 1)) / columns;
        float bh =
            std::min(theme.mm(Theme::kMinTargetMm + 8), (topics_rect.height() - gap * (rows - 1)) / rows);
        for (size_t i = 0; i < topics.size(); ++i) {
            int col = int(i) % columns, row = int(i) / columns;
            ImVec2 min(topics_rect.min.x + col * (bw + gap), topics_rect.min.y + row * (bh + gap));
            ImGui::PushID(int(i));
            if (big_button(ctx, "##topic", {min, ImVec2(min.x + bw, min.y + bh)}, topics[i].label, true,
                           topic_ == topics[i].id)) {
                if (topic_ != topics[i].id) picked_.clear();
                topic_ = topics[i].id;
                error_.clear();
            }
            ImGui::PopID();
        }
        // Phrases, contact and send.
        const SuggestionTopic* topic = find_suggestion_topic(topic_);
        if (!topic) {
            text_wrapped(ctx.fonts.title, phrase_area.min, phrase_area.width(), c.text_muted,
                         tr("screens.suggestions.topic_first"));
            return;
        }
        y = text_wrapped(ctx.fonts.body, phrase_area.min, phrase_area.width(), c.text,
                         tr("screens.suggestions.pick_phrases"));
        float bottom = theme.mm(Theme::kMinTargetMm + 4);
        float error_h =
            error_.empty() ? 0 : wrapped_height(ctx.fonts.body, phrase_area.width(), error_) + gap;
        Rect phrases_rect{ImVec2(phrase_area.min.x, y + gap / 2),
                          ImVec2(phrase_area.max.x, phrase_area.max.y - bottom - gap - error_h)};
        int pc = 2;
        int prow = (int(topic->phrases.size()) + pc - 1) / pc;
        float pw = (phrases_rect.width() - gap) / pc;
        float ph =
            std::min(theme.mm(Theme::kMinTargetMm + 10), (phrases_rect.height() - gap * (prow - 1)) / prow);
        for (size_t i = 0; i < topic->phrases.size(); ++i) {
            const std::string& phrase = topic->phrases[i];
            ImVec2 min(phrases_rect.min.x + (i % pc) * (pw + gap),
                       phrases_rect.min.y + (i / pc) * (ph + gap));
            bool on = std::find(picked_.begin(), picked_.end(), phrase) != picked_.end();
            ImGui::PushID(100 + int(i));
            if (big_button(ctx, "##phrase", {min, ImVec2(min.x + pw, min.y + ph)}, phrase, true, on)) {
                if (on)
                    picked_.erase(std::find(picked_.begin(), picked_.end(), phrase));
                else
                    picked_.push_back(phrase);
                error_.clear();
            }
            ImGui::PopID();
        }
        if (!error_.empty())
            text_wrapped(ctx.fonts.body, ImVec2(phrase_area.min.x, phrases_rect.max.y + gap),
                         phrase_area.width(), c.text, error_);
        Rect bar{ImVec2(phrase_area.min.x, phrase_area.max.y - bottom), phrase_area.max};
        float half = (bar.width() - gap) / 2;
        if (big_button(ctx, "##contact", {bar.min, ImVec2(bar.min.x + half, bar.max.y)},
                       tr("screens.suggestions.contact_me"), true, contact_))
            contact_ = !contact_;
        if (big_button(ctx, "##send", {ImVec2(bar.min.x + half + gap, bar.min.y), bar.max},
                       tr("screens.suggestions.send"), !picked_.empty()))
            send(ctx);
    }

    int64_t ms_until_change(const ScreenContext& ctx) const override { return header_ms_until_change(ctx); }

private:
    void reset() {
        topic_.clear();
        picked_.clear();
        contact_ = false;
        sent_ = false;
        ticket_.clear();
        error_.clear();
    }
    void send(ScreenContext& ctx) {
        auto saved = Feedback(ctx.station).suggest(topic_, picked_, contact_);
        if (!saved) {
            error_ = tr("screens.suggestions.failed");
            return;
        }
        sent_ = true;
        if (saved->help_request_id)
            if (auto request = ctx.station.help_desk().get(saved->help_request_id)) ticket_ = request->ticket;
    }
    void draw_thanks(ScreenContext& ctx, const Rect& body) {
        const Palette& c = ctx.theme.colors;
        float y =
            text_wrapped(ctx.fonts.tile, body.min, body.width(), c.text, tr("screens.suggestions.thanks"));
        if (contact_)
            text_wrapped(ctx.fonts.title, ImVec2(body.min.x, y + ctx.theme.mm(4)), body.width(), c.text,
                         fill(tr("screens.suggestions.staff_will_call"), {{"ticket", ticket_}}));
    }

    int last_frame_ = -10;
    std::string topic_;
    std::vector<std::string> picked_;
    bool contact_ = false, sent_ = false;
    std::string ticket_, error_;
};

}  // namespace

std::unique_ptr<Screen> make_suggestions_screen() {
    return std::make_unique<SuggestionsScreen>();
}

}  // namespace station::ui
