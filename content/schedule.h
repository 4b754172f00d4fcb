// The scheduler: a pure function of content and local time to what plays in each zone. The
// player asks it at item boundaries; `stationctl content schedule` prints it for editors.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "content/model.h"
#include "content/result.h"

namespace station::content {

struct LocalDateTime {
    int year = 2026, month = 1, day = 1;     // calendar date, month 1..12
    int hour = 0, minute = 0;                // local wall-clock time (the station's, Asia/Shanghai)
    int weekday() const;                     // 0 Monday .. 6 Sunday
    std::string date() const;                // "YYYY-MM-DD"
    int minute_of_day() const { return hour * 60 + minute; }
};

// Parses "YYYY-MM-DDTHH:MM" or "YYYY-MM-DD HH:MM"; the error names the text.
Result<LocalDateTime> parse_local_date_time(const std::string& text);

struct ZonePlan {
    std::string zone;                        // zone id
    ZoneKind kind = ZoneKind::media;
    std::string playlist;                    // playlist id; "" for clock and queue zones
    std::vector<std::string> items;          // item ids in play order (notices: priority first)
};

struct Plan {
    std::string schedule;                    // the schedule that won
    std::string layout;                      // its layout id
    std::vector<ZonePlan> zones;             // every zone of the layout, in layout order
};

// True when schedule s applies at t (date range, weekday, daypart).
bool schedule_applies(const Schedule& s, const LocalDateTime& t);
// The highest-priority applicable schedule's plan (ties: the earlier in the file); nullopt when
// no schedule applies (the kiosk then shows its built-in home content).
std::optional<Plan> plan_at(const ContentModel& content, const LocalDateTime& t);

}  // namespace station::content
