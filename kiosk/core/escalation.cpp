#include "kiosk/core/escalation.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "kiosk/core/clock.h"
#include "kiosk/core/events.h"
#include "kiosk/core/help_desk.h"

namespace station {
namespace {

constexpr int64_t kPurgeEveryMs = 3'600'000;  // retention runs hourly; it is cheap and idempotent
constexpr int64_t kLongestSleepMs = 3'600'000;

}  // namespace

std::optional<EscalationStep> next_escalation(const HelpRequest& r, const EscalationLadder& ladder,
                                              int64_t now_ms) {
    using Kind = EscalationStep::Kind;
    if (r.state == HelpState::called) {
        if (r.escalation_level < 2) {
            int64_t level1_at = r.created_at_ms + ladder.level1_after_ms;
            int64_t level2_at = r.created_at_ms + ladder.level2_after_ms;
            if (r.escalation_level < 1 && now_ms < level2_at)
                return EscalationStep{Kind::raise_level, r.id, 1, level1_at};
            return EscalationStep{Kind::raise_level, r.id, 2, level2_at};
        }
        // Level 2 and still nobody: keep re-alerting at the re-alert interval.
        int64_t since = std::max(r.created_at_ms + ladder.level2_after_ms, r.last_realert_at_ms.value_or(0));
        return EscalationStep{Kind::realert, r.id, r.escalation_level, since + ladder.realert_after_ms};
    }
    if (r.state == HelpState::acknowledged && r.acknowledged_at_ms) {
        int64_t since = std::max(*r.acknowledged_at_ms, r.last_realert_at_ms.value_or(0));
        return EscalationStep{Kind::realert, r.id, r.escalation_level, since + ladder.realert_after_ms};
    }
    return std::nullopt;
}

Escalation::Escalation(HelpDesk& desk, const Clock& clock, EventBus& events)
    : desk_(desk), clock_(clock), events_(events) {}

Escalation::~Escalation() {
    stop();
}

void Escalation::start() {
    if (worker_.joinable()) return;
    {
        std::lock_guard<std::mutex> guard(mutex_);
        stopping_ = false;
    }
    // A help event whose request has a deadline before the worker's planned wake-up moves it
    // earlier; every other change can wait until then (a removed deadline just finds nothing due).
    subscription_ = events_.subscribe([this](const Event& event) {
        if (event.type.rfind("help.", 0) != 0) return;
        const auto next_at = event.data.value("/request/escalation/next_at"_json_pointer, nlohmann::json());
        if (next_at.is_number_integer() && next_at.get<int64_t>() < planned_wake_ms_.load()) wake();
    });
    worker_ = std::thread([this] { work(); });
}

void Escalation::stop() {
    if (!worker_.joinable()) return;
    events_.unsubscribe(subscription_);
    {
        std::lock_guard<std::mutex> guard(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    worker_.join();
}

void Escalation::wake() {
    {
        std::lock_guard<std::mutex> guard(mutex_);
        woken_ = true;
    }
    changed_.notify_all();
}

std::optional<int64_t> Escalation::next_deadline_ms() {
    int64_t now = clock_.now_ms();
    std::optional<int64_t> earliest;
    for (const HelpRequest& r : desk_.open_requests())
        if (auto step = next_escalation(r, desk_.ladder(), now))
            earliest = earliest ? std::min(*earliest, step->due_at_ms) : step->due_at_ms;
    return earliest;
}

int Escalation::run_due() {
    int64_t now = clock_.now_ms();
    int done = 0;
    for (const HelpRequest& r : desk_.open_requests()) {
        auto step = next_escalation(r, desk_.ladder(), now);
        if (!step || step->due_at_ms > now) continue;
        // A request changed by staff in between is refused by the transition table: that is fine.
        HelpResult result = step->kind == EscalationStep::Kind::raise_level
                                ? desk_.escalate(r.id, step->level)
                                : desk_.realert(r.id);
        if (result) {
            ++done;
            spdlog::warn("help: {} {} (not {} in time)", r.ticket,
                         step->kind == EscalationStep::Kind::raise_level
                             ? "escalated to level " + std::to_string(step->level)
                             : std::string("re-alerted"),
                         r.state == HelpState::called ? "acknowledged" : "arrived");
        }
    }
    return done;
}

void Escalation::work() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        woken_ = false;
        planned_wake_ms_ = INT64_MAX;  // until the new plan is known, every event wakes
        lock.unlock();
        std::optional<int64_t> next;
        try {
            run_due();
            int64_t now = clock_.now_ms();
            if (now >= next_purge_ms_) {
                desk_.purge_expired();
                next_purge_ms_ = now + kPurgeEveryMs;
            }
            next = next_deadline_ms();
        } catch (const std::exception& e) {  // a database error must not end the ladder: retry soon
            spdlog::error("help escalation: {}", e.what());
            next = clock_.now_ms() + 5'000;
            next_purge_ms_ = std::max(next_purge_ms_, *next);
        }
        int64_t now = clock_.now_ms();
        int64_t until = std::min(next.value_or(now + kLongestSleepMs), next_purge_ms_);
        int64_t sleep_ms = std::clamp<int64_t>(until - now, 0, kLongestSleepMs);
        planned_wake_ms_ = now + sleep_ms;
        lock.lock();
        if (sleep_ms > 0)
            changed_.wait_for(lock, std::chrono::milliseconds(sleep_ms),
                              [this] { return stopping_ || woken_; });
    }
}

}  // namespace station
