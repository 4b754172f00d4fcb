// X11 DPMS, alone in its file: Xlib's macros (None, Status, Bool) clash with other headers.
#include <X11/Xlib.h>
#include <X11/extensions/dpms.h>

#include "display/display.h"

namespace station::drivers {

// ---- X11 DPMS -----------------------------------------------------------------------------

Result<std::unique_ptr<DpmsDisplay>> DpmsDisplay::open(const std::string& display_name) {
    Display* dpy = XOpenDisplay(display_name.empty() ? nullptr : display_name.c_str());
    if (!dpy)
        return make_error(ErrorCode::Unavailable, "dpms", display_name.empty() ? "$DISPLAY" : display_name,
                          "无法连接 X 显示 cannot open X display");
    int event_base = 0, error_base = 0;
    if (!DPMSQueryExtension(dpy, &event_base, &error_base) || !DPMSCapable(dpy)) {
        XCloseDisplay(dpy);
        return make_error(ErrorCode::Unavailable, "dpms", display_name, "X 服务器不支持 DPMS X server lacks DPMS");
    }
    std::unique_ptr<DpmsDisplay> display(new DpmsDisplay());
    display->display_ = dpy;
    display->health_.set(HealthState::Ok);
    return display;
}

DpmsDisplay::~DpmsDisplay() {
    if (display_) XCloseDisplay(static_cast<Display*>(display_));
}

Result<Ok> DpmsDisplay::set_power(bool on) {
    auto* dpy = static_cast<Display*>(display_);
    DPMSEnable(dpy);
    DPMSForceLevel(dpy, on ? DPMSModeOn : DPMSModeOff);
    XSync(dpy, False);
    CARD16 level = 0;
    BOOL enabled = False;
    if (DPMSInfo(dpy, &level, &enabled) && level != (on ? DPMSModeOn : DPMSModeOff)) {
        health_.set(HealthState::Degraded, "DPMS 状态未改变 DPMS level did not change");
        return make_error(ErrorCode::Io, "dpms", on ? "on" : "off", "DPMS 状态未改变 DPMS level did not change");
    }
    health_.set(HealthState::Ok);
    return Ok{};
}

Result<Ok> DpmsDisplay::set_brightness(int) {
    return make_error(ErrorCode::Unavailable, "dpms", "brightness", "DPMS 不能调节亮度 DPMS has no brightness control");
}

DeviceHealth DpmsDisplay::health() const { return health_.get(); }

}  // namespace station::drivers
