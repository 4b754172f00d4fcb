// The escalation ladder of help requests (nurse-call style: an unanswered call climbs).
//
//   EscalationLadder    the configured timings ([help] in the config)
//   next_escalation()   the next step one request will take and when: computed only from stored
//                       timestamps, so a restart resumes the ladder where it was
//   Escalation          a worker that sleeps until the next deadline (condition variable, no
//                       polling), then performs the steps through HelpDesk::escalate()/realert(),
//                       which commit, publish "help.escalated"/"help.realerted" and queue the
//                       webhooks; it also runs retention once an hour
//
// Ladder: not acknowledged level1_after → level 1 (louder re-alert on every console, staff group
// webhook); level2_after → level 2 (station head / street centre); acknowledged but nobody arrived
// realert_after after acknowledging (or after the last re-alert) → re-alert.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace station {

class Clock;
class EventBus;
class HelpDesk;
struct HelpRequest;

struct EscalationLadder {
    int64_t level1_after_ms = 60'000;
    int64_t level2_after_ms = 180'000;
    int64_t realert_after_ms = 600'000;
};

struct EscalationStep {
    enum class Kind { raise_level, realert } kind = Kind::raise_level;
    int64_t request_id = 0;
    int level = 0;          // raise_level: the level it reaches
    int64_t due_at_ms = 0;  // when it is due (station clock, ms since the epoch)
};

// The next step for `request`, or nullopt when none can come (closed, arrived, level 2 reached).
// A request whose first deadline has long passed jumps straight to the highest level due at `now_ms`.
std::optional<EscalationStep> next_escalation(const HelpRequest& request, const EscalationLadder& ladder,
                                              int64_t now_ms);

class Escalation {
public:
    Escalation(HelpDesk& desk, const Clock& clock, EventBus& events);
    ~Escalation();  // stops the worker

    void start();                               // starts the worker thread; idempotent
    void stop();                                // wakes and joins it; idempotent
    int run_due();                              // performs every step due now; returns how many; any thread
    std::optional<int64_t> next_deadline_ms();  // the earliest step over all open requests
    void wake();                                // recompute now (a new call, or a test moved the clock)

private:
    void work();
    HelpDesk& desk_;
    const Clock& clock_;
    EventBus& events_;
    int subscription_ = 0;
    std::mutex mutex_;  // guards stopping_ and woken_
    std::condition_variable changed_;
    bool stopping_ = false;
    bool woken_ = false;
    std::thread worker_;
    int64_t next_purge_ms_ = 0;  // worker thread only
    // When the worker will next look (INT64_MAX while it is computing): an event with an earlier
    // deadline wakes it, a later one need not.
    std::atomic<int64_t> planned_wake_ms_{INT64_MAX};
};

}  // namespace station
