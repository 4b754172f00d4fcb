// Reports for the street office: per local day, how many help calls came, how fast staff
// acknowledged them, the share answered within the SLA, residents' satisfaction and their
// suggestions by topic. Read-only over help_requests (whose counts survive retention) and, once
// the screens part's migration has created it, the suggestions table.
//
// Arithmetic (pinned by tests/kiosk/reports_test.cpp):
//   calls              every request whose service_day is the day (cancelled ones too)
//   time to acknowledge acknowledged_at - created_at, in seconds, over acknowledged requests;
//                      median: the middle value (the mean of the two middle ones for an even
//                      count); p90: nearest rank, the ceil(0.9 n)-th smallest
//   SLA                the escalation level-1 deadline, [help] level1_after_s. A request counts
//                      towards the share once its outcome is known: acknowledged (in time when
//                      ack time <= SLA), or never acknowledged and past the deadline (missed).
//                      Requests cancelled before the deadline without acknowledgement, and open
//                      ones still inside it, are left out.
//   satisfaction       ratings 1..3 (three faces): counts per face and their mean
//   suggestions        count per topic, by the local day of at_ms
//
// Threads: build_report() takes the database lock; safe from any thread.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/result.h"

namespace station {

class Station;

struct ReportFigures {
    int calls = 0;
    int cancelled = 0;
    int acknowledged = 0;
    std::optional<double> ack_median_s;  // none when nothing was acknowledged
    std::optional<double> ack_p90_s;
    int sla_counted = 0;                     // requests whose SLA outcome is known
    int within_sla = 0;                      // of those, acknowledged within the SLA
    std::optional<double> within_sla_share;  // within_sla / sla_counted, 0..1
    int ratings[3] = {0, 0, 0};              // faces 1 (unhappy), 2, 3 (happy)
    std::optional<double> satisfaction;      // mean rating 1..3; none without ratings
    std::map<std::string, int> suggestions_by_topic;
    nlohmann::json to_json(bool with_suggestions) const;
};

struct DayReport {
    std::string day;  // "YYYY-MM-DD", local
    ReportFigures figures;
};

struct Report {
    std::string from, to;  // inclusive local days
    int sla_s = 0;
    bool has_suggestions = false;    // the suggestions table exists on this station
    std::vector<DayReport> days;     // every day from..to, oldest first, empty days included
    ReportFigures total;             // over the whole range
    nlohmann::json to_json() const;  // {"from","to","sla_s","days":[{"day",...figures}],"total"}
};

// Checks "YYYY-MM-DD" (a real calendar date); the error names `field` and the value.
Result<std::string> parse_report_day(const std::string& field, const std::string& text);

// The report for from..to (inclusive, at most 366 days). Errors name the field ("from", "to").
Result<Report> build_report(Station& station, const std::string& from, const std::string& to);

// The arithmetic, for tests: median and nearest-rank percentile (p in 0..1) of unsorted values.
std::optional<double> median_of(std::vector<double> values);
std::optional<double> percentile_of(std::vector<double> values, double p);

}  // namespace station
