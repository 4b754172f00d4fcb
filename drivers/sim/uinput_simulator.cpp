// A virtual keyboard through uinput: the HID scanner / help key as the kernel would see it.
#include <libevdev/libevdev-uinput.h>
#include <libevdev/libevdev.h>
#include <linux/input-event-codes.h>

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "qr/qr_scanner.h"
#include "sim/simulator.h"

namespace station::drivers::sim {

Result<std::unique_ptr<UinputKeyboardSimulator>> UinputKeyboardSimulator::create(const std::string& name) {
    if (access("/dev/uinput", W_OK) != 0)
        return make_error(ErrorCode::Unavailable, "uinput", "/dev/uinput", std::string("没有 uinput no uinput here: ") + std::strerror(errno));
    libevdev* dev = libevdev_new();
    libevdev_set_name(dev, name.c_str());
    libevdev_enable_event_type(dev, EV_KEY);
    for (int code = KEY_ESC; code <= KEY_F12; ++code) libevdev_enable_event_code(dev, EV_KEY, unsigned(code), nullptr);
    libevdev_enable_event_code(dev, EV_KEY, KEY_KPENTER, nullptr);
    libevdev_uinput* uinput = nullptr;
    int rc = libevdev_uinput_create_from_device(dev, LIBEVDEV_UINPUT_OPEN_MANAGED, &uinput);
    libevdev_free(dev);
    if (rc < 0)
        return make_error(ErrorCode::Unavailable, "uinput", name, std::string("无法创建虚拟键盘 cannot create device: ") + std::strerror(-rc));
    std::unique_ptr<UinputKeyboardSimulator> sim(new UinputKeyboardSimulator());
    sim->device_ = uinput;
    usleep(50 * 1000);  // udev needs a moment before the event node can be opened
    return sim;
}

UinputKeyboardSimulator::~UinputKeyboardSimulator() {
    if (device_) libevdev_uinput_destroy(static_cast<libevdev_uinput*>(device_));
}

std::string UinputKeyboardSimulator::event_path() const {
    const char* node = libevdev_uinput_get_devnode(static_cast<libevdev_uinput*>(device_));
    return node ? node : "";
}

Result<Ok> UinputKeyboardSimulator::key(int key_code, int value) {
    auto* dev = static_cast<libevdev_uinput*>(device_);
    if (libevdev_uinput_write_event(dev, EV_KEY, unsigned(key_code), value) < 0 ||
        libevdev_uinput_write_event(dev, EV_SYN, SYN_REPORT, 0) < 0)
        return make_error(ErrorCode::Io, "uinput", std::to_string(key_code), "写入按键失败 cannot write key event");
    return Ok{};
}

Result<Ok> UinputKeyboardSimulator::type(std::string_view text, bool enter) {
    for (char c : text) {
        int code = -1;
        bool shift = false;
        for (int k = KEY_ESC; k <= KEY_SLASH && code < 0; ++k) {
            for (bool s : {false, true})
                if (auto ch = hid_key_char(k, s); ch && *ch == c) {
                    code = k;
                    shift = s;
                    break;
                }
        }
        if (code < 0 && c == ' ') code = KEY_SPACE;
        if (code < 0) return make_error(ErrorCode::InvalidArgument, "text", std::string(1, c), "美式键盘无法输入 not typeable on a US layout");
        if (shift) (void)key(KEY_LEFTSHIFT, 1);
        (void)key(code, 1);
        (void)key(code, 0);
        if (shift) (void)key(KEY_LEFTSHIFT, 0);
    }
    if (enter) {
        (void)key(KEY_ENTER, 1);
        return key(KEY_ENTER, 0);
    }
    return Ok{};
}

}  // namespace station::drivers::sim
