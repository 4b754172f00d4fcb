// The kiosk's report (GET /api/v1/reports, kiosk/core/reports.h) as CSV and as text, shared by
// `stationctl report` and station-admin's export.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace station::admin {

// Header, one line per day, then a "total" line. Columns: day, calls, cancelled, acknowledged,
// ack_median_s, ack_p90_s, within_sla_share, satisfaction, rating_1, rating_2, rating_3, and
// suggestions ("topic=n;topic=n") when the report has them. Empty cells for "no data".
std::string report_csv(const nlohmann::json& report);
// "-" for null, else the number with `decimals`; shares (0..1) as percent when `percent`.
std::string report_number(const nlohmann::json& value, int decimals, bool percent = false);
// A kiosk timestamp (ms since the epoch) in this machine's local time, with strftime's `format`.
std::string local_time_text(int64_t ms, const char* format);

}  // namespace station::admin
