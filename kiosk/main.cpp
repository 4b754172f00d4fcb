// station-kiosk: the touch kiosk and public display of one 党群服务站, or (--headless) just the
// station's services. See README.md for the flags and kiosk/station.example.toml for the config.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <regex>

#include "kiosk/api/api_server.h"
#include "kiosk/api/webhook_transport.h"
#include "content/crypto.h"
#include "kiosk/core/catalogue.h"
#include "kiosk/core/config.h"
#include "kiosk/core/data_dir.h"
#include "kiosk/core/log.h"
#include "kiosk/core/signage_demo.h"
#include "kiosk/core/station.h"
#include "kiosk/ui/audit.h"
#include "kiosk/ui/kiosk_window.h"
#include "kiosk/ui/offscreen.h"
#include "kiosk/ui/offscreen_capture.h"
#include "kiosk/ui/screen.h"

namespace {

constexpr int kExitBadInput = 2;  // bad flags, config or screen name: nothing was created
constexpr int kExitFailure = 1;   // the data folder, database or renderer failed

struct Size {
    int width = 0, height = 0;
};

std::optional<Size> parse_size(const std::string& text) {
    static const std::regex pattern("^([0-9]{3,5})x([0-9]{3,5})$");
    std::smatch m;
    if (!std::regex_match(text, m, pattern)) return std::nullopt;
    Size size{std::stoi(m[1]), std::stoi(m[2])};
    if (size.width < 320 || size.height < 240 || size.width > 16384 || size.height > 16384)
        return std::nullopt;
    return size;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

// Blocked before any thread starts, so every thread inherits the mask and a SIGTERM that comes
// while the services are still starting waits for sigwait() instead of killing the process.
sigset_t stop_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    return signals;
}

int run_headless(station::Station& station) {
    sigset_t signals = stop_signals();
    spdlog::info("station services running headless for '{}'; stop with SIGTERM",
                 station.config().station.id);
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("stopping on signal {}", received);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"station-kiosk: touch kiosk and public display for a 党群服务站"};
    app.set_version_flag("--version", "station-kiosk 0.1.0");
    std::string config_file, data_dir, windowed, screenshot, screen = "home", size_text = "1920x1080";
    std::string log_level, api_address;
    std::vector<std::string> trust_keys;
    bool demo = false, headless = false, audit = false;
    double dpi = 0;
    app.add_option("--config", config_file, "Configuration file (TOML); every key has a default")
        ->check(CLI::ExistingFile);
    app.add_option("--data", data_dir, "Data folder (default: $XDG_DATA_HOME/station)");
    app.add_flag("--demo", demo, "Demo mode: simulated devices, demo content, staff account demo/2468");
    app.add_flag("--headless", headless, "Run the station's services with no window");
    app.add_option("--windowed", windowed, "Open a WxH window instead of full screen (development)");
    app.add_option("--screenshot", screenshot, "Render --screen at --size to this PNG file and exit");
    app.add_option("--screen", screen, "Screen to show or render (default: home)");
    app.add_option("--size", size_text, "Size for --screenshot, WxH (default: 1920x1080)");
    app.add_option("--api", api_address, "Serve the HTTP API on HOST:PORT (default: config api.listen)");
    app.add_option("--trust-key", trust_keys,
                   "Trust content packages signed with this public key (.pub; repeatable), besides config "
                   "content.trusted_keys");
    app.add_option("--dpi", dpi, "Physical DPI of the touch display (default: config, else the display's)")
        ->check(CLI::Range(40.0, 600.0));
    app.add_option("--log-level", log_level, "trace, debug, info, warn or error (default: config, info)")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
    app.get_option("--headless")->excludes(app.get_option("--screenshot"));
    app.add_flag("--audit", audit,
                 "Render every screen and state at --size and --dpi on the demo data (in a temporary data "
                 "folder), print each breach of the design floors and a summary; exit 1 on any")
        ->excludes(app.get_option("--headless"))
        ->excludes(app.get_option("--screenshot"));

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "station-kiosk: %s\n\n%s", e.what(), app.help().c_str());
        return kExitBadInput;
    }

    // Everything is validated before anything is created.
    station::StationConfig config;
    if (!config_file.empty()) {
        auto loaded = station::load_config(config_file);
        if (!loaded) {
            std::fprintf(stderr, "station-kiosk: %s\n", loaded.error().message.c_str());
            return kExitBadInput;
        }
        config = *loaded;
    }
    station::setup_logging(log_level.empty() ? config.log.level : log_level);

    std::vector<std::string> screens = station::ui::screen_names();
    if (std::find(screens.begin(), screens.end(), screen) == screens.end()) {
        spdlog::error("unknown screen '{}'; valid screens: {}", screen, join(screens));
        return kExitBadInput;
    }
    auto size = parse_size(size_text);
    if (!size) {
        spdlog::error("--size: expected WxH such as 1920x1080 or 1080x1920 (got '{}')", size_text);
        return kExitBadInput;
    }
    std::optional<Size> window_size;
    if (!windowed.empty() && !(window_size = parse_size(windowed))) {
        spdlog::error("--windowed: expected WxH such as 1280x720 (got '{}')", windowed);
        return kExitBadInput;
    }
    if (!api_address.empty() && !station::api::split_host_port(api_address)) {
        spdlog::error("--api: expected HOST:PORT such as 127.0.0.1:8600 (got '{}')", api_address);
        return kExitBadInput;
    }
    if (auto tls = station::api::load_tls_identity(config.api); !tls) {  // HTTPS: cert and key usable
        spdlog::error("{}: {}", config_file.empty() ? "config" : config_file, tls.error().message);
        return kExitBadInput;
    }
    for (const auto& key : trust_keys) {
        if (auto pub = station::content::read_public_key(key); !pub) {
            spdlog::error("--trust-key {}: {}", key, pub.error().message);
            return kExitBadInput;
        }
    }
    if (audit && !demo) {
        spdlog::error("--audit needs --demo: it audits the screens on the demo data, never a station's own");
        return kExitBadInput;
    }
    auto catalogue = station::Catalogue::embedded(config.station.locale);
    if (!catalogue) {
        spdlog::error("{}: key 'station.locale': {}", config_file.empty() ? "config" : config_file,
                      catalogue.error().message);
        return kExitBadInput;
    }
    station::set_active_catalogue(*catalogue);

    station::StationOptions options;
    options.config = config;
    options.data_dir = station::resolve_data_dir(data_dir, config.data.dir);
    // The audit makes help calls to show the help screen's states: never in a real data folder.
    std::string audit_dir = (std::filesystem::temp_directory_path() / "station-audit-XXXXXX").string();
    if (audit) {
        if (!mkdtemp(audit_dir.data())) {
            spdlog::error("--audit: cannot create a temporary data folder {}: {}", audit_dir, std::strerror(errno));
            return kExitFailure;
        }
        options.data_dir = audit_dir;
    }
    options.demo = demo;
    for (const auto& key : trust_keys) options.trust_keys.push_back(std::filesystem::absolute(key));
    options.webhook_transport = station::api::http_webhook_transport();
    if (headless) {  // before Station::open starts any thread
        sigset_t signals = stop_signals();
        pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    }
    auto opened = station::Station::open(options);
    if (!opened) {
        spdlog::error("{}", opened.error().message);
        return kExitFailure;
    }
    station::Station& station = **opened;
    spdlog::info("station '{}' ({}), data in {}{}", config.station.name, config.station.id,
                 station.data_dir().string(), demo ? ", demo mode" : "");
    // The demo playlist, when the content store is still empty (signage_demo.h). Not --headless:
    // a headless demo kiosk is the target of push tests and benches, which bring their own content.
    if (demo && !headless) {
        if (auto installed = station::install_demo_content(station, station::builtin_demo_content_dir()); !installed)
            spdlog::warn("{}", installed.error().message);
    }

    if (audit) {
        double audit_dpi = dpi > 0 ? dpi : (config.display.dpi > 0 ? config.display.dpi : 96);
        auto report = station::ui::run_audit(station, size->width, size->height, audit_dpi);
        opened->reset();  // closes the database before its folder goes
        std::error_code ignored;
        std::filesystem::remove_all(audit_dir, ignored);
        if (!report) {
            spdlog::error("{}", report.error().message);
            return kExitFailure;
        }
        for (const std::string& line : report->violations) std::printf("%s\n", line.c_str());
        std::printf("%s\n", report->summary().c_str());
        return report->violations.empty() ? 0 : kExitFailure;
    }

    if (!screenshot.empty()) {
        double screenshot_dpi = dpi > 0 ? dpi : (config.display.dpi > 0 ? config.display.dpi : 96);
        auto kiosk = station::ui::OffscreenKiosk::create(station, size->width, size->height, screenshot_dpi);
        if (!kiosk) {
            spdlog::error("{}", kiosk.error().message);
            return kExitFailure;
        }
        (*kiosk)->show(screen);
        for (int i = 0; i < 3; ++i) {  // let ImGui settle its layout
            (*kiosk)->settle();           // the content the screens show is read on the UI's worker
            (*kiosk)->render_frame();
        }
        if (auto saved = (*kiosk)->save_png(screenshot); !saved) {
            spdlog::error("{}", saved.error().message);
            return kExitFailure;
        }
        spdlog::info("wrote {} ({} at {}x{})", screenshot, screen, size->width, size->height);
        return 0;
    }

    station.start_services();  // escalation ladder, retention, webhooks; not for --screenshot
    // GET /api/v1/screenshot on a headless kiosk: the home screen rendered offscreen at half of
    // 1920x1080 and half the DPI, the same layout at thumbnail size.
    station::ui::OffscreenCapture capture(station, 960, 540, (config.display.dpi > 0 ? config.display.dpi : 96) / 2);
    station::api::ApiServer api(station);
    if (headless)
        api.set_screenshot_source([&capture](const std::string& screen) -> station::Result<std::string> {
            if (screen != "touch_screen")
                return station::Error{"a --headless kiosk has no " + screen + " window to capture"};
            return capture.png();
        });
    if (auto started = api.start(api_address.empty() ? config.api.listen : api_address); !started) {
        spdlog::error("{}", started.error().message);
        return kExitFailure;
    }
    if (headless) return run_headless(station);

    station::UiQueue ui_queue;
    station::ui::WindowOptions window;
    window.fullscreen = !window_size && config.display.fullscreen;
    window.width = window_size ? window_size->width : config.display.window_width;
    window.height = window_size ? window_size->height : config.display.window_height;
    window.display = config.display.touch_display;
    window.dpi = dpi > 0 ? dpi : config.display.dpi;
    window.renderer = config.display.renderer;
    window.start_screen = screen;
    window.on_capture = [&api](station::ui::WindowOptions::Capture capture) {
        api.set_screenshot_source(std::move(capture));
    };
    return station::ui::run_kiosk_window(station, ui_queue, window);
}
