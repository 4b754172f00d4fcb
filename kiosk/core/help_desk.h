// HelpDesk: 一键通达 help requests, the heart of the station (DESIGN.md rule 2: nothing confirmed
// is lost).
//
//   HelpState, HelpRequest   a request and its life: called → acknowledged → arrived → resolved,
//                            or cancelled (the resident within cancel_window_s, or staff with a reason)
//   Actor                    who does an operation: a resident at the screen, staff, the system
//   HelpDesk                 named operations; each commits to SQLite with synchronous=FULL, in one
//                            transaction with its journal event, audit row and outgoing notifications,
//                            BEFORE the event is published on station.events()
//   help_transitions()       the transition table every state change is checked against
//
// Events, published on Station::events() after the commit, type "help.<what>": called,
// acknowledged, arrived, resolved, cancelled, escalated, realerted, categorised, identified, rated,
// ticket_printed and ticket_failed (these two also carry "request_id", "ticket" and "confirmed" or
// "reason").
// Their data: {"event_id": N, "type": ..., "at": ms, "request": <request JSON without personal
// fields>, "text": <state in words, from the "help" catalogue section>}. The same events are kept
// in the help_events table, so the API's stream can replay from any event_id.
//
// Threads: every operation is thread-safe (it holds the database lock while it writes, never while
// it publishes). Handlers of the published events may call HelpDesk again.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/escalation.h"

namespace SQLite {
class Database;
}

namespace station {

class Station;

enum class HelpState { called, acknowledged, arrived, resolved, cancelled };
const char* help_state_name(HelpState state);  // "called", ...
std::optional<HelpState> parse_help_state(const std::string& name);
inline bool is_open(HelpState s) {
    return s != HelpState::resolved && s != HelpState::cancelled;
}

// Categories in the order of the kiosk's picture buttons; ids are stable ASCII, labels in the
// catalogue under help.category.<id> (就医 助餐 维修 帮办 咨询 其他).
const std::vector<std::string>& help_category_ids();  // medical meal repair errand consult other
const std::vector<std::string>&
help_source_ids();  // screen (touch), button (physical), staff, suggestion (意见建议: 请工作人员联系我)

// One row of the transition table: `operation` is allowed from `from` and leads to `to`.
struct HelpTransition {
    const char* operation;  // "acknowledge", "arrive", "resolve", "cancel", "escalate", ...
    std::vector<HelpState> from;
    std::optional<HelpState> to;  // nullopt: the state stays (escalate, categorise, ...)
};
const std::vector<HelpTransition>& help_transitions();

struct Actor {
    enum class Kind { resident, staff, system } kind = Kind::resident;
    std::string username;      // staff or device account; "" for a resident at the screen
    std::string display_name;  // staff: "王老师", said to the resident
    static Actor resident(std::string device_username = "");
    static Actor staff(std::string username, std::string display_name);
    static Actor system();
    std::string audit_name() const;  // "resident", "system" or the username
};

struct HelpRequest {
    int64_t id = 0;
    std::string ticket;       // "A012": per local day, letter + 3 digits, easy to say aloud
    std::string service_day;  // local day "YYYY-MM-DD" the ticket belongs to
    std::string category;     // "" until chosen, else one of help_category_ids()
    std::string source;       // one of help_source_ids()
    HelpState state = HelpState::called;
    int escalation_level = 0;  // 0, 1 (not acknowledged in level1), 2 (in level2)
    int realert_count = 0;     // re-alerts since acknowledged without arrival
    std::optional<int64_t> last_realert_at_ms;
    int64_t created_at_ms = 0;
    std::string created_by;  // "resident" or a username
    std::optional<int64_t> acknowledged_at_ms;
    std::string acknowledged_by, acknowledged_by_name;
    std::optional<int64_t> arrived_at_ms;
    std::string arrived_by, arrived_by_name;
    std::optional<int64_t> closed_at_ms;  // resolved or cancelled
    std::string closed_by;
    std::string cancel_reason;       // personal (may name people): purged by retention
    std::string note;                // staff's resolution note; personal: purged by retention
    std::string resident_id_masked;  // "3101**********1234"; "" when not identified or purged
    bool identified = false;         // a resident id was given (and not yet purged)
    std::optional<int> rating;       // 1..3 after resolution
    bool purged = false;             // retention removed the personal fields
    bool open() const { return is_open(state); }
};

// What went wrong, so the API can answer 400, 404, 409 or 503.
enum class HelpErrorKind { bad_input, not_found, illegal_transition, storage };

class [[nodiscard]] HelpResult {
public:
    HelpResult(HelpRequest request, bool existing = false)
        : request_(std::move(request)), existing_(existing) {}
    HelpResult(HelpErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}
    bool ok() const { return request_.has_value(); }
    explicit operator bool() const { return ok(); }
    const HelpRequest& value() const { return *request_; }
    const HelpRequest* operator->() const { return &*request_; }
    bool existing() const { return existing_; }  // call(): the request_key was known
    HelpErrorKind error_kind() const { return kind_; }
    const std::string& error() const { return message_; }  // names the field or the state

private:
    std::optional<HelpRequest> request_;
    bool existing_ = false;
    HelpErrorKind kind_ = HelpErrorKind::bad_input;
    std::string message_;
};

struct CallOptions {
    std::string category;  // "" = not chosen yet (the help button sends at once)
    std::string source = "screen";
    std::string request_key;  // optional idempotency key (<= 64 chars): a retry returns the first
};

struct HelpEventRecord {
    int64_t id = 0;    // the stream's event id, increasing in commit order
    std::string type;  // "help.called", ...
    int64_t at_ms = 0;
    nlohmann::json data;  // as published (see the top of this file)
};

enum class HelpListFilter { open, closed, all };

// Called inside the transaction of a change that staff should hear about (called, acknowledged,
// escalated, realerted), so the notification is committed with the change. Set by Station.
using HelpOutboxWriter = std::function<void(SQLite::Database& sql, const std::string& event_type,
                                            const HelpRequest& request, const std::string& text)>;

class HelpDesk {
public:
    explicit HelpDesk(Station& station);  // the ladder and windows come from station.config().help

    // --- Named operations. Each returns the request as committed, or an error naming the field
    // or the state (nothing changed then). Personal data never enters events, audit or logs.
    HelpResult call(const CallOptions& options, const Actor& by);  // new request, state called
    HelpResult set_category(int64_t id, const std::string& category, const Actor& by);  // while open
    HelpResult identify(int64_t id, const std::string& id_number, const Actor& by);     // masked + hashed
    HelpResult acknowledge(int64_t id, const Actor& by);                                // staff: "on my way"
    HelpResult arrive(int64_t id, const Actor& by);  // staff at the resident
    HelpResult resolve(int64_t id, const Actor& by, const std::string& note = "");
    // A resident may cancel a called request within cancel_window_s (按错了); staff give a reason.
    HelpResult cancel(int64_t id, const Actor& by, const std::string& reason = "");
    HelpResult rate(int64_t id, int faces, const Actor& by);  // 1..3, after resolve
    HelpResult escalate(int64_t id, int level);               // by the ladder
    // The kiosk's printer on the call's ticket: event help.ticket_printed, or help.ticket_failed
    // (staff are notified: the resident has no paper ticket). The call itself never changes.
    HelpResult ticket_outcome(int64_t id, bool printed, const std::string& reason = "",
                              bool confirmed = false);
    HelpResult realert(int64_t id);  // by the ladder

    // --- Reading (snapshots; safe from any thread).
    std::optional<HelpRequest> get(int64_t id);
    std::vector<HelpRequest> list(HelpListFilter filter, int limit = 200);   // newest first
    std::vector<HelpRequest> open_requests();                                // oldest first
    std::vector<HelpEventRecord> events_after(int64_t event_id, int limit);  // oldest first
    int64_t last_event_id();
    struct Counts {
        int64_t total = 0, open = 0, resolved = 0, cancelled = 0;
    };
    Counts counts();  // survive retention

    // Words for the request's state, for the screen, voice and notifications: "已通知工作人员",
    // "王老师正在赶来", ... (catalogue section "help").
    std::string status_text(const HelpRequest& request) const;
    std::string category_label(const std::string& category) const;  // "就医"; "" when unset
    // The message staff phones get for `event_type` ("help.called", ...), in words.
    std::string notification_text(const std::string& event_type, const HelpRequest& request) const;
    // The request as API JSON. personal=false (events) leaves out masked id, reason and note.
    nlohmann::json to_json(const HelpRequest& request, bool personal) const;

    // Retention: clears personal fields of requests closed more than retention_days ago; counts stay.
    int purge_expired();

    void set_outbox_writer(HelpOutboxWriter writer);  // before the first operation
    const EscalationLadder& ladder() const { return ladder_; }
    std::string fill(const std::string& key,
                     const std::vector<std::pair<std::string, std::string>>& values) const;

private:
    struct Change;
    HelpResult apply(int64_t id, const char* operation, const Actor& by, const Change& change);
    Station& station_;
    EscalationLadder ladder_;
    int64_t cancel_window_ms_;
    int64_t retention_ms_;
    Catalogue catalogue_;      // the station's locale (embedded), read-only after construction
    HelpOutboxWriter outbox_;  // set once before use; read under the database lock
    std::string salt_;         // resident-id salt (station_secrets), 32 bytes
};

}  // namespace station
