// Physical help button (一键呼叫): a serial line that sends a token per press, or an evdev
// key (a USB HID button that types a key). Either way, one debounced "help pressed".
//
//  - Debouncer          accepts a press only after `hold_off` since the last accepted one
//  - SerialHelpButton   token lines over a Transport ("HELP\r\n" by default)
//  - EvdevHelpButton    a key code on /dev/input/event* (grabbed exclusively)
//
// One worker thread calls poll(); the callback runs on that thread, so it should only hand
// the press on (post an event), never block. health() from any thread.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/device.h"
#include "transport/transport.h"

namespace station::drivers {

using HelpPressed = std::function<void()>;

class Debouncer {
public:
    explicit Debouncer(Millis hold_off = Millis(500)) : hold_off_(hold_off) {}
    // True when a press at `now` counts (the first one, or hold_off after the last counted).
    bool accept(Clock::TimePoint now);

private:
    Millis hold_off_;
    std::optional<Clock::TimePoint> last_;
};

struct HelpButtonOptions {
    std::string token = "HELP";  // serial: a line equal to this (case-insensitive) is a press;
                                 // a one-character token counts every occurrence, no line end needed
    int key_code = 0;            // evdev: KEY_* code; 0 = KEY_F12 (0x58)
    Millis debounce{500};
};

class SerialHelpButton : public HealthSource {
public:
    // `clock` times the debounce; it must outlive the button. `transport` may be null when
    // only feed() is used (bytes arriving some other way).
    SerialHelpButton(std::unique_ptr<Transport> transport, HelpButtonOptions options = {},
                     Clock& clock = SystemClock::instance());
    static Result<std::unique_ptr<SerialHelpButton>> open(const std::string& uri, HelpButtonOptions options = {},
                                                          Clock& clock = SystemClock::instance());
    // Waits up to `timeout` for bytes; calls `on_press` once per debounced press; returns how
    // many presses were accepted (0 on timeout). Unplugged / Io errors from the transport.
    Result<int> poll(Millis timeout, const HelpPressed& on_press);
    // Feeds bytes directly (what poll() does with what it reads); returns presses accepted.
    int feed(std::string_view bytes, const HelpPressed& on_press);
    DeviceHealth health() const override;

private:
    std::unique_ptr<Transport> transport_;
    HelpButtonOptions options_;
    Clock& clock_;
    Debouncer debouncer_;
    std::string line_;
    HealthCell health_;
};

class EvdevHelpButton : public HealthSource {
public:
    static Result<std::unique_ptr<EvdevHelpButton>> open(const std::string& path, HelpButtonOptions options = {},
                                                         Clock& clock = SystemClock::instance());
    ~EvdevHelpButton() override;
    Result<int> poll(Millis timeout, const HelpPressed& on_press);
    // One key event (value 1 press, 0 release, 2 repeat); true when it was a counted press.
    bool feed_key(int code, int value);
    DeviceHealth health() const override;

private:
    EvdevHelpButton(int fd, void* evdev, HelpButtonOptions options, Clock& clock);
    int fd_;
    void* evdev_;  // struct libevdev*
    HelpButtonOptions options_;
    Clock& clock_;
    Debouncer debouncer_;
    HealthCell health_;
};

int help_key_code(const HelpButtonOptions& options);  // options.key_code or KEY_F12

}  // namespace station::drivers
