// HDMI-CEC through libcec 6's C++ interface (its C header does not compile as C++).
#include <libcec/cec.h>

#include <cstdio>

#include "display/display.h"

namespace station::drivers {

// ---- HDMI-CEC -----------------------------------------------------------------------------

Result<std::unique_ptr<CecDisplay>> CecDisplay::open(const std::string& port) {
    CEC::libcec_configuration config;
    config.Clear();
    config.clientVersion = CEC::LIBCEC_VERSION_CURRENT;
    std::snprintf(config.strDeviceName, sizeof config.strDeviceName, "Station");
    config.deviceTypes.Add(CEC::CEC_DEVICE_TYPE_RECORDING_DEVICE);
    config.bActivateSource = 0;
    CEC::ICECAdapter* connection = CECInitialise(&config);
    if (!connection)
        return make_error(ErrorCode::Unavailable, "cec", "libcec_initialise", "HDMI-CEC 库不可用 libcec could not start");
    std::string com = port;
    if (com.empty()) {
        CEC::cec_adapter_descriptor adapters[4];
        int8_t found = connection->DetectAdapters(adapters, 4, nullptr, true);
        if (found <= 0) {
            CECDestroy(connection);
            return make_error(ErrorCode::Unavailable, "cec", "adapter", "没有 HDMI-CEC 适配器 no HDMI-CEC adapter found");
        }
        com = adapters[0].strComName;
    }
    if (!connection->Open(com.c_str(), 5000)) {
        CECDestroy(connection);
        return make_error(ErrorCode::Unavailable, "cec", com, "无法打开 HDMI-CEC 适配器 cannot open HDMI-CEC adapter");
    }
    std::unique_ptr<CecDisplay> display(new CecDisplay());
    display->connection_ = connection;
    display->health_.set(HealthState::Ok);
    return display;
}

CecDisplay::~CecDisplay() {
    if (connection_) {
        auto* adapter = static_cast<CEC::ICECAdapter*>(connection_);
        adapter->Close();
        CECDestroy(adapter);
    }
}

Result<Ok> CecDisplay::set_power(bool on) {
    auto* adapter = static_cast<CEC::ICECAdapter*>(connection_);
    // Power on the TV (logical address 0); standby as a broadcast (15).
    bool ok = on ? adapter->PowerOnDevices(CEC::CECDEVICE_TV) : adapter->StandbyDevices(CEC::CECDEVICE_BROADCAST);
    if (!ok) {
        health_.set(HealthState::Offline, "电视无响应 TV not answering HDMI-CEC");
        return make_error(ErrorCode::Io, "cec", on ? "power on" : "standby", "HDMI-CEC 命令失败 CEC command failed");
    }
    health_.set(HealthState::Ok);
    return Ok{};
}

Result<Ok> CecDisplay::set_brightness(int) {
    return make_error(ErrorCode::Unavailable, "cec", "brightness", "HDMI-CEC 不能调节亮度 HDMI-CEC has no brightness control");
}

DeviceHealth CecDisplay::health() const { return health_.get(); }

}  // namespace station::drivers
