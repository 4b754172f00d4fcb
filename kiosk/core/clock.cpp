#include "kiosk/core/clock.h"

#include <ctime>

namespace station {

int64_t to_ms(TimePoint t) {
    return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}

TimePoint from_ms(int64_t ms) { return TimePoint(Millis(ms)); }

int64_t Clock::now_ms() const { return to_ms(now()); }

ManualClock::ManualClock(TimePoint start) : ms_(to_ms(start)) {}

TimePoint ManualClock::now() const { return from_ms(ms_.load()); }

void ManualClock::advance(Millis by) { ms_ += by.count(); }

void ManualClock::set(TimePoint to) { ms_ = to_ms(to); }

std::string format_local(TimePoint t, const char* strftime_format) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm local{};
    localtime_r(&seconds, &local);
    char buffer[128];
    size_t n = std::strftime(buffer, sizeof buffer, strftime_format, &local);
    return std::string(buffer, n);
}

}  // namespace station
