// Power schedule and brightness curve: pure functions of configuration and local time.
#include <algorithm>
#include <cctype>
#include <ctime>

#include "display/display.h"

namespace station::drivers {

namespace {

constexpr int kDay = 24 * 60;
constexpr const char* kDayNames[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

std::vector<std::string> split(std::string_view s, std::string_view separators) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || separators.find(s[i]) != std::string_view::npos) {
            auto part = trim(s.substr(start, i - start));
            if (!part.empty()) out.push_back(part);
            start = i + 1;
        }
    }
    return out;
}

// "HH:MM" → minutes; 24:00 allowed when `allow_24`.
std::optional<int> parse_clock(std::string_view s, bool allow_24) {
    if (s.size() != 5 || s[2] != ':') return std::nullopt;
    for (size_t i : {0u, 1u, 3u, 4u})
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24))) return std::nullopt;
    return h * 60 + m;
}

std::optional<int> day_index(std::string_view name) {
    for (int i = 0; i < 7; ++i)
        if (name == kDayNames[i]) return i;
    return std::nullopt;
}

Result<std::vector<int>> parse_days(const std::string& spec) {
    std::string lower = spec;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (lower == "daily") return std::vector<int>{0, 1, 2, 3, 4, 5, 6};
    std::vector<int> days;
    for (const auto& part : split(lower, ",")) {
        auto dash = part.find('-');
        auto first = day_index(part.substr(0, dash));
        auto last = dash == std::string::npos ? first : day_index(part.substr(dash + 1));
        if (!first || !last)
            return make_error(ErrorCode::InvalidArgument, "schedule.days", spec, "星期应为 mon..sun 或 daily days must be mon..sun or daily");
        for (int d = *first;; d = (d + 1) % 7) {
            days.push_back(d);
            if (d == *last) break;
        }
    }
    if (days.empty()) return make_error(ErrorCode::InvalidArgument, "schedule.days", spec, "缺少星期 no days named");
    return days;
}

}  // namespace

LocalTime to_local_time(std::chrono::system_clock::time_point when) {
    std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    localtime_r(&t, &tm);
    return LocalTime{(tm.tm_wday + 6) % 7, tm.tm_hour * 60 + tm.tm_min};
}

PowerSchedule PowerSchedule::always_on() {
    PowerSchedule s;
    for (auto& d : s.days) d = {OnInterval{0, kDay}};
    return s;
}

Result<PowerSchedule> PowerSchedule::parse(std::string_view text) {
    PowerSchedule schedule;
    for (const auto& entry : split(text, ";\n")) {
        auto space = entry.find_first_of(" \t");
        if (space == std::string::npos)
            return make_error(ErrorCode::InvalidArgument, "schedule", entry, "应为“星期 时段” expected 'days HH:MM-HH:MM'");
        auto days = parse_days(entry.substr(0, space));
        if (!days) return days.error();
        std::string ranges = trim(entry.substr(space));
        std::vector<OnInterval> intervals;
        if (ranges != "off") {
            for (const auto& range : split(ranges, ",")) {
                auto dash = range.find('-');
                std::optional<int> on, off;
                if (dash != std::string::npos) {
                    on = parse_clock(trim(range.substr(0, dash)), false);
                    off = parse_clock(trim(range.substr(dash + 1)), true);
                }
                if (!on || !off)
                    return make_error(ErrorCode::InvalidArgument, "schedule.range", range, "时段应为 HH:MM-HH:MM range must be HH:MM-HH:MM");
                if (*on == *off)
                    return make_error(ErrorCode::InvalidArgument, "schedule.range", range, "开关时间相同 on and off are equal");
                intervals.push_back({*on, *off});
            }
        }
        for (int d : *days) schedule.days[size_t(d)] = intervals;
    }
    return schedule;
}

bool power_on_at(const PowerSchedule& schedule, LocalTime t) {
    int day = ((t.weekday % 7) + 7) % 7;
    int minute = std::clamp(t.minute, 0, kDay - 1);
    for (const auto& iv : schedule.days[size_t(day)]) {
        if (iv.off > iv.on ? (minute >= iv.on && minute < iv.off) : minute >= iv.on) return true;
    }
    // Yesterday's intervals that run past midnight.
    for (const auto& iv : schedule.days[size_t((day + 6) % 7)])
        if (iv.off <= iv.on && minute < iv.off) return true;
    return false;
}

std::optional<int> minutes_until_change(const PowerSchedule& schedule, LocalTime t) {
    bool now = power_on_at(schedule, t);
    LocalTime probe = t;
    for (int step = 1; step <= 7 * kDay; ++step) {
        if (++probe.minute == kDay) {
            probe.minute = 0;
            probe.weekday = (probe.weekday + 1) % 7;
        }
        if (power_on_at(schedule, probe) != now) return step;
    }
    return std::nullopt;
}

Result<BrightnessCurve> BrightnessCurve::parse(std::string_view text) {
    BrightnessCurve curve;
    for (const auto& entry : split(text, ",;\n")) {
        auto eq = entry.find('=');
        auto minute = eq == std::string::npos ? std::nullopt : parse_clock(trim(entry.substr(0, eq)), false);
        if (!minute)
            return make_error(ErrorCode::InvalidArgument, "brightness", entry, "应为 HH:MM=百分比 expected HH:MM=percent");
        std::string value = trim(entry.substr(eq + 1));
        if (value.empty() || value.size() > 3 || !std::all_of(value.begin(), value.end(), ::isdigit) || std::stoi(value) > 100)
            return make_error(ErrorCode::InvalidArgument, "brightness.percent", value, "亮度应为 0–100 brightness must be 0..100");
        curve.points.push_back({*minute, std::stoi(value)});
    }
    std::sort(curve.points.begin(), curve.points.end(), [](auto& a, auto& b) { return a.minute < b.minute; });
    for (size_t i = 1; i < curve.points.size(); ++i)
        if (curve.points[i].minute == curve.points[i - 1].minute)
            return make_error(ErrorCode::InvalidArgument, "brightness", std::to_string(curve.points[i].minute / 60) + ":" +
                                  std::to_string(curve.points[i].minute % 60), "时间重复 time given twice");
    return curve;
}

int brightness_at(const BrightnessCurve& curve, int minute) {
    const auto& p = curve.points;
    if (p.empty()) return 100;
    if (p.size() == 1) return p[0].percent;
    minute = ((minute % kDay) + kDay) % kDay;
    // The point at or before `minute` (wrapping to the last one) and the one after it.
    size_t next = 0;
    while (next < p.size() && p[next].minute <= minute) ++next;
    const auto& a = p[(next + p.size() - 1) % p.size()];
    const auto& b = p[next % p.size()];
    int span = ((b.minute - a.minute) % kDay + kDay) % kDay;
    int into = ((minute - a.minute) % kDay + kDay) % kDay;
    if (span == 0) return a.percent;
    // Rounded linear interpolation.
    int delta = (b.percent - a.percent) * into;
    return a.percent + (delta >= 0 ? (delta + span / 2) / span : -((-delta + span / 2) / span));
}

DisplayScheduler::DisplayScheduler(DisplayBackend& backend, PowerSchedule schedule, BrightnessCurve curve)
    : backend_(backend), schedule_(std::move(schedule)), curve_(std::move(curve)) {}

Result<Ok> DisplayScheduler::tick(LocalTime now) {
    bool want_on = power_on_at(schedule_, now);
    if (power_ != want_on) {
        if (auto ok = backend_.set_power(want_on); !ok) {
            power_.reset();  // retry on the next tick
            return ok;
        }
        power_ = want_on;
        if (!want_on) brightness_.reset();  // re-apply after waking
    }
    if (want_on && backend_.supports_brightness()) {
        int want = brightness_at(curve_, now.minute);
        if (brightness_ != want) {
            if (auto ok = backend_.set_brightness(want); !ok) {
                brightness_.reset();
                return ok;
            }
            brightness_ = want;
        }
    }
    return Ok{};
}

}  // namespace station::drivers
