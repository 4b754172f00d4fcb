// Displays: when to be on and how bright (pure functions of config and local time), and
// backends that switch a real screen: sysfs backlight, DDC/CI (libddcutil), HDMI-CEC
// (libcec), X11 DPMS. Byte facts: ../shared/reference/DEVICES.md "Displays".
//
//  1. Time          LocalTime, to_local_time()
//  2. Schedule      PowerSchedule (+ parse), power_on_at(), minutes_until_change()
//  3. Brightness    BrightnessCurve (+ parse), brightness_at()
//  4. Backends      DisplayBackend; SysfsBacklight, DdcDisplay, CecDisplay, DpmsDisplay;
//                   open_display_backend() by config kind
//  5. Scheduler     DisplayScheduler applies 2 and 3 to a backend, only on change
//
// Backends: one worker thread per backend; health() from any thread. A backend whose
// library or hardware is absent fails to open with ErrorCode::Unavailable and says which.
#pragma once
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/device.h"

namespace station::drivers {

// ---- 1. Time ------------------------------------------------------------------------------

struct LocalTime {
    int weekday = 0;  // 0 Monday … 6 Sunday
    int minute = 0;   // minutes since local midnight, 0..1439
};
LocalTime to_local_time(std::chrono::system_clock::time_point when);  // via localtime_r (TZ)

// ---- 2. Power schedule --------------------------------------------------------------------

struct OnInterval {
    int on = 0;    // minute of day the screen turns on
    int off = 0;   // minute it turns off; ≤ on means it runs past midnight into the next day
};

struct PowerSchedule {
    std::array<std::vector<OnInterval>, 7> days;  // Monday first
    // Parses e.g. "mon-fri 07:30-20:00; sat,sun 09:00-17:00; daily 00:00-24:00; sun off".
    // Later entries replace earlier ones for the days they name. Errors name the entry.
    static Result<PowerSchedule> parse(std::string_view text);
    static PowerSchedule always_on();
};

bool power_on_at(const PowerSchedule& schedule, LocalTime t);
// Minutes until power_on_at() changes (1..10080), or nullopt when it never does.
std::optional<int> minutes_until_change(const PowerSchedule& schedule, LocalTime t);

// ---- 3. Brightness ------------------------------------------------------------------------

struct BrightnessPoint {
    int minute = 0;   // minute of day
    int percent = 0;  // 0..100
};

struct BrightnessCurve {
    std::vector<BrightnessPoint> points;  // sorted by minute
    // Parses e.g. "07:00=60, 12:00=100, 19:00=70, 22:00=30".
    static Result<BrightnessCurve> parse(std::string_view text);
};

// Linear between neighbouring points, wrapping past midnight; 100 with no points.
int brightness_at(const BrightnessCurve& curve, int minute);

// ---- 4. Backends --------------------------------------------------------------------------

class DisplayBackend : public HealthSource {
public:
    virtual const char* kind() const = 0;                    // "sysfs", "ddc", "cec", "dpms"
    virtual Result<Ok> set_power(bool on) = 0;
    virtual Result<Ok> set_brightness(int percent) = 0;      // Unavailable where unsupported
    virtual bool supports_brightness() const = 0;
};

// /sys/class/backlight/<name>: brightness 0..max_brightness, bl_power 0 on / 4 off.
class SysfsBacklight final : public DisplayBackend {
public:
    static Result<std::unique_ptr<SysfsBacklight>> open(const std::string& directory);
    const char* kind() const override { return "sysfs"; }
    Result<Ok> set_power(bool on) override;
    Result<Ok> set_brightness(int percent) override;  // rounds to the nearest step, ≥ 1 step when percent > 0
    bool supports_brightness() const override { return true; }
    int max_brightness() const { return max_; }
    DeviceHealth health() const override;

private:
    SysfsBacklight(std::string directory, int max) : dir_(std::move(directory)), max_(max) {}
    Result<Ok> write(const char* file, int value);
    std::string dir_;
    int max_;
    HealthCell health_;
};

// DDC/CI over I2C (libddcutil 1.4): VCP 0x10 brightness, VCP 0xD6 power mode (1 on, 4 off).
class DdcDisplay final : public DisplayBackend {
public:
    static Result<std::unique_ptr<DdcDisplay>> open(int display_number = 1);  // ddcutil's 1-based number
    ~DdcDisplay() override;
    const char* kind() const override { return "ddc"; }
    Result<Ok> set_power(bool on) override;
    Result<Ok> set_brightness(int percent) override;
    bool supports_brightness() const override { return true; }
    DeviceHealth health() const override;

private:
    DdcDisplay() = default;
    void* handle_ = nullptr;  // DDCA_Display_Handle
    int max_brightness_ = 100;
    HealthCell health_;
};

// HDMI-CEC (libcec 6): power on the TV (logical address 0), standby broadcast (15).
class CecDisplay final : public DisplayBackend {
public:
    static Result<std::unique_ptr<CecDisplay>> open(const std::string& port = {});  // {} = first adapter found
    ~CecDisplay() override;
    const char* kind() const override { return "cec"; }
    Result<Ok> set_power(bool on) override;
    Result<Ok> set_brightness(int percent) override;  // always Unavailable: CEC has no brightness
    bool supports_brightness() const override { return false; }
    DeviceHealth health() const override;

private:
    CecDisplay() = default;
    void* connection_ = nullptr;  // libcec_connection_t
    HealthCell health_;
};

// X11 DPMS: DPMSForceLevel on/off on `display_name` (e.g. ":0"; {} = $DISPLAY).
class DpmsDisplay final : public DisplayBackend {
public:
    static Result<std::unique_ptr<DpmsDisplay>> open(const std::string& display_name = {});
    ~DpmsDisplay() override;
    const char* kind() const override { return "dpms"; }
    Result<Ok> set_power(bool on) override;
    Result<Ok> set_brightness(int percent) override;  // always Unavailable
    bool supports_brightness() const override { return false; }
    DeviceHealth health() const override;

private:
    DpmsDisplay() = default;
    void* display_ = nullptr;  // Display*
    HealthCell health_;
};

struct DisplayBackendConfig {
    std::string kind;    // "sysfs", "ddc", "cec", "dpms"
    std::string target;  // sysfs folder; ddc display number; cec port; X display name
};
Result<std::unique_ptr<DisplayBackend>> open_display_backend(const DisplayBackendConfig& config);

// ---- 5. Scheduler -------------------------------------------------------------------------

// Applies a schedule and a curve to one backend; tick() as often as wanted (e.g. each
// minute): it only talks to the display when the wanted state changed or the last try failed.
class DisplayScheduler {
public:
    DisplayScheduler(DisplayBackend& backend, PowerSchedule schedule, BrightnessCurve curve);
    Result<Ok> tick(LocalTime now);
    std::optional<bool> applied_power() const { return power_; }
    std::optional<int> applied_brightness() const { return brightness_; }

private:
    DisplayBackend& backend_;
    PowerSchedule schedule_;
    BrightnessCurve curve_;
    std::optional<bool> power_;
    std::optional<int> brightness_;
};

}  // namespace station::drivers
