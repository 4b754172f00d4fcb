// Display backends: sysfs backlight, DDC/CI, HDMI-CEC, X11 DPMS.
#include <ddcutil_c_api.h>  // types only; the library is dlopen()ed
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <type_traits>
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
//
// libddcutil is loaded with dlopen when a DDC display is opened, not linked: at load time it
// scans /sys/class/drm and prints what it finds on stdout, which would land in every binary
// linking the drivers (and in `stationctl … --json` output).

namespace {

struct DdcApi {
    decltype(&ddca_create_dispno_display_identifier) create_dispno = nullptr;
    decltype(&ddca_free_display_identifier) free_identifier = nullptr;
    decltype(&ddca_get_display_ref) get_display_ref = nullptr;
    decltype(&ddca_open_display2) open_display = nullptr;
    decltype(&ddca_close_display) close_display = nullptr;
    decltype(&ddca_get_non_table_vcp_value) get_vcp = nullptr;
    decltype(&ddca_set_non_table_vcp_value) set_vcp = nullptr;
    decltype(&ddca_rc_desc) rc_desc = nullptr;
};

// Loads once per process; nullptr with `why` set when libddcutil is not installed.
const DdcApi* ddc_api(std::string& why) {
    static std::once_flag once;
    static DdcApi api;
    static bool loaded = false;
    static std::string failure;
    std::call_once(once, [] {
        // The library talks on stdout while loading: send that to stderr.
        std::fflush(stdout);
        int saved = dup(STDOUT_FILENO);
        if (saved >= 0) dup2(STDERR_FILENO, STDOUT_FILENO);
        void* lib = dlopen("libddcutil.so.4", RTLD_NOW | RTLD_LOCAL);
        std::fflush(stdout);
        if (saved >= 0) {
            dup2(saved, STDOUT_FILENO);
            close(saved);
        }
        if (!lib) {
            const char* err = dlerror();
            failure = err ? err : "dlopen failed";
            return;
        }
        auto sym = [&](auto& fn, const char* name) {
            fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
            return fn != nullptr;
        };
        loaded = sym(api.create_dispno, "ddca_create_dispno_display_identifier") &&
                 sym(api.free_identifier, "ddca_free_display_identifier") &&
                 sym(api.get_display_ref, "ddca_get_display_ref") && sym(api.open_display, "ddca_open_display2") &&
                 sym(api.close_display, "ddca_close_display") && sym(api.get_vcp, "ddca_get_non_table_vcp_value") &&
                 sym(api.set_vcp, "ddca_set_non_table_vcp_value") && sym(api.rc_desc, "ddca_rc_desc");
        if (!loaded) failure = "libddcutil lacks the 1.4 API";
    });
    why = failure;
    return loaded ? &api : nullptr;
}

Error ddc_error(const DdcApi& api, const char* what, DDCA_Status rc) {
    const char* desc = api.rc_desc(rc);
    return make_error(ErrorCode::Unavailable, "ddc", what, std::string("DDC/CI 不可用 DDC/CI not available: ") + (desc ? desc : "?"));
}

}  // namespace

Result<std::unique_ptr<DdcDisplay>> DdcDisplay::open(int display_number) {
    std::string why;
    const DdcApi* api = ddc_api(why);
    if (!api)
        return make_error(ErrorCode::Unavailable, "ddc", "libddcutil.so.4", "DDC/CI 不可用 DDC/CI not available: " + why);
    DDCA_Display_Identifier did = nullptr;
    if (auto rc = api->create_dispno(display_number, &did); rc != 0) return ddc_error(*api, "display number", rc);
    DDCA_Display_Ref ref = nullptr;
    auto rc = api->get_display_ref(did, &ref);
    api->free_identifier(did);
    if (rc != 0) return ddc_error(*api, "display", rc);
    DDCA_Display_Handle handle = nullptr;
    if (rc = api->open_display(ref, false, &handle); rc != 0) return ddc_error(*api, "open", rc);
    std::unique_ptr<DdcDisplay> display(new DdcDisplay());
    display->handle_ = handle;
    DDCA_Non_Table_Vcp_Value value{};
    if (api->get_vcp(handle, 0x10, &value) == 0) {
        int max = (value.mh << 8) | value.ml;
        if (max > 0) display->max_brightness_ = max;
    }
    display->health_.set(HealthState::Ok);
    return display;
}

DdcDisplay::~DdcDisplay() {
    std::string why;
    if (const DdcApi* api = ddc_api(why); api && handle_) api->close_display(static_cast<DDCA_Display_Handle>(handle_));
}

Result<Ok> DdcDisplay::set_power(bool on) {
    std::string why;
    const DdcApi* api = ddc_api(why);  // loaded: a DdcDisplay exists
    // VCP 0xD6 power mode: 01 on, 04 off.
    auto rc = api->set_vcp(static_cast<DDCA_Display_Handle>(handle_), 0xD6, 0, on ? 0x01 : 0x04);
    if (rc != 0) {
        health_.set(HealthState::Offline, "显示器无响应 monitor not answering DDC/CI");
        return make_error(ErrorCode::Io, "ddc.vcp_d6", on ? "01" : "04", api->rc_desc(rc));
    }
    health_.set(HealthState::Ok);
    return Ok{};
}

Result<Ok> DdcDisplay::set_brightness(int percent) {
    std::string why;
    const DdcApi* api = ddc_api(why);
    int value = (std::clamp(percent, 0, 100) * max_brightness_ + 50) / 100;
    auto rc = api->set_vcp(static_cast<DDCA_Display_Handle>(handle_), 0x10, uint8_t(value >> 8), uint8_t(value & 0xFF));
    if (rc != 0) {
        health_.set(HealthState::Degraded, "亮度无法设置 brightness not accepted");
        return make_error(ErrorCode::Io, "ddc.vcp_10", std::to_string(value), api->rc_desc(rc));
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
