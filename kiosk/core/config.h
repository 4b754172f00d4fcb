// Station configuration, read from TOML (`--config FILE`). Every key has a default, so an empty
// file (or none) is a valid configuration. Unknown keys, wrong types and out-of-range values are
// errors that name file:line and the key; a bad file changes nothing.
//
// Example (all defaults shown in kiosk/station.example.toml):
//   [station]
//   name = "示范党群服务站"
//   [display]
//   dpi = 96
//   [help]
//   level1_after_s = 60
//   [[notify]]
//   kind = "wecom"
//   url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=..."
#pragma once
#include <filesystem>
#include <string>
#include <vector>

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
        // SDL display index of the public display (the station's content in its own window);
        // kPublicAuto: the first display that is not the touchscreen's; kPublicNone: none. While
        // no such display is connected the content runs on the touchscreen as its attract loop;
        // the window opens when the display is plugged in and closes on unplug. TOML: "auto",
        // "none" or an index.
        static constexpr int kPublicAuto = -2, kPublicNone = -1;
        int public_display = kPublicAuto;
        int public_window_width = 960;         // the public window's size when not full screen
        int public_window_height = 540;
        bool fullscreen = true;                // false behaves like --windowed at window_size
        int window_width = 1920;               // used when not full screen
        int window_height = 1080;
        // "auto": the GPU when this machine has one (/dev/dri render node), else SDL's software
        // renderer, which is lighter than a software OpenGL stack (llvmpipe); "software";
        // "accelerated".
        std::string renderer = "auto";
    } display;
    struct Ui {
        int idle_timeout_s = 90;               // no touch for this long: offer more time (>= 60)
    } ui;
    struct Api {
        std::string listen = "127.0.0.1:8600"; // HOST:PORT of the HTTP API; loopback by default
        bool allow_lan = false;                // true: listen may name a non-loopback address
        int token_ttl_h = 12;                  // a login token expires after this many hours
        // HTTPS: the server certificate and its private key, PEM files (a relative path is taken
        // from the config file's folder). Both set: the API serves HTTPS only; neither: plain HTTP.
        // One alone is an error; the files are checked before the kiosk starts (kiosk/api/tls_identity.h).
        std::string tls_cert;
        std::string tls_key;
    } api;
    struct Help {
        int level1_after_s = 60;               // not acknowledged this long: escalation level 1
        int level2_after_s = 180;              // not acknowledged this long: level 2 (> level1)
        int realert_after_s = 600;             // acknowledged, nobody arrived this long: re-alert
        int cancel_window_s = 15;              // a resident may cancel (按错了) this soon after calling
        int retention_days = 180;              // personal fields of closed requests kept this long
    } help;
    struct Notify {                            // one [[notify]] webhook
        std::string kind;                      // "wecom", "dingtalk" or "json"
        std::string url;                       // http:// or https:// robot URL
        std::string secret;                    // DingTalk 加签 secret (SEC...); "" = unsigned
        std::string format = "text";           // WeCom: "text" or "markdown"
        int level = 0;                         // told of calls at this escalation level or higher
    };
    std::vector<Notify> notify;
    struct Devices {                           // kiosk/core/devices.h; "" = no such device
        std::string printer;                   // "tcp://host:9100", "serial:///dev/ttyS0?baud=9600", "/dev/usb/lp0"
        std::string idcard;                    // SAM reader, e.g. "/dev/ttyUSB0" (115200 8N1)
        std::string qr;                        // serial (CDC) QR scanner, e.g. "/dev/ttyACM0"
        std::string button;                    // serial help button, e.g. "/dev/ttyUSB1"
        int paper_width_mm = 58;               // 58 or 80
        std::string printer_chinese = "native";  // "native" (GB18030) or "raster" (FreeType image)
        bool print_tickets = true;             // print a ticket for every help call
        std::string ticket_url;                // ticket QR = this + request id; "" = "station://<id>/requests/<n>"
        int status_poll_ms = 2000;             // how often an idle device is checked (paper, unplug)
    } devices;
    struct Content {                           // content packages (kiosk/core/content_service.h)
        std::vector<std::string> trusted_keys; // .pub files of editors whose packages are accepted
        std::string channel;                   // pull channel "http://host[:port]/path.json"; "" = no pull
        int poll_interval_s = 300;             // seconds between pulls (60..86400)
        int quota_mb = 0;                      // disk the blobs may use; 0 = no quota
        int keep_versions = 3;                 // versions kept for rollback (2..20)
        std::vector<std::string> usb_mounts = {"/media/*/", "/run/media/*/*/"};  // where sticks mount (glob)
    } content;
    struct DisplayPower {                      // the public display's power and brightness (display_power.h)
        std::string backend;                   // "sysfs", "ddc", "cec", "dpms"; "" = not controlled
        std::string target;                    // sysfs folder, DDC display number, CEC port, X display
        std::string schedule = "daily 00:00-24:00";  // e.g. "mon-fri 07:30-20:00; sat,sun 09:00-17:00"
        std::string brightness;                // e.g. "07:00=60, 12:00=100, 22:00=30"; "" = 100 %
    } display_power;
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
