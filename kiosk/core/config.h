// Station configuration, read from TOML (`--config FILE`). Every key has a default, so an empty
// file (or none) is a valid configuration. Unknown keys, wrong types and out-of-range values are
// errors that name file:line and the key; a bad file changes nothing.
//
// Example (all defaults shown in kiosk/station.example.toml):
//   [station]
//   name = "示范党群服务站"
//   [display]
//   dpi = 96
#pragma once
#include <filesystem>
#include <string>

#include "kiosk/core/result.h"

namespace station {

struct StationConfig {
    struct Station {
        std::string name = "示范党群服务站";   // shown on screens, tickets and notifications
        std::string id = "station-1";          // unique within a district; [A-Za-z0-9_-]
        std::string locale = "zh-CN";          // UI string catalogue
    } station;
    struct Display {
        double dpi = 0;                        // physical DPI of the touch display; 0 = ask SDL
        int touch_display = 0;                 // SDL display index for the touch window
        bool fullscreen = true;                // false behaves like --windowed at window_size
        int window_width = 1920;               // used when not full screen
        int window_height = 1080;
    } display;
    struct Ui {
        int idle_timeout_s = 90;               // no touch for this long: offer more time (>= 60)
    } ui;
    struct Api {
        std::string listen = "127.0.0.1:8600"; // HOST:PORT of the HTTP API; loopback by default
    } api;
    struct Data {
        std::string dir;                       // data folder; "" = $XDG_DATA_HOME/station
    } data;
    struct Log {
        std::string level = "info";            // trace, debug, info, warn, error
    } log;
};

// Reads and validates a config file. The error names "FILE:LINE: key 'a.b': problem".
Result<StationConfig> load_config(const std::filesystem::path& file);

// Parses config text (for tests); `file_name` is used in error messages.
Result<StationConfig> parse_config(const std::string& text, const std::string& file_name);

}  // namespace station
