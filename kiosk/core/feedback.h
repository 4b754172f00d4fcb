// Feedback from residents at the kiosk: suggestions (意见建议) picked from preset topics and
// phrases, no typing, optionally with "请工作人员联系我", which creates a task for staff through
// the help desk (category consult, source "suggestion"); and ratings of the station's service
// (满意度评价, three faces).
//
// Events on station.events(), after the commit, never with personal data:
//   suggestion.created  {"suggestion": <to_json>}
//   station.rated       {"id", "score"}
//
// Threads: every method is thread-safe.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/result.h"

namespace station {

class Station;

// A topic residents can pick, with the phrases offered under it. The ids are stable ASCII; the
// labels and phrases are what the screen shows and what staff read.
struct SuggestionTopic {
    std::string id;                    // "environment"
    std::string label;                 // "环境卫生"
    std::vector<std::string> phrases;  // "楼道需要打扫", ...
};
const std::vector<SuggestionTopic>& suggestion_topics();
const SuggestionTopic* find_suggestion_topic(const std::string& id);

struct Suggestion {
    int64_t id = 0;
    std::string topic;                 // a suggestion_topics() id
    std::vector<std::string> phrases;  // picked from that topic's phrases
    bool contact_requested = false;
    int64_t help_request_id = 0;  // the staff task; 0 when no contact was requested
    int64_t at_ms = 0;
    // id, topic, topic_label, phrases, contact_requested, help_request_id (or null), at
    nlohmann::json to_json() const;
};

struct Rating {
    int64_t id = 0;
    int score = 0;  // 1 unhappy, 2 so-so, 3 happy
    int64_t at_ms = 0;
};

struct RatingSummary {
    int64_t count = 0;
    int64_t by_score[3] = {0, 0, 0};  // [0] = score 1
};

class Feedback {
public:
    explicit Feedback(Station& station);

    // The topic must be known and every phrase one of its phrases (at least one, none twice).
    // With contact_requested the help desk's call is made first; a failure there fails the whole
    // suggestion (nothing is stored). The error names the field.
    Result<Suggestion> suggest(const std::string& topic, const std::vector<std::string>& phrases,
                               bool contact_requested);
    Result<Rating> rate(int score);  // 1..3

    std::vector<Suggestion> suggestions_since(int64_t since_ms, int limit = 500);  // oldest first
    RatingSummary ratings_since(int64_t since_ms);

private:
    Station& station_;
};

}  // namespace station
