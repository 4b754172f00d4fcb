#include "kiosk/core/signage.h"

#include <spdlog/spdlog.h>

#include <ctime>
#include <regex>

#include "kiosk/core/station.h"

namespace station {

namespace {

// Characters, not bytes: the limits are what a screen can show.
size_t utf8_length(const std::string& text) {
    size_t n = 0;
    for (unsigned char c : text) n += (c & 0xC0) != 0x80;
    return n;
}

Alert row_to_alert(SQLite::Statement& row) {
    Alert alert;
    alert.id = row.getColumn("id").getInt64();
    alert.title = row.getColumn("title").getString();
    alert.text = row.getColumn("text").getString();
    alert.mode = row.getColumn("mode").getString();
    alert.created_at_ms = row.getColumn("created_at_ms").getInt64();
    alert.expires_at_ms = row.getColumn("expires_at_ms").getInt64();
    if (!row.getColumn("withdrawn_at_ms").isNull())
        alert.withdrawn_at_ms = row.getColumn("withdrawn_at_ms").getInt64();
    return alert;
}

constexpr const char* kAlertColumns = "id, title, text, mode, created_at_ms, expires_at_ms, withdrawn_at_ms";

}  // namespace

nlohmann::json Alert::to_json() const {
    return {{"id", id},
            {"title", title},
            {"text", text},
            {"mode", mode},
            {"created_at", created_at_ms},
            {"expires_at", expires_at_ms}};
}

nlohmann::json Play::to_json() const {
    return {{"item", item},
            {"zone", zone},
            {"started_at", started_at_ms},
            {"duration_ms", duration_ms},
            {"version", version},
            {"outcome", outcome}};
}

Result<AlertRequest> parse_alert_request(const nlohmann::json& body) {
    AlertRequest request;
    if (!body.contains("text") || body["text"].is_null()) return Error{"text: required"};
    if (!body["text"].is_string()) return Error{"text: expected a string"};
    request.text = body["text"].get<std::string>();
    if (request.text.find_first_not_of(" \t\r\n") == std::string::npos)
        return Error{"text: must not be empty"};
    if (utf8_length(request.text) > 500)
        return Error{"text: at most 500 characters (got " + std::to_string(utf8_length(request.text)) + ")"};
    if (body.contains("title") && !body["title"].is_null()) {
        if (!body["title"].is_string()) return Error{"title: expected a string"};
        request.title = body["title"].get<std::string>();
        if (utf8_length(request.title) > 60)
            return Error{"title: at most 60 characters (got " + std::to_string(utf8_length(request.title)) +
                         ")"};
    }
    if (body.contains("mode") && !body["mode"].is_null()) {
        if (!body["mode"].is_string()) return Error{"mode: expected \"fullscreen\" or \"banner\""};
        request.mode = body["mode"].get<std::string>();
        if (request.mode != "fullscreen" && request.mode != "banner")
            return Error{"mode: expected \"fullscreen\" or \"banner\" (got \"" + request.mode + "\")"};
    }
    if (body.contains("minutes") && !body["minutes"].is_null()) {
        const auto& minutes = body["minutes"];
        if (!minutes.is_number_integer()) return Error{"minutes: expected a whole number of minutes"};
        int64_t value = minutes.get<int64_t>();
        if (value < 1 || value > 10080)
            return Error{"minutes: must be between 1 and 10080 (got " + std::to_string(value) + ")"};
        request.minutes = int(value);
    }
    return request;
}

std::optional<Alert> alert_on_screen(const std::vector<Alert>& alerts, int64_t now_ms) {
    const Alert* best = nullptr;
    for (const Alert& alert : alerts) {
        if (!alert.active_at(now_ms) || alert.created_at_ms > now_ms) continue;
        if (!best) {
            best = &alert;
            continue;
        }
        bool full = alert.mode == "fullscreen", best_full = best->mode == "fullscreen";
        if (full != best_full) {
            if (full) best = &alert;
        } else if (alert.created_at_ms > best->created_at_ms ||
                   (alert.created_at_ms == best->created_at_ms && alert.id > best->id)) {
            best = &alert;
        }
    }
    if (!best) return std::nullopt;
    return *best;
}

Result<int64_t> parse_time_param(const std::string& text) {
    static const std::regex digits("^[0-9]{1,15}$");
    if (std::regex_match(text, digits)) return int64_t(std::stoll(text));
    static const std::regex iso(
        R"(^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,3})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$)");
    std::smatch m;
    auto bad = [&text] {
        return Error{
            "since: expected milliseconds since the epoch or an ISO 8601 time such as "
            "2026-11-25T08:00:00 (got '" +
            text + "')"};
    };
    if (!std::regex_match(text, m, iso)) return bad();
    std::tm tm{};
    tm.tm_year = std::stoi(m[1]) - 1900;
    tm.tm_mon = std::stoi(m[2]) - 1;
    tm.tm_mday = std::stoi(m[3]);
    tm.tm_hour = std::stoi(m[4]);
    tm.tm_min = std::stoi(m[5]);
    tm.tm_sec = m[6].matched ? std::stoi(m[6]) : 0;
    if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
        tm.tm_sec > 60)
        return bad();
    int mday = tm.tm_mday;
    time_t seconds;
    if (m[7].matched) {
        seconds = timegm(&tm);
        std::string zone = m[7];
        if (zone != "Z") {
            std::string digits_only;
            for (char c : zone.substr(1))
                if (c != ':') digits_only += c;
            int offset =
                std::stoi(digits_only.substr(0, 2)) * 3600 + std::stoi(digits_only.substr(2, 2)) * 60;
            seconds -= zone[0] == '+' ? offset : -offset;
        }
    } else {
        tm.tm_isdst = -1;
        seconds = mktime(&tm);  // the station's local time
    }
    if (seconds == time_t(-1) || tm.tm_mday != mday) return bad();  // 2026-02-31 normalises: refuse
    return int64_t(seconds) * 1000;
}

Result<Alert> SignageRecords::create_alert(const AlertRequest& request, const std::string& actor) {
    Alert alert;
    alert.title = request.title;
    alert.text = request.text;
    alert.mode = request.mode;
    alert.created_at_ms = station_.clock().now_ms();
    alert.expires_at_ms = alert.created_at_ms + int64_t(request.minutes) * 60'000;
    try {
        auto lock = station_.db().lock();
        SQLite::Database& sql = station_.db().sql();
        SQLite::Transaction transaction(sql);
        SQLite::Statement insert(
            sql,
            "INSERT INTO alerts (title, text, mode, created_at_ms, expires_at_ms, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?)");
        insert.bind(1, alert.title);
        insert.bind(2, alert.text);
        insert.bind(3, alert.mode);
        insert.bind(4, alert.created_at_ms);
        insert.bind(5, alert.expires_at_ms);
        insert.bind(6, actor);
        insert.exec();
        alert.id = sql.getLastInsertRowid();
        Station::write_audit(sql, alert.created_at_ms, actor, "alert.create", std::to_string(alert.id),
                             {{"mode", alert.mode}, {"minutes", request.minutes}});
        transaction.commit();
    } catch (const std::exception& e) {
        return Error{std::string("storage: cannot save the alert: ") + e.what()};
    }
    spdlog::warn("signage: emergency notice {} ({}, {} min) from {}", alert.id, alert.mode, request.minutes,
                 actor);
    station_.events().publish({"alert.created", alert.to_json(), alert.created_at_ms});
    return alert;
}

std::optional<Alert> SignageRecords::find_alert(int64_t id) {
    auto lock = station_.db().lock();
    SQLite::Statement query(station_.db().sql(),
                            std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE id = ?");
    query.bind(1, id);
    if (!query.executeStep()) return std::nullopt;
    return row_to_alert(query);
}

Result<Alert> SignageRecords::withdraw_alert(int64_t id, const std::string& actor) {
    int64_t now = station_.clock().now_ms();
    Alert alert;
    bool changed = false;
    try {
        auto lock = station_.db().lock();
        SQLite::Database& sql = station_.db().sql();
        SQLite::Transaction transaction(sql);
        SQLite::Statement query(sql, std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE id = ?");
        query.bind(1, id);
        if (!query.executeStep()) return Error{"alert " + std::to_string(id) + ": not found"};
        alert = row_to_alert(query);
        if (!alert.withdrawn_at_ms) {
            SQLite::Statement update(sql,
                                     "UPDATE alerts SET withdrawn_at_ms = ?, withdrawn_by = ? WHERE id = ?");
            update.bind(1, now);
            update.bind(2, actor);
            update.bind(3, id);
            update.exec();
            alert.withdrawn_at_ms = now;
            Station::write_audit(sql, now, actor, "alert.withdraw", std::to_string(id), {});
            changed = true;
        }
        transaction.commit();
    } catch (const std::exception& e) {
        return Error{std::string("storage: cannot withdraw the alert: ") + e.what()};
    }
    if (changed) {
        spdlog::info("signage: emergency notice {} withdrawn by {}", id, actor);
        station_.events().publish({"alert.withdrawn", alert.to_json(), now});
    }
    return alert;
}

std::vector<Alert> SignageRecords::active_alerts() {
    int64_t now = station_.clock().now_ms();
    std::vector<Alert> alerts;
    try {
        auto lock = station_.db().lock();
        SQLite::Statement query(
            station_.db().sql(),
            std::string("SELECT ") + kAlertColumns +
                " FROM alerts WHERE withdrawn_at_ms IS NULL AND expires_at_ms > ? ORDER BY id");
        query.bind(1, now);
        while (query.executeStep()) alerts.push_back(row_to_alert(query));
    } catch (const std::exception& e) {
        spdlog::error("signage: cannot read alerts: {}", e.what());
    }
    return alerts;
}

void SignageRecords::record_play(const Play& play) {
    try {
        auto lock = station_.db().lock();
        SQLite::Statement insert(
            station_.db().sql(),
            "INSERT INTO plays (item, zone, started_at_ms, duration_ms, version, outcome) "
            "VALUES (?, ?, ?, ?, ?, ?)");
        insert.bind(1, play.item);
        insert.bind(2, play.zone);
        insert.bind(3, play.started_at_ms);
        insert.bind(4, std::max<int64_t>(0, play.duration_ms));
        insert.bind(5, play.version);
        insert.bind(6, play.outcome);
        insert.exec();
    } catch (const std::exception& e) {
        spdlog::error("signage: cannot record the play of {}: {}", play.item, e.what());
    }
}

std::vector<Play> SignageRecords::plays_since(int64_t since_ms, int limit) {
    std::vector<Play> plays;
    auto lock = station_.db().lock();
    SQLite::Statement query(station_.db().sql(),
                            "SELECT item, zone, started_at_ms, duration_ms, version, outcome FROM plays "
                            "WHERE started_at_ms >= ? ORDER BY started_at_ms, id LIMIT ?");
    query.bind(1, since_ms);
    query.bind(2, limit);
    while (query.executeStep()) {
        Play play;
        play.item = query.getColumn(0).getString();
        play.zone = query.getColumn(1).getString();
        play.started_at_ms = query.getColumn(2).getInt64();
        play.duration_ms = query.getColumn(3).getInt64();
        play.version = query.getColumn(4).getInt64();
        play.outcome = query.getColumn(5).getString();
        plays.push_back(std::move(play));
    }
    return plays;
}

}  // namespace station
