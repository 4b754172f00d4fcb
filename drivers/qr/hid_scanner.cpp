// Keyboard-wedge scanners: US keymap, scan assembly, libevdev with an exclusive grab.
#include <libevdev/libevdev.h>
#include <linux/input-event-codes.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "common/text.h"
#include "qr/qr_scanner.h"

namespace station::drivers {

std::optional<char> hid_key_char(int code, bool shift) {
    struct Key {
        int code;
        char plain;
        char shifted;
    };
    static constexpr Key kKeys[] = {
        {KEY_1, '1', '!'}, {KEY_2, '2', '@'}, {KEY_3, '3', '#'}, {KEY_4, '4', '$'}, {KEY_5, '5', '%'},
        {KEY_6, '6', '^'}, {KEY_7, '7', '&'}, {KEY_8, '8', '*'}, {KEY_9, '9', '('}, {KEY_0, '0', ')'},
        {KEY_MINUS, '-', '_'}, {KEY_EQUAL, '=', '+'}, {KEY_TAB, '\t', '\t'},
        {KEY_Q, 'q', 'Q'}, {KEY_W, 'w', 'W'}, {KEY_E, 'e', 'E'}, {KEY_R, 'r', 'R'}, {KEY_T, 't', 'T'},
        {KEY_Y, 'y', 'Y'}, {KEY_U, 'u', 'U'}, {KEY_I, 'i', 'I'}, {KEY_O, 'o', 'O'}, {KEY_P, 'p', 'P'},
        {KEY_LEFTBRACE, '[', '{'}, {KEY_RIGHTBRACE, ']', '}'},
        {KEY_A, 'a', 'A'}, {KEY_S, 's', 'S'}, {KEY_D, 'd', 'D'}, {KEY_F, 'f', 'F'}, {KEY_G, 'g', 'G'},
        {KEY_H, 'h', 'H'}, {KEY_J, 'j', 'J'}, {KEY_K, 'k', 'K'}, {KEY_L, 'l', 'L'},
        {KEY_SEMICOLON, ';', ':'}, {KEY_APOSTROPHE, '\'', '"'}, {KEY_GRAVE, '`', '~'}, {KEY_BACKSLASH, '\\', '|'},
        {KEY_Z, 'z', 'Z'}, {KEY_X, 'x', 'X'}, {KEY_C, 'c', 'C'}, {KEY_V, 'v', 'V'}, {KEY_B, 'b', 'B'},
        {KEY_N, 'n', 'N'}, {KEY_M, 'm', 'M'}, {KEY_COMMA, ',', '<'}, {KEY_DOT, '.', '>'}, {KEY_SLASH, '/', '?'},
        {KEY_SPACE, ' ', ' '},
        {KEY_KP0, '0', '0'}, {KEY_KP1, '1', '1'}, {KEY_KP2, '2', '2'}, {KEY_KP3, '3', '3'}, {KEY_KP4, '4', '4'},
        {KEY_KP5, '5', '5'}, {KEY_KP6, '6', '6'}, {KEY_KP7, '7', '7'}, {KEY_KP8, '8', '8'}, {KEY_KP9, '9', '9'},
        {KEY_KPASTERISK, '*', '*'}, {KEY_KPMINUS, '-', '-'}, {KEY_KPPLUS, '+', '+'}, {KEY_KPDOT, '.', '.'},
        {KEY_KPSLASH, '/', '/'},
    };
    for (const Key& k : kKeys)
        if (k.code == code) return shift ? k.shifted : k.plain;
    return std::nullopt;
}

namespace {

std::optional<char> keypad_digit(int code) {
    switch (code) {
        case KEY_KP0: return '0';
        case KEY_KP1: return '1';
        case KEY_KP2: return '2';
        case KEY_KP3: return '3';
        case KEY_KP4: return '4';
        case KEY_KP5: return '5';
        case KEY_KP6: return '6';
        case KEY_KP7: return '7';
        case KEY_KP8: return '8';
        case KEY_KP9: return '9';
        default: return std::nullopt;
    }
}

bool is_letter_key(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::optional<Result<std::string>> HidScanAssembler::feed(int code, int value) {
    switch (code) {
        case KEY_LEFTSHIFT: left_shift_ = value != 0; return std::nullopt;
        case KEY_RIGHTSHIFT: right_shift_ = value != 0; return std::nullopt;
        case KEY_CAPSLOCK:
            if (value == 1) caps_lock_ = !caps_lock_;
            return std::nullopt;
        case KEY_LEFTALT:
        case KEY_RIGHTALT:
            if (value == 1) {
                alt_ = true;
                alt_digits_.clear();
            } else if (value == 0) {
                alt_ = false;
                if (!alt_digits_.empty()) {
                    // Alt + keypad digits: the code point typed in decimal.
                    unsigned long cp = alt_digits_.size() > 7 ? 0x110000 : std::stoul(alt_digits_);
                    alt_digits_.clear();
                    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) line_ += '\xFF';  // fails UTF-8 check
                    else line_ += u32_to_utf8(std::u32string(1, char32_t(cp)));
                }
            }
            return std::nullopt;
        default: break;
    }
    if (value != 1) return std::nullopt;  // releases and autorepeat type nothing
    if (alt_) {
        if (auto digit = keypad_digit(code)) alt_digits_ += *digit;
        return std::nullopt;
    }
    if (code == KEY_ENTER || code == KEY_KPENTER) {
        std::string line = std::move(line_);
        line_.clear();
        bool overlong = overlong_;
        overlong_ = false;
        if (overlong)
            return Result<std::string>(make_error(ErrorCode::Format, "qr.payload", "more than " + std::to_string(max_bytes_) + " bytes",
                                                  "扫码内容过长 scan longer than " + std::to_string(max_bytes_) + " bytes"));
        if (line.empty()) return std::nullopt;
        if (auto ok = validate_qr_payload(line, max_bytes_); !ok) return Result<std::string>(ok.error());
        return Result<std::string>(std::move(line));
    }
    bool shift = left_shift_ || right_shift_;
    auto c = hid_key_char(code, shift);
    if (!c) return std::nullopt;
    if (caps_lock_ && is_letter_key(*c)) c = shift ? char(*c + ('a' - 'A')) : char(*c - ('a' - 'A'));
    if (overlong_) return std::nullopt;
    line_ += *c;
    if (line_.size() > max_bytes_) {
        overlong_ = true;
        line_.clear();
    }
    return std::nullopt;
}

void HidScanAssembler::reset() {
    line_.clear();
    alt_digits_.clear();
    left_shift_ = right_shift_ = alt_ = overlong_ = false;
}

HidQrScanner::HidQrScanner(int fd, void* evdev, std::string path, size_t max_bytes)
    : fd_(fd), evdev_(evdev), path_(std::move(path)), assembler_(max_bytes) {
    health_.set(HealthState::Ok);
}

HidQrScanner::~HidQrScanner() {
    auto* dev = static_cast<libevdev*>(evdev_);
    if (dev) {
        libevdev_grab(dev, LIBEVDEV_UNGRAB);
        libevdev_free(dev);
    }
    if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<HidQrScanner>> HidQrScanner::open(const std::string& path, size_t max_bytes) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        return make_error(err == ENOENT || err == ENODEV ? ErrorCode::Unavailable : ErrorCode::Io, "hid", path,
                          std::string("无法打开扫码器 cannot open scanner: ") + std::strerror(err));
    }
    libevdev* dev = nullptr;
    if (int rc = libevdev_new_from_fd(fd, &dev); rc < 0) {
        ::close(fd);
        return make_error(ErrorCode::Unavailable, "hid", path, std::string("不是输入设备 not an input device: ") + std::strerror(-rc));
    }
    if (!libevdev_has_event_type(dev, EV_KEY)) {
        libevdev_free(dev);
        ::close(fd);
        return make_error(ErrorCode::Unavailable, "hid", path, "不是键盘设备 device has no keys");
    }
    // Exclusive grab: scans must not type into the kiosk window.
    if (int rc = libevdev_grab(dev, LIBEVDEV_GRAB); rc < 0) {
        libevdev_free(dev);
        ::close(fd);
        return make_error(ErrorCode::Io, "hid", path, std::string("无法独占扫码器 cannot grab device: ") + std::strerror(-rc));
    }
    return std::unique_ptr<HidQrScanner>(new HidQrScanner(fd, dev, path, max_bytes));
}

std::string HidQrScanner::device_name() const {
    const char* name = libevdev_get_name(static_cast<libevdev*>(evdev_));
    return name ? name : "";
}

Result<std::string> HidQrScanner::next_scan(Millis timeout) {
    auto* dev = static_cast<libevdev*>(evdev_);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        input_event ev{};
        int rc = libevdev_next_event(dev, LIBEVDEV_READ_FLAG_NORMAL, &ev);
        if (rc == LIBEVDEV_READ_STATUS_SYNC) {
            // Dropped events: resync and discard the partial scan it may have torn.
            while (libevdev_next_event(dev, LIBEVDEV_READ_FLAG_SYNC, &ev) == LIBEVDEV_READ_STATUS_SYNC) {
            }
            assembler_.reset();
            continue;
        }
        if (rc == LIBEVDEV_READ_STATUS_SUCCESS) {
            if (ev.type == EV_KEY)
                if (auto scan = assembler_.feed(ev.code, ev.value)) return std::move(*scan);
            continue;
        }
        if (rc != -EAGAIN) {
            health_.set(HealthState::Offline, "扫码器已断开 scanner disconnected");
            return make_error(rc == -ENODEV ? ErrorCode::Unplugged : ErrorCode::Io, "hid", path_,
                              std::string("读取扫码器失败 read failed: ") + std::strerror(-rc));
        }
        auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        if (left <= Millis(0)) return make_error(ErrorCode::Timeout, "qr", std::to_string(timeout.count()) + " ms", "没有扫码 no scan");
        pollfd p{fd_, POLLIN, 0};
        ::poll(&p, 1, int(left.count()));
    }
}

DeviceHealth HidQrScanner::health() const { return health_.get(); }

}  // namespace station::drivers
