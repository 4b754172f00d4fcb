#include "button/help_button.h"

#include <libevdev/libevdev.h>
#include <linux/input-event-codes.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace station::drivers {

bool Debouncer::accept(Clock::TimePoint now) {
    if (last_ && now - *last_ < hold_off_) return false;
    last_ = now;
    return true;
}

int help_key_code(const HelpButtonOptions& options) { return options.key_code > 0 ? options.key_code : KEY_F12; }

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

SerialHelpButton::SerialHelpButton(std::unique_ptr<Transport> transport, HelpButtonOptions options, Clock& clock)
    : transport_(std::move(transport)), options_(std::move(options)), clock_(clock), debouncer_(options_.debounce) {
    health_.set(HealthState::Ok);
}

Result<std::unique_ptr<SerialHelpButton>> SerialHelpButton::open(const std::string& uri, HelpButtonOptions options,
                                                                 Clock& clock) {
    if (options.token.empty())
        return make_error(ErrorCode::InvalidArgument, "button.token", "", "按钮信号为空 button token is empty");
    auto transport = open_transport(uri, SerialSettings{9600});
    if (!transport) return transport.error();
    return std::make_unique<SerialHelpButton>(std::move(*transport), std::move(options), clock);
}

int SerialHelpButton::feed(std::string_view bytes, const HelpPressed& on_press) {
    int accepted = 0;
    auto press = [&] {
        if (debouncer_.accept(clock_.now())) {
            ++accepted;
            if (on_press) on_press();
        }
    };
    for (char c : bytes) {
        if (options_.token.size() == 1) {
            if (c == options_.token[0]) press();
            continue;
        }
        if (c == '\r' || c == '\n') {
            if (equal_ignoring_case(line_, options_.token)) press();
            line_.clear();
            continue;
        }
        if (line_.size() < 64) line_ += c;  // noise cannot grow it without bound
    }
    return accepted;
}

Result<int> SerialHelpButton::poll(Millis timeout, const HelpPressed& on_press) {
    if (!transport_) return make_error(ErrorCode::InvalidArgument, "button", "transport", "没有连接 no transport");
    char buffer[256];
    auto got = transport_->read_some(std::span(reinterpret_cast<uint8_t*>(buffer), sizeof buffer), timeout);
    if (!got) {
        health_.set(HealthState::Offline, "求助按钮已断开 help button disconnected");
        return got.error();
    }
    health_.set(HealthState::Ok);
    return feed(std::string_view(buffer, *got), on_press);
}

DeviceHealth SerialHelpButton::health() const { return health_.get(); }

EvdevHelpButton::EvdevHelpButton(int fd, void* evdev, HelpButtonOptions options, Clock& clock)
    : fd_(fd), evdev_(evdev), options_(std::move(options)), clock_(clock), debouncer_(options_.debounce) {
    health_.set(HealthState::Ok);
}

EvdevHelpButton::~EvdevHelpButton() {
    if (auto* dev = static_cast<libevdev*>(evdev_)) {
        libevdev_grab(dev, LIBEVDEV_UNGRAB);
        libevdev_free(dev);
    }
    if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<EvdevHelpButton>> EvdevHelpButton::open(const std::string& path, HelpButtonOptions options,
                                                               Clock& clock) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        return make_error(err == ENOENT || err == ENODEV ? ErrorCode::Unavailable : ErrorCode::Io, "button", path,
                          std::string("无法打开求助按钮 cannot open help button: ") + std::strerror(err));
    }
    libevdev* dev = nullptr;
    if (int rc = libevdev_new_from_fd(fd, &dev); rc < 0) {
        ::close(fd);
        return make_error(ErrorCode::Unavailable, "button", path, std::string("不是输入设备 not an input device: ") + std::strerror(-rc));
    }
    int code = help_key_code(options);
    if (!libevdev_has_event_code(dev, EV_KEY, unsigned(code))) {
        libevdev_free(dev);
        ::close(fd);
        return make_error(ErrorCode::InvalidArgument, "button.key_code", std::to_string(code), "设备没有这个按键 device lacks this key");
    }
    libevdev_grab(dev, LIBEVDEV_GRAB);  // best effort: a button that also types is harmless
    return std::unique_ptr<EvdevHelpButton>(new EvdevHelpButton(fd, dev, std::move(options), clock));
}

bool EvdevHelpButton::feed_key(int code, int value) {
    if (code != help_key_code(options_) || value != 1) return false;
    return debouncer_.accept(clock_.now());
}

Result<int> EvdevHelpButton::poll(Millis timeout, const HelpPressed& on_press) {
    auto* dev = static_cast<libevdev*>(evdev_);
    pollfd p{fd_, POLLIN, 0};
    ::poll(&p, 1, int(timeout.count()));
    int accepted = 0;
    for (;;) {
        input_event ev{};
        int rc = libevdev_next_event(dev, LIBEVDEV_READ_FLAG_NORMAL, &ev);
        if (rc == LIBEVDEV_READ_STATUS_SYNC) {
            while (libevdev_next_event(dev, LIBEVDEV_READ_FLAG_SYNC, &ev) == LIBEVDEV_READ_STATUS_SYNC) {
            }
            continue;
        }
        if (rc == -EAGAIN) break;
        if (rc < 0) {
            health_.set(HealthState::Offline, "求助按钮已断开 help button disconnected");
            return make_error(rc == -ENODEV ? ErrorCode::Unplugged : ErrorCode::Io, "button", "read", std::strerror(-rc));
        }
        if (ev.type == EV_KEY && feed_key(ev.code, ev.value)) {
            ++accepted;
            if (on_press) on_press();
        }
    }
    health_.set(HealthState::Ok);
    return accepted;
}

DeviceHealth EvdevHelpButton::health() const { return health_.get(); }

}  // namespace station::drivers
