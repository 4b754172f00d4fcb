// Signage records (issue 5): emergency notices ("alerts") and proof of play, in SQLite
// (migration 4). No UI here: the API and the player both use it.
//
//   alerts  an emergency notice overrides every screen of the station, full screen or as a banner,
//           until it expires or is withdrawn. create_alert() and withdraw_alert() write the row,
//           audit it, and publish "alert.created" / "alert.withdrawn" {alert json} on the bus,
//           so every screen shows (or drops) it within a second.
//   plays   each item shown: item id, zone, start, duration; written when it leaves the screen.
//
// Thread-safe: every call takes the database lock briefly (API workers, the UI's worker).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/result.h"

namespace station {

class Station;

struct Alert {
    int64_t id = 0;
    std::string title;            // "" when none was given
    std::string text;             // the notice itself, never empty
    std::string mode = "banner";  // "fullscreen" or "banner"
    int64_t created_at_ms = 0;
    int64_t expires_at_ms = 0;  // shown while created_at <= now < expires_at
    std::optional<int64_t> withdrawn_at_ms;
    bool active_at(int64_t now_ms) const { return !withdrawn_at_ms && now_ms < expires_at_ms; }
    // {"id","title","text","mode","created_at","expires_at"} (times in ms since the epoch)
    nlohmann::json to_json() const;
};

struct AlertRequest {
    std::string text;             // required, 1..500 characters
    std::string title;            // optional, up to 60 characters
    std::string mode = "banner";  // "fullscreen" | "banner"
    int minutes = 60;             // 1..10080 (a week)
};

// Reads POST /api/v1/alerts's body {"text", "title"?, "mode"?, "minutes"?}; errors name the field.
Result<AlertRequest> parse_alert_request(const nlohmann::json& body);

// The alert that takes the screen at now_ms: the newest active full-screen one, else the newest
// active banner; nullopt when none. Pure: the player asks it every frame.
std::optional<Alert> alert_on_screen(const std::vector<Alert>& alerts, int64_t now_ms);

struct Play {
    std::string item;  // item id
    std::string zone;  // zone id ("attract" for the touchscreen's loop)
    int64_t started_at_ms = 0;
    int64_t duration_ms = 0;
    int64_t version = 0;             // content version
    std::string outcome = "played";  // played, failed, hung
    nlohmann::json to_json() const;  // {"item","zone","started_at","duration_ms","version","outcome"}
};

// "since" for proof of play: milliseconds since the epoch, or ISO 8601 local time
// ("2026-11-25T08:00[:00]", optionally "Z" or "+08:00"). The error names the text.
Result<int64_t> parse_time_param(const std::string& text);

class SignageRecords {
public:
    explicit SignageRecords(Station& station) : station_(station) {}

    Result<Alert> create_alert(const AlertRequest& request, const std::string& actor);
    // Withdraws alert `id` (again: no change, same answer); the only error is "alert N: not found".
    Result<Alert> withdraw_alert(int64_t id, const std::string& actor);
    std::vector<Alert> active_alerts();  // active now, oldest first
    std::optional<Alert> find_alert(int64_t id);

    void record_play(const Play& play);                                   // logs and drops a storage error
    std::vector<Play> plays_since(int64_t since_ms, int limit = 10'000);  // oldest first

private:
    Station& station_;
};

}  // namespace station
