// Display backends: sysfs backlight, DDC/CI, HDMI-CEC, X11 DPMS.
#include <ddcutil_c_api.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "display/display.h"

namespace station::drivers {

// ---- sysfs backlight ----------------------------------------------------------------------

Result<std::unique_ptr<SysfsBacklight>> SysfsBacklight::open(const std::string& directory) {
    std::ifstream in(directory + "/max_brightness");
    int max = 0;
    if (!in || !(in >> max))
        return make_error(ErrorCode::Unavailable, "backlight", directory,
                          "没有背光设备 no backlight here (max_brightness missing)");
    if (max <= 0) return make_error(ErrorCode::Format, "backlight.max_brightness", std::to_string(max), "最大亮度无效 invalid max_brightness");
    auto backlight = std::unique_ptr<SysfsBacklight>(new SysfsBacklight(directory, max));
    backlight->health_.set(HealthState::Ok);
    return backlight;
}

Result<Ok> SysfsBacklight::write(const char* file, int value) {
    std::string path = dir_ + "/" + file;
    std::ofstream out(path);
    if (out) out << value << '\n';
    if (!out) {
        Error e = make_error(ErrorCode::Io, "backlight", path, std::string("写入失败 write failed: ") + std::strerror(errno));
        health_.set(HealthState::Offline, "背光无法控制 backlight not writable");
        return e;
    }
    health_.set(HealthState::Ok);
    return Ok{};
}

Result<Ok> SysfsBacklight::set_power(bool on) { return write("bl_power", on ? 0 : 4); }  // FB_BLANK_UNBLANK / POWERDOWN

Result<Ok> SysfsBacklight::set_brightness(int percent) {
    percent = std::clamp(percent, 0, 100);
    int value = (percent * max_ + 50) / 100;
    if (percent > 0 && value == 0) value = 1;  // "on but dim" must not mean black
    return write("brightness", value);
}

DeviceHealth SysfsBacklight::health() const { return health_.get(); }

// ---- DDC/CI -------------------------------------------------------------------------------

namespace {

Error ddc_error(const char* what, DDCA_Status rc) {
    const char* desc = ddca_rc_desc(rc);
    return make_error(ErrorCode::Unavailable, "ddc", what, std::string("DDC/CI 不可用 DDC/CI not available: ") + (desc ? desc : "?"));
}

}  // namespace

Result<std::unique_ptr<DdcDisplay>> DdcDisplay::open(int display_number) {
    DDCA_Display_Identifier did = nullptr;
    if (auto rc = ddca_create_dispno_display_identifier(display_number, &did); rc != 0) return ddc_error("display number", rc);
    DDCA_Display_Ref ref = nullptr;
    auto rc = ddca_get_display_ref(did, &ref);
    ddca_free_display_identifier(did);
    if (rc != 0) return ddc_error("display", rc);
    DDCA_Display_Handle handle = nullptr;
    if (rc = ddca_open_display2(ref, false, &handle); rc != 0) return ddc_error("open", rc);
    std::unique_ptr<DdcDisplay> display(new DdcDisplay());
    display->handle_ = handle;
    DDCA_Non_Table_Vcp_Value value{};
    if (ddca_get_non_table_vcp_value(handle, 0x10, &value) == 0) {
        int max = (value.mh << 8) | value.ml;
        if (max > 0) display->max_brightness_ = max;
    }
    display->health_.set(HealthState::Ok);
    return display;
}

DdcDisplay::~DdcDisplay() {
    if (handle_) ddca_close_display(static_cast<DDCA_Display_Handle>(handle_));
}

Result<Ok> DdcDisplay::set_power(bool on) {
    // VCP 0xD6 power mode: 01 on, 04 off.
    auto rc = ddca_set_non_table_vcp_value(static_cast<DDCA_Display_Handle>(handle_), 0xD6, 0, on ? 0x01 : 0x04);
    if (rc != 0) {
        health_.set(HealthState::Offline, "显示器无响应 monitor not answering DDC/CI");
        return make_error(ErrorCode::Io, "ddc.vcp_d6", on ? "01" : "04", ddca_rc_desc(rc));
    }
    health_.set(HealthState::Ok);
    return Ok{};
}

Result<Ok> DdcDisplay::set_brightness(int percent) {
    int value = (std::clamp(percent, 0, 100) * max_brightness_ + 50) / 100;
    auto rc = ddca_set_non_table_vcp_value(static_cast<DDCA_Display_Handle>(handle_), 0x10, uint8_t(value >> 8),
                                           uint8_t(value & 0xFF));
    if (rc != 0) {
        health_.set(HealthState::Degraded, "亮度无法设置 brightness not accepted");
        return make_error(ErrorCode::Io, "ddc.vcp_10", std::to_string(value), ddca_rc_desc(rc));
    }
    health_.set(HealthState::Ok);
    return Ok{};
}

DeviceHealth DdcDisplay::health() const { return health_.get(); }

// ---- by config ----------------------------------------------------------------------------

Result<std::unique_ptr<DisplayBackend>> open_display_backend(const DisplayBackendConfig& config) {
    auto up = [](auto result) -> Result<std::unique_ptr<DisplayBackend>> {
        if (!result) return result.error();
        return std::unique_ptr<DisplayBackend>(std::move(*result));
    };
    if (config.kind == "sysfs") return up(SysfsBacklight::open(config.target.empty() ? "/sys/class/backlight/intel_backlight" : config.target));
    if (config.kind == "ddc") {
        int number = 1;
        if (!config.target.empty()) {
            if (!std::all_of(config.target.begin(), config.target.end(), ::isdigit) || config.target.size() > 3)
                return make_error(ErrorCode::InvalidArgument, "display.target", config.target, "DDC 显示器编号应为数字 display number must be digits");
            number = std::stoi(config.target);
        }
        return up(DdcDisplay::open(number));
    }
    if (config.kind == "cec") return up(CecDisplay::open(config.target));
    if (config.kind == "dpms") return up(DpmsDisplay::open(config.target));
    return make_error(ErrorCode::InvalidArgument, "display.kind", config.kind,
                      "显示控制方式应为 sysfs、ddc、cec 或 dpms kind must be sysfs, ddc, cec or dpms");
}

}  // namespace station::drivers
