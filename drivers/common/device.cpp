#include "common/device.h"

#include <algorithm>
#include <cstdio>
#include <thread>

namespace station::drivers {

const char* error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::InvalidArgument: return "invalid_argument";
        case ErrorCode::Unavailable: return "unavailable";
        case ErrorCode::Unplugged: return "unplugged";
        case ErrorCode::Io: return "io";
        case ErrorCode::Timeout: return "timeout";
        case ErrorCode::Checksum: return "checksum";
        case ErrorCode::Format: return "format";
        case ErrorCode::DeviceStatus: return "device_status";
    }
    return "unknown";
}

std::string Error::describe() const {
    std::string out = error_code_name(code);
    if (!field.empty()) out += " " + field;
    if (!value.empty()) out += "=" + value;
    if (!message.empty()) out += ": " + message;
    return out;
}

std::string hex_bytes(const uint8_t* bytes, size_t count, size_t limit) {
    std::string out;
    char buf[4];
    for (size_t i = 0; i < count && i < limit; ++i) {
        std::snprintf(buf, sizeof buf, "%02X", bytes[i]);
        if (!out.empty()) out += ' ';
        out += buf;
    }
    if (count > limit) out += " …";
    return out;
}

const char* health_state_name(HealthState state) {
    switch (state) {
        case HealthState::Ok: return "ok";
        case HealthState::Degraded: return "degraded";
        case HealthState::Offline: return "offline";
    }
    return "offline";
}

void HealthCell::set(HealthState state, std::string reason) {
    std::lock_guard lock(mutex_);
    health_ = DeviceHealth{state, std::move(reason)};
}

DeviceHealth HealthCell::get() const {
    std::lock_guard lock(mutex_);
    return health_;
}

std::chrono::milliseconds Backoff::next() {
    auto delay = next_;
    next_ = std::min(cap_, next_ * 2);
    return delay;
}

Clock::TimePoint SystemClock::now() { return std::chrono::steady_clock::now(); }
void SystemClock::sleep_for(Duration duration) {
    if (duration > Duration::zero()) std::this_thread::sleep_for(duration);
}
SystemClock& SystemClock::instance() {
    static SystemClock clock;
    return clock;
}

Clock::TimePoint ManualClock::now() {
    std::lock_guard lock(mutex_);
    return now_;
}
void ManualClock::sleep_for(Duration duration) {
    if (duration <= Duration::zero()) return;
    std::lock_guard lock(mutex_);
    now_ += duration;
    slept_ += duration;
}
void ManualClock::advance(Duration duration) {
    std::lock_guard lock(mutex_);
    now_ += duration;
}
Clock::Duration ManualClock::total_slept() const {
    std::lock_guard lock(mutex_);
    return slept_;
}

}  // namespace station::drivers
