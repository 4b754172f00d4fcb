// 活动报名: the list of coming activities (activities), and one activity (activity, two taps
// from home) where 我要报名 waits for an ID card or a resident QR code through the
// DeviceManager, signs up, and prints a confirmation. How many signed up is shown against the
// minimum the activity needs to go ahead.
//
// Threads: card and scan handlers run on the device workers; they sign up there (never on the UI
// thread) and leave the outcome in a mailbox the screen reads while it is drawn. A read counts
// only while the screen is armed (after 我要报名, for kArmMs) and was drawn within kShownMs.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>

#include "kiosk/core/activities.h"
#include "kiosk/core/catalogue.h"
#include "kiosk/core/devices.h"
#include "kiosk/ui/screens_common.h"

namespace station::ui {
namespace {

constexpr int64_t kArmMs = 60'000;   // 我要报名 waits this long for a card or a code
constexpr int64_t kShownMs = 3'000;  // the screen counts as showing if drawn this recently
constexpr int64_t kPollMs = 500;     // redraw pace while waiting

int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string when_text(const Activity& a) {
    return chinese_month_day_weekday(from_ms(a.starts_at_ms)) + " " +
           chinese_time_of_day(from_ms(a.starts_at_ms)) + " - " + chinese_time_of_day(from_ms(a.ends_at_ms));
}

std::string count_text(const Activity& a) {
    std::string text = fill(tr("screens.activities.signed_up"),
                            {{"n", std::to_string(a.signups)}, {"capacity", std::to_string(a.capacity)}});
    if (a.min_signups > 0)
        text +=
            "，" +
            (a.goes_ahead()
                 ? fill(tr("screens.activities.goes_ahead"), {{"min", std::to_string(a.min_signups)}})
                 : fill(tr("screens.activities.needs_more"), {{"min", std::to_string(a.min_signups)},
                                                              {"more", std::to_string(a.still_needed())}}));
    return text;
}

// What the two screens share: the chosen activity and the sign-up in progress.
struct SignupDesk {
    Station* station = nullptr;
    int64_t selected = 0;                              // UI thread
    std::atomic<int64_t> armed{0};                     // activity id while waiting for a card or code
    std::atomic<int64_t> armed_until{0}, shown_at{0};  // steady ms
    int card_handler = 0, scan_handler = 0;

    std::mutex mutex;  // guards the mailbox below
    bool has_outcome = false;
    bool success = false;
    std::string message;  // the outcome in words (a masked number at most)
    std::optional<SignupOutcome> outcome;

    ~SignupDesk() {
        if (station && card_handler) station->devices().remove_handler(card_handler);
        if (station && scan_handler) station->devices().remove_handler(scan_handler);
    }

    void attach(Station& s) {
        if (station) return;
        station = &s;
        card_handler = s.devices().on_card([this](const CardRead& read) {
            if (read.resident_hash.empty()) return;
            take({read.masked_id, read.resident_hash}, "idcard");
        });
        scan_handler = s.devices().on_scan([this](const std::string& payload) {
            if (!waiting()) return;
            auto number = resident_number_from_qr(payload);
            if (!number) return post(false, tr("screens.activities.bad_qr"), std::nullopt);
            take(resident_key(resident_id_salt(station->db()), *number), "qr");
        });
    }
    bool waiting() const {
        int64_t now = steady_ms();
        return armed.load() != 0 && now < armed_until.load() && now - shown_at.load() < kShownMs;
    }
    void take(const ResidentKey& who, const char* via) {  // device worker
        if (!waiting()) return;
        int64_t id = armed.exchange(0);
        if (id == 0) return;
        auto result = Activities(*station).sign_up(id, who, via);
        if (result) {
            post(true, fill(tr("screens.activities.success"), {{"masked", who.masked}}), result.value);
            return;
        }
        std::string message;
        switch (result.kind) {
            case ActivityErrorKind::already_signed_up:
                message = tr("screens.activities.already");
                break;
            case ActivityErrorKind::full:
                message = tr("screens.activities.full");
                break;
            case ActivityErrorKind::closed:
                message = tr("screens.activities.closed");
                break;
            default:
                message = tr("screens.activities.failed");
                break;
        }
        post(false, message, std::nullopt);
    }
    void post(bool ok, std::string message, std::optional<SignupOutcome> o) {
        std::lock_guard<std::mutex> guard(mutex);
        has_outcome = true;
        success = ok;
        this->message = std::move(message);
        outcome = std::move(o);
        armed = 0;
    }
};

class ActivitiesScreen final : public Screen {
public:
    explicit ActivitiesScreen(std::shared_ptr<SignupDesk> desk) : desk_(std::move(desk)) {}
    const char* name() const override { return "activities"; }

    void draw(ScreenContext& ctx) override {
        desk_->attach(ctx.station);
        desk_->armed = 0;
        int frame = ImGui::GetFrameCount();
        if (frame != last_frame_ + 1) {
            list_ = Activities(ctx.station).list();
            pager_.page = 0;
        }
        last_frame_ = frame;
        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        Rect body = service_page(ctx, tr("tile.activities"));
        if (list_.empty()) {
            text_wrapped(ctx.fonts.title, body.min, body.width(), c.text, tr("screens.activities.none"));
            return;
        }
        float gap = theme.mm(3);
        float row_h = line_height(ctx.fonts.tile) + 2 * line_height(ctx.fonts.body) + theme.mm(4);
        Rect rows = pager_.layout(ctx, body, row_h, int(list_.size()));
        for (int i = 0; i < pager_.per_page && pager_.first() + i < int(list_.size()); ++i) {
            const Activity& a = list_[pager_.first() + i];
            Rect r{ImVec2(rows.min.x, rows.min.y + i * (row_h + gap)),
                   ImVec2(rows.max.x, rows.min.y + i * (row_h + gap) + row_h)};
            ButtonLook look{c.tile,     c.tile_pressed, c.text, c.tile_border, std::max(2.f, theme.mm(0.6)),
                            theme.mm(3)};
            ImGui::PushID(int(a.id));
            if (touch_button("##activity", r, look)) {
                desk_->selected = a.id;
                ctx.nav.go("activity");
            }
            ImGui::PopID();
            float x = r.min.x + theme.mm(4), y = r.min.y + theme.mm(2);
            text_at(ctx.fonts.tile, ImVec2(x, y), c.text, a.title);
            y += line_height(ctx.fonts.tile);
            text_at(ctx.fonts.body, ImVec2(x, y), c.text, when_text(a) + "  " + a.place);
            y += line_height(ctx.fonts.body);
            text_at(ctx.fonts.body, ImVec2(x, y), c.text_muted, count_text(a));
        }
    }

    int64_t ms_until_change(const ScreenContext& ctx) const override { return header_ms_until_change(ctx); }

private:
    std::shared_ptr<SignupDesk> desk_;
    std::vector<Activity> list_;
    Pager pager_;
    int last_frame_ = -10;
};

class ActivityScreen final : public Screen {
public:
    explicit ActivityScreen(std::shared_ptr<SignupDesk> desk) : desk_(std::move(desk)) {}
    const char* name() const override { return "activity"; }
    std::string parent() const override { return "activities"; }

    // The soonest activity, as a visitor who tapped the first row sees it (audit, golden images).
    std::vector<ScreenState> states() const override {
        return {{"chosen", [desk = desk_](ScreenContext& ctx) {
                     auto list = Activities(ctx.station).list();
                     if (!list.empty()) desk->selected = list.front().id;
                 }}};
    }

    void draw(ScreenContext& ctx) override {
        desk_->attach(ctx.station);
        int frame = ImGui::GetFrameCount();
        if (frame != last_frame_ + 1) {  // a new visit: nothing of the last visitor stays
            desk_->armed = 0;
            std::lock_guard<std::mutex> guard(desk_->mutex);
            desk_->has_outcome = false;
            result_.clear();
            print_note_.clear();
            printing_ = {};
        }
        last_frame_ = frame;
        desk_->shown_at = steady_ms();
        take_outcome(ctx);
        if (printing_.valid() && printing_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
            auto printed = printing_.get();
            print_note_ = printed ? tr("screens.activities.printed") : tr("screens.activities.print_failed");
        }

        const Theme& theme = ctx.theme;
        const Palette& c = theme.colors;
        auto activity = Activities(ctx.station).get(desk_->selected);
        Rect body = service_page(ctx, activity ? activity->title : std::string(tr("tile.activities")));
        if (!activity) {
            text_wrapped(ctx.fonts.title, body.min, body.width(), c.text, tr("screens.activities.gone"));
            return;
        }
        float gap = theme.mm(4);
        Rect info, action;
        if (ctx.portrait()) {
            info = {body.min, ImVec2(body.max.x, body.min.y + body.height() * 0.5f)};
            action = {ImVec2(body.min.x, info.max.y + gap), body.max};
        } else {
            info = {body.min, ImVec2(body.min.x + body.width() * 0.55f, body.max.y)};
            action = {ImVec2(info.max.x + gap * 2, body.min.y), body.max};
        }
        float y = info.min.y;
        y = text_wrapped(ctx.fonts.title, ImVec2(info.min.x, y), info.width(), c.text,
                         tr("screens.activities.when") + std::string("：") + when_text(*activity));
        y = text_wrapped(ctx.fonts.title, ImVec2(info.min.x, y), info.width(), c.text,
                         tr("screens.activities.where") + std::string("：") + activity->place);
        y = text_wrapped(ctx.fonts.title, ImVec2(info.min.x, y), info.width(), c.accent,
                         count_text(*activity));
        if (!activity->description.empty())
            text_wrapped(ctx.fonts.body, ImVec2(info.min.x, y + gap / 2), info.width(), c.text,
                         activity->description);

        // The action side: 我要报名, then what to do, then the outcome.
        float button_h = theme.mm(Theme::kMinTargetMm + 12);
        Rect button{action.min, ImVec2(action.max.x, action.min.y + button_h)};
        bool waiting = desk_->waiting();
        bool can = !activity->full() && !activity->cancelled;
        if (big_button(ctx, "##signup", button,
                       tr(waiting ? tr_key("screens.activities.waiting_button")
                                  : tr_key("screens.activities.signup")),
                       can && !waiting, waiting)) {
            result_.clear();
            print_note_.clear();
            desk_->armed_until = steady_ms() + kArmMs;
            desk_->armed = activity->id;
        }
        y = button.max.y + gap;
        if (!can && result_.empty())
            y = text_wrapped(ctx.fonts.title, ImVec2(action.min.x, y), action.width(), c.text,
                             tr("screens.activities.full"));
        if (waiting)
            y = text_wrapped(ctx.fonts.title, ImVec2(action.min.x, y), action.width(), c.text,
                             tr("screens.activities.how"));
        if (!result_.empty())
            y = text_wrapped(ctx.fonts.title, ImVec2(action.min.x, y), action.width(), c.text, result_);
        if (!print_note_.empty())
            text_wrapped(ctx.fonts.body, ImVec2(action.min.x, y), action.width(), c.text, print_note_);
    }

    int64_t ms_until_change(const ScreenContext& ctx) const override {
        int64_t until = header_ms_until_change(ctx);
        if (desk_->waiting() || printing_.valid()) until = std::min(until, kPollMs);
        return until;
    }

private:
    void take_outcome(ScreenContext& ctx) {
        std::optional<SignupOutcome> outcome;
        {
            std::lock_guard<std::mutex> guard(desk_->mutex);
            if (!desk_->has_outcome) return;
            desk_->has_outcome = false;
            result_ = desk_->message;
            success_ = desk_->success;
            outcome = desk_->outcome;
        }
        if (!outcome) return;
        const Activity& a = outcome->activity;
        drivers::SignupConfirmation slip;
        slip.station_name = ctx.station.config().station.name;
        slip.activity_title = a.title;
        slip.activity_time = format_local(from_ms(a.starts_at_ms), "%Y-%m-%d %H:%M");
        slip.place = a.place;
        slip.participant = outcome->signup.masked_id;
        slip.confirmation_code = "H" + std::to_string(a.id) + "-" + std::to_string(outcome->signup.id);
        printing_ = ctx.station.devices().print_signup(slip);
    }

    std::shared_ptr<SignupDesk> desk_;
    int last_frame_ = -10;
    std::string result_, print_note_;
    bool success_ = false;
    std::future<Result<Ok>> printing_;
};

}  // namespace

void add_activities_screens(std::vector<std::unique_ptr<Screen>>& screens) {
    auto desk = std::make_shared<SignupDesk>();
    screens.push_back(std::make_unique<ActivitiesScreen>(desk));
    screens.push_back(std::make_unique<ActivityScreen>(desk));
}

}  // namespace station::ui
