// HelpSession: the touchscreen's side of one 一键通达 call. Lives on the UI thread; every HelpDesk
// operation runs on a Worker (the write is a synchronous=FULL commit) and its result comes back
// through the UiQueue. The screen says "sent" only after the desk has committed the call.
//
// It follows the desk's events for its call, so a change made by staff through the API shows on
// the screen in words within one event.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "kiosk/core/events.h"
#include "kiosk/core/station.h"
#include "kiosk/core/worker.h"

namespace station::ui {

struct HelpSnapshot {
    int64_t id = 0;
    std::string ticket;       // "A012"
    std::string state;        // "called", "acknowledged", "arrived", "resolved", "cancelled"
    std::string category;     // "" until chosen
    std::string status_text;  // "王老师正在赶来"
    int64_t created_at_ms = 0;
    int escalation = 0;
    bool rated = false;
    std::string ticket_print;     // "" (no word yet or no printer), "printed", "failed"
    std::string resident_masked;  // "3101**********1234" once a card or QR identified the resident
    // What the last update was: "state" (state or escalation), "ticket_printed", "ticket_failed",
    // "identified"; the voice says only what is new.
    std::string last_change = "state";
    bool open() const { return state != "resolved" && state != "cancelled"; }
};

class HelpSession {
public:
    HelpSession(Station& station, UiQueue& ui_queue, Worker& worker);
    ~HelpSession();

    // --- Operations (UI thread). Each is sent to the desk at once; results arrive as events.
    void call();  // the help button: a new call, or show the open one
    void choose_category(const std::string& id);
    void cancel_by_resident();  // 按错了, within the desk's cancel window
    void rate(int faces);       // 1..3, after resolution
    void dismiss();             // the resident leaves: forget a closed call

    // Called on the UI thread whenever the call's state changes (the voice prompt hangs here).
    void set_announcer(std::function<void(const HelpSnapshot&)> announcer) {
        announcer_ = std::move(announcer);
    }

    // --- State (UI thread).
    bool sending() const { return sending_; }  // the call is on its way to the desk
    const std::optional<HelpSnapshot>& current() const { return current_; }
    bool has_open_call() const { return sending_ || (current_ && current_->open()); }
    bool can_cancel() const;                             // state called and inside the cancel window
    int64_t ms_until_cancel_closes() const;              // -1 when it cannot be cancelled
    const std::string& error() const { return error_; }  // the last failure, in words; "" if none

private:
    void apply(const nlohmann::json& request, const std::string& text,
               const std::string& event_type = "");  // UI thread
    void load_masked_id(int64_t id);                 // worker: the masked number for the screen
    Station& station_;
    UiQueue& ui_queue_;
    Worker& worker_;
    int subscription_ = 0;
    bool sending_ = false;
    std::optional<HelpSnapshot> current_;
    std::function<void(const HelpSnapshot&)> announcer_;
    std::string error_;
};

}  // namespace station::ui
