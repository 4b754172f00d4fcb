#include "kiosk/core/reports.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <regex>

#include "kiosk/core/station.h"

namespace station {
namespace {

constexpr int kMaxDays = 366;

std::optional<std::chrono::sys_days> to_sys_days(const std::string& day) {
    int y = 0;
    unsigned m = 0, d = 0;
    if (std::sscanf(day.c_str(), "%d-%u-%u", &y, &m, &d) != 3) return std::nullopt;
    std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days(ymd);
}

std::string day_text(std::chrono::sys_days days) {
    std::chrono::year_month_day ymd(days);
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()));
    return buffer;
}

// Per-request facts gathered before the arithmetic.
struct Samples {
    std::vector<double> ack_seconds;
    ReportFigures figures;
};

void finish(Samples& samples) {
    ReportFigures& f = samples.figures;
    f.acknowledged = static_cast<int>(samples.ack_seconds.size());
    f.ack_median_s = median_of(samples.ack_seconds);
    f.ack_p90_s = percentile_of(samples.ack_seconds, 0.9);
    if (f.sla_counted > 0) f.within_sla_share = double(f.within_sla) / f.sla_counted;
    int rated = f.ratings[0] + f.ratings[1] + f.ratings[2];
    if (rated > 0) f.satisfaction = double(f.ratings[0] * 1 + f.ratings[1] * 2 + f.ratings[2] * 3) / rated;
}

nlohmann::json optional_number(const std::optional<double>& value) {
    if (!value) return nullptr;
    return std::round(*value * 1000) / 1000;  // ms precision in seconds, three decimals in shares
}

bool table_exists(SQLite::Database& sql, const char* name) {
    SQLite::Statement query(sql, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    query.bind(1, name);
    return query.executeStep();
}

}  // namespace

std::optional<double> median_of(std::vector<double> values) {
    if (values.empty()) return std::nullopt;
    std::sort(values.begin(), values.end());
    size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::optional<double> percentile_of(std::vector<double> values, double p) {
    if (values.empty()) return std::nullopt;
    std::sort(values.begin(), values.end());
    auto rank = static_cast<size_t>(std::ceil(p * double(values.size())));
    return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

nlohmann::json ReportFigures::to_json(bool with_suggestions) const {
    nlohmann::json out = {{"calls", calls},
                          {"cancelled", cancelled},
                          {"acknowledged", acknowledged},
                          {"ack_median_s", optional_number(ack_median_s)},
                          {"ack_p90_s", optional_number(ack_p90_s)},
                          {"sla_counted", sla_counted},
                          {"within_sla", within_sla},
                          {"within_sla_share", optional_number(within_sla_share)},
                          {"ratings", {{"1", ratings[0]}, {"2", ratings[1]}, {"3", ratings[2]}}},
                          {"satisfaction", optional_number(satisfaction)}};
    if (with_suggestions) out["suggestions_by_topic"] = suggestions_by_topic;
    return out;
}

nlohmann::json Report::to_json() const {
    nlohmann::json list = nlohmann::json::array();
    for (const DayReport& day : days) {
        nlohmann::json entry = day.figures.to_json(has_suggestions);
        entry["day"] = day.day;
        list.push_back(entry);
    }
    return {{"from", from},
            {"to", to},
            {"sla_s", sla_s},
            {"days", list},
            {"total", total.to_json(has_suggestions)}};
}

Result<std::string> parse_report_day(const std::string& field, const std::string& text) {
    static const std::regex pattern(R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}$)");
    if (!std::regex_match(text, pattern) || !to_sys_days(text))
        return Error{field + ": expected a date YYYY-MM-DD (got \"" + text + "\")"};
    return text;
}

Result<Report> build_report(Station& station, const std::string& from, const std::string& to) {
    auto from_day = parse_report_day("from", from);
    if (!from_day) return from_day.error();
    auto to_day = parse_report_day("to", to);
    if (!to_day) return to_day.error();
    auto first = *to_sys_days(from), last = *to_sys_days(to);
    if (last < first) return Error{"to: " + to + " is before from " + from};
    if ((last - first).count() >= kMaxDays)
        return Error{"to: at most " + std::to_string(kMaxDays) + " days in one report"};

    Report report;
    report.from = from;
    report.to = to;
    report.sla_s = station.config().help.level1_after_s;
    const int64_t sla_ms = int64_t(report.sla_s) * 1000;
    const int64_t now_ms = station.clock().now_ms();

    std::map<std::string, Samples> by_day;
    for (auto day = first; day <= last; day += std::chrono::days(1)) by_day[day_text(day)];
    Samples total;

    auto lock = station.db().lock();
    SQLite::Database& sql = station.db().sql();
    SQLite::Statement query(
        sql,
        "SELECT service_day, state, created_at_ms, acknowledged_at_ms, closed_at_ms, rating "
        "FROM help_requests WHERE service_day BETWEEN ? AND ?");
    query.bind(1, from);
    query.bind(2, to);
    while (query.executeStep()) {
        Samples& day = by_day[query.getColumn(0).getString()];
        std::string state = query.getColumn(1).getString();
        int64_t created = query.getColumn(2).getInt64();
        std::optional<int64_t> acknowledged, closed;
        if (!query.getColumn(3).isNull()) acknowledged = query.getColumn(3).getInt64();
        if (!query.getColumn(4).isNull()) closed = query.getColumn(4).getInt64();
        for (Samples* samples : {&day, &total}) {
            ReportFigures& f = samples->figures;
            ++f.calls;
            if (state == "cancelled") ++f.cancelled;
            if (acknowledged) {
                samples->ack_seconds.push_back(double(*acknowledged - created) / 1000);
                ++f.sla_counted;
                if (*acknowledged - created <= sla_ms) ++f.within_sla;
            } else {
                // Not acknowledged: missed once the deadline passed while it was still open.
                int64_t open_until = closed.value_or(now_ms);
                if (open_until - created > sla_ms) ++f.sla_counted;
            }
            if (!query.getColumn(5).isNull()) {
                int rating = query.getColumn(5).getInt();
                if (rating >= 1 && rating <= 3) ++f.ratings[rating - 1];
            }
        }
    }

    report.has_suggestions = table_exists(sql, "suggestions");
    if (report.has_suggestions) {
        // Local days: a day's span in ms is not fixed across the year, so read a margin and sort
        // each row by its own local day.
        int64_t range_start_ms = to_ms(TimePoint(first)) - 86'400'000;
        int64_t range_end_ms = to_ms(TimePoint(last + std::chrono::days(1))) + 86'400'000;
        SQLite::Statement topics(sql, "SELECT topic, at_ms FROM suggestions WHERE at_ms BETWEEN ? AND ?");
        topics.bind(1, range_start_ms);
        topics.bind(2, range_end_ms);
        while (topics.executeStep()) {
            std::string day = format_local(from_ms(topics.getColumn(1).getInt64()), "%Y-%m-%d");
            auto entry = by_day.find(day);
            if (entry == by_day.end()) continue;
            std::string topic = topics.getColumn(0).getString();
            ++entry->second.figures.suggestions_by_topic[topic];
            ++total.figures.suggestions_by_topic[topic];
        }
    }

    for (auto& [day, samples] : by_day) {
        if (day < from || day > to) continue;
        finish(samples);
        report.days.push_back({day, samples.figures});
    }
    finish(total);
    report.total = total.figures;
    return report;
}

}  // namespace station
