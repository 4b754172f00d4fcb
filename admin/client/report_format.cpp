#include "admin/client/report_format.h"

#include <ctime>

#include <cstdio>

namespace station::admin {
namespace {

std::string cell(const nlohmann::json& value) {
    if (value.is_null()) return "";
    if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
    if (value.is_number()) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.3f", value.get<double>());
        return buffer;
    }
    return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string topics(const nlohmann::json& figures) {
    std::string out;
    for (const auto& [topic, count] : figures.value("suggestions_by_topic", nlohmann::json::object()).items())
        out += (out.empty() ? "" : ";") + topic + "=" + cell(count);
    return out;
}

std::string line(const std::string& day, const nlohmann::json& f, bool with_suggestions) {
    const nlohmann::json ratings = f.value("ratings", nlohmann::json::object());
    std::string out = day;
    for (const char* key : {"calls", "cancelled", "acknowledged", "ack_median_s", "ack_p90_s",
                            "within_sla_share", "satisfaction"})
        out += "," + cell(f.value(key, nlohmann::json()));
    for (const char* face : {"1", "2", "3"}) out += "," + cell(ratings.value(face, nlohmann::json(0)));
    if (with_suggestions) out += ",\"" + topics(f) + "\"";
    return out + "\n";
}

}  // namespace

std::string report_csv(const nlohmann::json& report) {
    bool with_suggestions = report.contains("total") && report["total"].contains("suggestions_by_topic");
    std::string out =
        "day,calls,cancelled,acknowledged,ack_median_s,ack_p90_s,within_sla_share,satisfaction,rating_1,"
        "rating_2,"
        "rating_3";
    out += with_suggestions ? ",suggestions\n" : "\n";
    for (const auto& day : report.value("days", nlohmann::json::array()))
        out += line(day.value("day", ""), day, with_suggestions);
    out += line("total", report.value("total", nlohmann::json::object()), with_suggestions);
    return out;
}

std::string report_number(const nlohmann::json& value, int decimals, bool percent) {
    if (!value.is_number()) return "-";
    double number = value.get<double>() * (percent ? 100 : 1);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f%s", decimals, number, percent ? "%" : "");
    return buffer;
}

std::string local_time_text(int64_t ms, const char* format) {
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm local{};
    localtime_r(&seconds, &local);
    char buffer[64];
    if (std::strftime(buffer, sizeof buffer, format, &local) == 0) return "";
    return buffer;
}

}  // namespace station::admin
