// QR scanners: serial (USB CDC) lines, HID keyboard-wedge through libevdev, and a camera
// through V4L2 + ZXing-cpp. Byte facts: ../shared/reference/DEVICES.md "QR scanners".
//
//  1. Payloads     validate_qr_payload(): length bound, UTF-8; QrLineDecoder (CR / CRLF / LF)
//  2. Serial       SerialQrScanner over a Transport
//  3. HID          hid_key_char() shift-aware US keymap; HidScanAssembler (key events → scans,
//                  Alt+numpad included); HidQrScanner (libevdev, exclusive grab)
//  4. Camera       decode_qr_luma() (ZXing); V4l2Camera; CameraQrScanner
//
// Every scanner: one worker thread calls next_scan(); health() from any thread. next_scan()
// returns the payload, or an Error: Timeout (nothing scanned in time), Format (a scan was
// rejected: too long, invalid UTF-8; the message says why), Unplugged / Io (device trouble).
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/device.h"
#include "transport/transport.h"

namespace station::drivers {

// ---- 1. Payloads --------------------------------------------------------------------------

inline constexpr size_t kDefaultMaxQrPayload = 2048;  // bytes; a QR symbol holds at most 2953

// Ok for 1..max_bytes bytes of well-formed UTF-8 without NUL; else Format naming "qr.payload".
Result<Ok> validate_qr_payload(std::string_view payload, size_t max_bytes = kDefaultMaxQrPayload);

// Splits a serial byte stream into scans: a line ends at CR, LF or CR LF (one end, not
// two); empty lines are ignored. A line longer than max_bytes is rejected once and its
// bytes dropped up to the next line end. One thread at a time.
class QrLineDecoder {
public:
    explicit QrLineDecoder(size_t max_bytes = kDefaultMaxQrPayload) : max_bytes_(max_bytes) {}
    void feed(std::span<const uint8_t> bytes);
    std::optional<Result<std::string>> next();  // a scan or a rejection; nullopt: need more
    size_t partial_size() const { return line_.size(); }

private:
    size_t max_bytes_;
    std::string line_;
    bool overlong_ = false;
    bool last_was_cr_ = false;
    std::deque<Result<std::string>> ready_;
};

// ---- 2. Serial ----------------------------------------------------------------------------

class SerialQrScanner : public HealthSource {
public:
    SerialQrScanner(std::unique_ptr<Transport> transport, size_t max_bytes = kDefaultMaxQrPayload);
    // Opens a CDC scanner such as /dev/ttyACM0 (115200 8N1; CDC ignores the rate).
    static Result<std::unique_ptr<SerialQrScanner>> open(const std::string& uri, size_t max_bytes = kDefaultMaxQrPayload);
    Result<std::string> next_scan(Millis timeout);
    DeviceHealth health() const override;

private:
    std::unique_ptr<Transport> transport_;
    QrLineDecoder decoder_;
    HealthCell health_;
};

// ---- 3. HID keyboard-wedge ----------------------------------------------------------------

// The character a US-layout key produces (Linux KEY_* codes), shift applied; nullopt for
// keys that type nothing (modifiers, function keys). Keypad digits map to digits.
std::optional<char> hid_key_char(int key_code, bool shift);

// Key events (code, value 1 press / 0 release / 2 repeat) → scans ending at Enter.
// Tracks both shifts and Caps Lock; Alt held while typing keypad digits enters the code
// point on Alt release (some scanners type Chinese that way), encoded as UTF-8.
class HidScanAssembler {
public:
    explicit HidScanAssembler(size_t max_bytes = kDefaultMaxQrPayload) : max_bytes_(max_bytes) {}
    std::optional<Result<std::string>> feed(int key_code, int value);
    void reset();  // forget the partial scan and modifier state (after dropped events)

private:
    size_t max_bytes_;
    std::string line_;
    bool left_shift_ = false, right_shift_ = false, caps_lock_ = false, alt_ = false;
    bool overlong_ = false;
    std::string alt_digits_;
};

// Reads /dev/input/event* (e.g. /dev/input/by-id/*-event-kbd) with libevdev and grabs it
// exclusively so scans never type into the kiosk window.
class HidQrScanner : public HealthSource {
public:
    // Unavailable when the node is missing, Io when it cannot be grabbed.
    static Result<std::unique_ptr<HidQrScanner>> open(const std::string& path, size_t max_bytes = kDefaultMaxQrPayload);
    ~HidQrScanner() override;
    Result<std::string> next_scan(Millis timeout);
    std::string device_name() const;  // as the kernel reports it
    DeviceHealth health() const override;

private:
    HidQrScanner(int fd, void* evdev, std::string path, size_t max_bytes);
    int fd_;
    void* evdev_;  // struct libevdev*
    std::string path_;
    HidScanAssembler assembler_;
    HealthCell health_;
};

// ---- 4. Camera ----------------------------------------------------------------------------

// Decodes a QR code in an 8-bit luminance image (ZXing-cpp, UTF-8 text). Format error with
// field "frame" when nothing decodes; field "qr.payload" when the payload fails
// validate_qr_payload().
Result<std::string> decode_qr_luma(const uint8_t* luma, int width, int height, int row_stride,
                                   size_t max_bytes = kDefaultMaxQrPayload);

struct LumaFrame {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> luma;  // width * height
};

// A V4L2 capture device (YUYV or GREY, memory-mapped buffers). One thread at a time.
class V4l2Camera {
public:
    // Unavailable when the device is missing or not a capture device.
    static Result<std::unique_ptr<V4l2Camera>> open(const std::string& path, int width = 640, int height = 480);
    ~V4l2Camera();
    V4l2Camera(const V4l2Camera&) = delete;
    V4l2Camera& operator=(const V4l2Camera&) = delete;
    Result<LumaFrame> grab(Millis timeout);  // next frame's luminance

private:
    V4l2Camera() = default;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class CameraQrScanner : public HealthSource {
public:
    // `clock` suppresses repeats: the same payload within `repeat_gap` is not reported again.
    CameraQrScanner(std::unique_ptr<V4l2Camera> camera, Millis repeat_gap = Millis(3000),
                    Clock& clock = SystemClock::instance(), size_t max_bytes = kDefaultMaxQrPayload);
    Result<std::string> next_scan(Millis timeout);
    DeviceHealth health() const override;

private:
    std::unique_ptr<V4l2Camera> camera_;
    Millis repeat_gap_;
    Clock& clock_;
    size_t max_bytes_;
    std::string last_payload_;
    Clock::TimePoint last_time_{};
    HealthCell health_;
};

}  // namespace station::drivers
