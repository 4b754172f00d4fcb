#include "content/schedule.h"

#include <algorithm>
#include <cstdio>

namespace station::content {

int LocalDateTime::weekday() const {
    // Days since 1970-01-01 (a Thursday), H. Hinnant's days_from_civil.
    int y = year - (month <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long days = static_cast<long>(era) * 146097 + doe - 719468;
    return static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday (3)
}

std::string LocalDateTime::date() const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
}

Result<LocalDateTime> parse_local_date_time(const std::string& text) {
    LocalDateTime t;
    char sep = 0, tail = 0;
    int n = std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d%c", &t.year, &t.month, &t.day, &sep, &t.hour, &t.minute,
                        &tail);
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (n != 6 || (sep != 'T' && sep != ' ') || t.month < 1 || t.month > 12 || t.day < 1 ||
        t.day > days[t.month - 1] || t.hour > 23 || t.hour < 0 || t.minute < 0 || t.minute > 59)
        return fail("time \"", text, "\": expected a local time like 2026-11-28T09:30");
    return t;
}

bool schedule_applies(const Schedule& s, const LocalDateTime& t) {
    std::string date = t.date();
    if (!s.from.empty() && date < s.from) return false;
    if (!s.until.empty() && date > s.until) return false;
    if (!(s.weekdays & (1u << t.weekday()))) return false;
    if (s.dayparts.empty()) return true;
    int minute = t.minute_of_day();
    return std::any_of(s.dayparts.begin(), s.dayparts.end(),
                       [&](const Daypart& p) { return minute >= p.start_minute && minute < p.end_minute; });
}

std::optional<Plan> plan_at(const ContentModel& content, const LocalDateTime& t) {
    const Schedule* best = nullptr;
    for (const auto& s : content.schedules)
        if (schedule_applies(s, t) && (!best || s.priority > best->priority)) best = &s;
    if (!best) return std::nullopt;
    const Layout* layout = content.find_layout(best->layout);
    if (!layout) return std::nullopt;  // parse_content guarantees it exists
    Plan plan{best->id, layout->id, {}};
    for (const auto& zone : layout->zones) {
        ZonePlan zp{zone.id, zone.kind, "", {}};
        auto assigned = best->zones.find(zone.id);
        if (assigned != best->zones.end()) {
            zp.playlist = assigned->second;
            if (const Playlist* playlist = content.find_playlist(assigned->second)) zp.items = playlist->items;
            if (zone.kind == ZoneKind::notices)
                std::stable_sort(zp.items.begin(), zp.items.end(), [&](const std::string& a, const std::string& b) {
                    return content.find_item(a)->priority > content.find_item(b)->priority;
                });
        }
        plan.zones.push_back(std::move(zp));
    }
    return plan;
}

}  // namespace station::content
