// Clock: the one source of wall time. Everything that waits (escalation, schedules, idle reset)
// takes a Clock so tests move time instead of sleeping (DESIGN.md, rule 6).
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace station {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;     // wall time; thread-safe
    int64_t now_ms() const;                // milliseconds since the Unix epoch, as stored in SQLite
};

class SystemClock final : public Clock {
public:
    TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
public:
    explicit ManualClock(TimePoint start = TimePoint(std::chrono::seconds(1'790'000'000)));
    TimePoint now() const override;
    void advance(Millis by);               // moves time forward
    void set(TimePoint to);                // jumps to a time

private:
    std::atomic<int64_t> ms_;              // milliseconds since the epoch
};

int64_t to_ms(TimePoint t);                // TimePoint -> ms since epoch
TimePoint from_ms(int64_t ms);             // ms since epoch -> TimePoint
std::string format_local(TimePoint t, const char* strftime_format);  // local time, e.g. "%H:%M"

}  // namespace station
