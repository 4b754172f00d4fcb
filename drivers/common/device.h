// Shared vocabulary of every driver in station::drivers.
//
//  - Error / Result<T>   errors as values: a code, the field and offending value, a message
//  - HealthState / DeviceHealth / HealthSource   ok / degraded / offline with a reason
//  - Clock / SystemClock  injectable time, so pacing (poll intervals, debounce) is testable
//  - Backoff              reconnect pacing for a device manager
//
// Nothing here throws; nothing here owns a thread.
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <variant>

namespace station::drivers {

// What went wrong, coarse enough for a device manager to decide (retry, reconnect, report).
enum class ErrorCode {
    InvalidArgument,  // the caller passed something unusable (bad URI, bad config)
    Unavailable,      // library or hardware not present on this machine
    Unplugged,        // device vanished (EIO, hang-up, connection closed)
    Io,               // other system call failure
    Timeout,          // no (complete) answer within the allowed time
    Checksum,         // frame arrived but its checksum is wrong
    Format,           // bytes do not follow the protocol / layout
    DeviceStatus,     // the device answered with a failure status (no card, paper out, ...)
};

const char* error_code_name(ErrorCode code);  // "timeout", "checksum", ... (stable, for logs/JSON)

struct Error {
    ErrorCode code = ErrorCode::Io;
    std::string field;    // what was being parsed or done, e.g. "sam.len", "card.id_number"
    std::string value;    // the offending value, printable (hex for bytes); never a raw ID number
    std::string message;  // a sentence for people; Chinese first where the kiosk may show it
    std::string describe() const;  // "field=value: message" in one line, for logs and stderr
};

// A value or an Error. Small on purpose (std::expected is C++23).
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }  // precondition: ok()
    const T& value() const { return std::get<0>(v_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<1>(v_); }  // precondition: !ok()

private:
    std::variant<T, Error> v_;
};

struct Ok {};  // Result<Ok> for operations that return nothing on success

inline Error make_error(ErrorCode code, std::string field, std::string value, std::string message) {
    return Error{code, std::move(field), std::move(value), std::move(message)};
}

std::string hex_bytes(const uint8_t* bytes, size_t count, size_t limit = 32);  // "AA AA 96 …"

// ---- Health -------------------------------------------------------------------------------

enum class HealthState { Ok, Degraded, Offline };
const char* health_state_name(HealthState state);  // "ok", "degraded", "offline"

struct DeviceHealth {
    HealthState state = HealthState::Offline;
    std::string reason;  // "" when ok; else Chinese then English, e.g. "纸将尽 paper near end"
    bool operator==(const DeviceHealth&) const = default;
};

// Every driver implements this. health() may be called from any thread (it reads a
// snapshot under a lock); it never touches the device.
class HealthSource {
public:
    virtual ~HealthSource() = default;
    virtual DeviceHealth health() const = 0;
};

// Thread-safe holder of the last known health, used inside drivers.
class HealthCell {
public:
    void set(HealthState state, std::string reason = {});
    DeviceHealth get() const;

private:
    mutable std::mutex mutex_;  // guards health_
    DeviceHealth health_;
};

// ---- Time ---------------------------------------------------------------------------------

// Monotonic time and sleeping, injectable. Implementations must be callable from the
// thread that owns the driver; SystemClock is safe from any thread.
class Clock {
public:
    using Duration = std::chrono::steady_clock::duration;
    using TimePoint = std::chrono::steady_clock::time_point;
    virtual ~Clock() = default;
    virtual TimePoint now() = 0;
    virtual void sleep_for(Duration duration) = 0;
};

class SystemClock final : public Clock {
public:
    TimePoint now() override;
    void sleep_for(Duration duration) override;
    static SystemClock& instance();  // process-wide instance, for drivers given no clock
};

// A clock that only moves when slept on or advanced: for tests and simulations.
class ManualClock final : public Clock {
public:
    TimePoint now() override;
    void sleep_for(Duration duration) override;  // advances time; records the total slept
    void advance(Duration duration);
    Duration total_slept() const;

private:
    mutable std::mutex mutex_;  // guards now_, slept_
    TimePoint now_{std::chrono::hours(1)};
    Duration slept_{};
};

// ---- Reconnect pacing ---------------------------------------------------------------------

// Delays between reopen attempts: first, doubling, capped. With the defaults a device that
// comes back is reopened within 2 s. Plain value type; one owner.
class Backoff {
public:
    explicit Backoff(std::chrono::milliseconds first = std::chrono::milliseconds(250),
                     std::chrono::milliseconds cap = std::chrono::milliseconds(2000))
        : first_(first), cap_(cap), next_(first) {}
    std::chrono::milliseconds next();  // the delay before the next attempt; then doubles
    void reset() { next_ = first_; }   // after a successful open

private:
    std::chrono::milliseconds first_, cap_, next_;
};

}  // namespace station::drivers
