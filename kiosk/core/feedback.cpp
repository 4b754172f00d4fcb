#include "kiosk/core/feedback.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "kiosk/core/help_desk.h"
#include "kiosk/core/station.h"

namespace station {

const std::vector<SuggestionTopic>& suggestion_topics() {
    static const std::vector<SuggestionTopic> topics = {
        {"environment", "环境卫生", {"楼道需要打扫", "垃圾分类点要整理", "绿化需要修剪", "路灯不亮"}},
        {"activities",
         "活动安排",
         {"希望多办健康讲座", "希望多办文艺活动", "活动时间不方便", "希望有手机课堂"}},
        {"service", "服务态度", {"工作人员很热情", "等候时间太长", "希望有人讲解", "希望延长开放时间"}},
        {"facilities", "设施设备", {"座椅不够", "需要老花镜", "卫生间需要改善", "屏幕字太小"}},
        {"safety", "安全出行", {"路面不平要修", "需要加装扶手", "电动车乱停放", "希望加强巡逻"}},
    };
    return topics;
}

const SuggestionTopic* find_suggestion_topic(const std::string& id) {
    for (const auto& topic : suggestion_topics())
        if (topic.id == id) return &topic;
    return nullptr;
}

nlohmann::json Suggestion::to_json() const {
    const SuggestionTopic* t = find_suggestion_topic(topic);
    return {{"id", id},
            {"topic", topic},
            {"topic_label", t ? t->label : topic},
            {"phrases", phrases},
            {"contact_requested", contact_requested},
            {"help_request_id", help_request_id ? nlohmann::json(help_request_id) : nlohmann::json()},
            {"at", at_ms}};
}

Feedback::Feedback(Station& station) : station_(station) {}

Result<Suggestion> Feedback::suggest(const std::string& topic, const std::vector<std::string>& phrases,
                                     bool contact_requested) {
    const SuggestionTopic* known = find_suggestion_topic(topic);
    if (!known) return Error{"topic: unknown topic '" + topic + "'"};
    if (phrases.empty()) return Error{"phrases: pick at least one phrase"};
    for (size_t i = 0; i < phrases.size(); ++i) {
        if (std::find(known->phrases.begin(), known->phrases.end(), phrases[i]) == known->phrases.end())
            return Error{"phrases[" + std::to_string(i) + "]: not a phrase of topic '" + topic + "'"};
        if (std::find(phrases.begin(), phrases.begin() + long(i), phrases[i]) != phrases.begin() + long(i))
            return Error{"phrases[" + std::to_string(i) + "]: picked twice"};
    }
    Suggestion s;
    s.topic = topic;
    s.phrases = phrases;
    s.contact_requested = contact_requested;
    if (contact_requested) {
        CallOptions call;
        call.category = "consult";
        call.source = "suggestion";
        auto request = station_.help_desk().call(call, Actor::resident());
        if (!request) return Error{"contact: 未能通知工作人员 staff could not be told: " + request.error()};
        s.help_request_id = request->id;
    }
    s.at_ms = station_.clock().now_ms();
    try {
        Database& db = station_.db();
        auto lock = db.lock();
        SQLite::Transaction tx(db.sql());
        SQLite::Statement insert(
            db.sql(),
            "INSERT INTO suggestions (topic, phrases, contact_requested, help_request_id, at_ms) "
            "VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, s.topic);
        insert.bind(2, nlohmann::json(s.phrases).dump());
        insert.bind(3, s.contact_requested ? 1 : 0);
        if (s.help_request_id)
            insert.bind(4, s.help_request_id);
        else
            insert.bind(4);
        insert.bind(5, s.at_ms);
        insert.exec();
        s.id = db.sql().getLastInsertRowid();
        Station::write_audit(db.sql(), s.at_ms, "resident", "suggestion.create", std::to_string(s.id),
                             {{"topic", s.topic}, {"contact_requested", s.contact_requested}});
        tx.commit();
    } catch (const std::exception& e) {
        spdlog::error("feedback: cannot save a suggestion: {}", e.what());
        return Error{std::string("storage: 建议未能保存 the suggestion could not be saved: ") + e.what()};
    }
    station_.events().publish({"suggestion.created", {{"suggestion", s.to_json()}}, s.at_ms});
    return s;
}

Result<Rating> Feedback::rate(int score) {
    if (score < 1 || score > 3) return Error{"score: must be 1, 2 or 3 (got " + std::to_string(score) + ")"};
    Rating r{0, score, station_.clock().now_ms()};
    try {
        Database& db = station_.db();
        auto lock = db.lock();
        SQLite::Transaction tx(db.sql());
        SQLite::Statement insert(db.sql(), "INSERT INTO station_ratings (score, at_ms) VALUES (?, ?)");
        insert.bind(1, score);
        insert.bind(2, r.at_ms);
        insert.exec();
        r.id = db.sql().getLastInsertRowid();
        Station::write_audit(db.sql(), r.at_ms, "resident", "station.rate", std::to_string(r.id),
                             {{"score", score}});
        tx.commit();
    } catch (const std::exception& e) {
        spdlog::error("feedback: cannot save a rating: {}", e.what());
        return Error{std::string("storage: 评价未能保存 the rating could not be saved: ") + e.what()};
    }
    station_.events().publish({"station.rated", {{"id", r.id}, {"score", score}}, r.at_ms});
    return r;
}

std::vector<Suggestion> Feedback::suggestions_since(int64_t since_ms, int limit) {
    std::vector<Suggestion> out;
    Database& db = station_.db();
    auto lock = db.lock();
    SQLite::Statement query(
        db.sql(),
        "SELECT id, topic, phrases, contact_requested, help_request_id, at_ms FROM suggestions "
        "WHERE at_ms >= ? ORDER BY at_ms, id LIMIT ?");
    query.bind(1, since_ms);
    query.bind(2, limit);
    while (query.executeStep()) {
        Suggestion s;
        s.id = query.getColumn(0).getInt64();
        s.topic = query.getColumn(1).getString();
        auto phrases = nlohmann::json::parse(query.getColumn(2).getString(), nullptr, false);
        if (phrases.is_array())
            for (const auto& p : phrases)
                if (p.is_string()) s.phrases.push_back(p.get<std::string>());
        s.contact_requested = query.getColumn(3).getInt() != 0;
        s.help_request_id = query.getColumn(4).isNull() ? 0 : query.getColumn(4).getInt64();
        s.at_ms = query.getColumn(5).getInt64();
        out.push_back(std::move(s));
    }
    return out;
}

RatingSummary Feedback::ratings_since(int64_t since_ms) {
    RatingSummary summary;
    Database& db = station_.db();
    auto lock = db.lock();
    SQLite::Statement query(db.sql(),
                            "SELECT score, COUNT(*) FROM station_ratings WHERE at_ms >= ? GROUP BY score");
    query.bind(1, since_ms);
    while (query.executeStep()) {
        int score = query.getColumn(0).getInt();
        int64_t n = query.getColumn(1).getInt64();
        if (score >= 1 && score <= 3) summary.by_score[score - 1] = n;
        summary.count += n;
    }
    return summary;
}

}  // namespace station
