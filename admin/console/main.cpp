// station-admin: the staff console. Connects to one or more kiosks through their HTTP API (never
// their internals), shows the live help queue with sound, devices, screens, notices, reports and
// users (console_ui.h), and sends staff actions. Network calls run on each KioskLink's threads;
// this thread owns SDL and ImGui and draws when something changed (or once a second, for the
// SLA countdowns).
//
//   station-admin [--connect URL]... [--user U --pin P]      a window; without --user, a login form
//                 [--pin-cert SHA256]                        https kiosks: pin their certificate
//   station-admin --connect URL --user U --pin P --screenshot FILE --size WxH [--tab NAME]
//                 [--clock MS] [--from D --to D]             renders headless once the data is in
// Exit codes: 0 done, 1 the kiosk could not be reached or refused the login (--screenshot),
// 2 bad usage, 3 no display.
#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>
#include <stb_image_write.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include "admin/client/api_client.h"
#include "admin/client/kiosk_link.h"
#include "admin/client/tls.h"
#include "admin/console/alert_sound.h"
#include "admin/console/console_config.h"
#include "admin/console/console_ui.h"

namespace {

constexpr int kExitFailure = 1, kExitUsage = 2, kExitNoDisplay = 3;

struct Size {
    int width = 0, height = 0;
};

std::optional<Size> parse_size(const std::string& text) {
    static const std::regex pattern(R"(^([0-9]{3,5})x([0-9]{3,5})$)");
    std::smatch m;
    if (!std::regex_match(text, m, pattern)) return std::nullopt;
    return Size{std::stoi(m[1]), std::stoi(m[2])};
}

int64_t system_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

enum WakeCode { kWakeRefresh = 0, kWakeCall = 1, kWakeEscalation = 2 };

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"station-admin: the staff console for Station kiosks"};
    app.set_version_flag("--version", "station-admin 0.2.0");
    std::vector<std::string> servers;
    std::string user, pin, screenshot, size_text = "1280x800", tab_name = "calls", from, to;
    int64_t fixed_clock = 0;
    bool mute = false;
    std::string config_file, pin_cert;
    app.add_option("--config", config_file,
                   "Console config (TOML): kiosks = [URL, ...], user = NAME, pin_cert = SHA256");
    app.add_option("--connect", servers, "Kiosk API address, repeatable (default: http://127.0.0.1:8600)");
    app.add_option("--user", user, "Staff username (without it the console asks)");
    app.add_option("--pin", pin, "PIN (default: $STATION_PIN)");
    app.add_option("--pin-cert", pin_cert,
                   "https kiosks: accept only the certificate with this SHA-256 (the kiosk logs it at start) "
                   "instead of CA verification");
    app.add_option("--screenshot", screenshot,
                   "Render headless to this PNG once the data is loaded, then exit");
    app.add_option("--size", size_text, "Window or screenshot size WxH (default 1280x800)");
    std::vector<std::string> tab_choices;
    for (const auto& [_, name] : station::console::tab_names()) tab_choices.push_back(name);
    app.add_option("--tab", tab_name, "Tab to show first: calls, devices, content, screens, alerts, activities, reports, users")
        ->check(CLI::IsMember(tab_choices));
    app.add_option("--clock", fixed_clock,
                   "Draw as if the time were this (ms since the epoch; golden screenshots)");
    app.add_option("--from", from, "Report range start, YYYY-MM-DD (default: 6 days ago)");
    app.add_option("--to", to, "Report range end, YYYY-MM-DD (default: today)");
    app.add_flag("--mute", mute, "No alert sound");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "station-admin: %s\n\n%s", e.what(), app.help().c_str());
        return kExitUsage;
    }
    station::console::ConsoleConfig console_config;
    if (!config_file.empty()) {
        auto config = station::console::load_console_config(config_file);
        if (!config) {
            std::fprintf(stderr, "station-admin: %s\n", config.error().message.c_str());
            return kExitUsage;
        }
        console_config = *config;
        servers.insert(servers.begin(), config->kiosks.begin(), config->kiosks.end());
        if (user.empty()) user = config->user;
    }
    if (!pin_cert.empty()) {  // the flag overrides the file, for every kiosk
        auto canonical = station::admin::normalize_fingerprint(pin_cert);
        if (!canonical) {
            std::fprintf(stderr,
                         "station-admin: --pin-cert: expected a SHA-256 fingerprint, 64 hex digits with or "
                         "without colons (got '%s')\n",
                         pin_cert.c_str());
            return kExitUsage;
        }
        console_config.pin_cert = *canonical;
        console_config.pin_certs.clear();
    }
    if (servers.empty()) servers.push_back("http://127.0.0.1:8600");
    for (const std::string& server : servers)
        if (auto problem = station::admin::ApiClient::url_problem(server)) {
            std::fprintf(stderr, "station-admin: --connect: %s\n", problem->c_str());
            return kExitUsage;
        }
    auto size = parse_size(size_text);
    if (!size) {
        std::fprintf(stderr, "station-admin: --size: expected WxH such as 1280x800 (got '%s')\n",
                     size_text.c_str());
        return kExitUsage;
    }
    if (pin.empty())
        if (const char* env = std::getenv("STATION_PIN")) pin = env;
    const bool headless = !screenshot.empty();
    if (headless && (user.empty() || pin.empty())) {
        std::fprintf(stderr, "station-admin: --screenshot needs --user and --pin (or $STATION_PIN)\n");
        return kExitUsage;
    }
    station::console::Tab first_tab = station::console::Tab::calls;
    for (const auto& [tab, name] : station::console::tab_names())
        if (tab_name == name) first_tab = tab;

    if (headless) {
        setenv("SDL_VIDEODRIVER", "dummy", 1);
        setenv("SDL_AUDIODRIVER", "dummy", 1);
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
        mute = true;
    }
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        std::fprintf(stderr, "station-admin: no display: %s\n", SDL_GetError());
        return kExitNoDisplay;
    }
    SDL_Window* window = SDL_CreateWindow(
        "党群服务站 工作台 station-admin", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, size->width,
        size->height, headless ? SDL_WINDOW_HIDDEN : SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    SDL_Surface* surface =
        headless ? SDL_CreateRGBSurfaceWithFormat(0, size->width, size->height, 32, SDL_PIXELFORMAT_RGBA32)
                 : nullptr;
    SDL_Renderer* renderer = !window    ? nullptr
                             : headless ? (surface ? SDL_CreateSoftwareRenderer(surface) : nullptr)
                                        : SDL_CreateRenderer(window, -1, 0);
    if (!renderer) {
        std::fprintf(stderr, "station-admin: cannot open a window: %s\n", SDL_GetError());
        return kExitNoDisplay;
    }
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    station::console::apply_console_style();
    station::console::ConsoleFonts fonts = station::console::load_console_fonts();
    ImGui::GetIO().FontDefault = fonts.body;
    ImGui_ImplSDL2_InitForSDLRenderer(window);
    ImGui_ImplSDLRenderer_Init(renderer);

    const Uint32 wake_event = SDL_RegisterEvents(1);
    auto push_wake = [wake_event](int code) {
        SDL_Event event{};
        event.type = wake_event;
        event.user.code = code;
        SDL_PushEvent(&event);
    };
    std::unique_ptr<station::console::AlertSound> sound;
    if (!mute) sound = std::make_unique<station::console::AlertSound>();

    std::vector<std::unique_ptr<station::admin::KioskLink>> links;
    std::unique_ptr<station::console::ConsoleUi> ui;
    auto connect = [&](const std::string& as_user, const std::string& with_pin) {
        for (const std::string& server : servers) {
            station::admin::KioskLinkOptions options;
            options.url = server;
            options.user = as_user;
            options.pin = with_pin;
            options.pinned_certificate = console_config.pin_for(server);
            options.wake = [push_wake] { push_wake(kWakeRefresh); };
            options.on_event = [push_wake](const std::string& type, const nlohmann::json&) {
                if (type == "help.called") push_wake(kWakeCall);
                if (type == "help.escalated" || type == "help.realerted") push_wake(kWakeEscalation);
            };
            links.push_back(std::make_unique<station::admin::KioskLink>(std::move(options)));
        }
        std::vector<station::admin::KioskLink*> raw;
        for (auto& link : links) raw.push_back(link.get());
        ui = std::make_unique<station::console::ConsoleUi>(raw, renderer, fonts, as_user);
        ui->set_tab(first_tab);
        if (!from.empty() || !to.empty()) ui->set_report_range(from, to);
    };
    if (!user.empty() && !pin.empty()) connect(user, pin);

    auto now_ms = [&] { return fixed_clock > 0 ? fixed_clock : system_now_ms(); };
    auto render = [&] {
        if (ui && ui->refresh_fonts()) fonts = ui->fonts();  // characters new to the atlas came in the data
        ImGui_ImplSDLRenderer_NewFrame();
        ImGui_ImplSDL2_NewFrame();
        ImGui::NewFrame();
        if (ui) {
            ui->draw(now_ms());
        } else {
            // The login form: only until a user and PIN are given.
            static char login_user[40] = "", login_pin[16] = "";
            static bool prefilled = false;  // the config's user, once; the field stays editable
            if (!prefilled && !user.empty()) std::snprintf(login_user, sizeof login_user, "%s", user.c_str());
            prefilled = true;
            ImGui::SetNextWindowPos(
                ImVec2(ImGui::GetIO().DisplaySize.x * 0.5f, ImGui::GetIO().DisplaySize.y * 0.4f),
                ImGuiCond_Always, ImVec2(0.5f, 0.5f));
            ImGui::Begin("工作人员登录", nullptr,
                         ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse);
            ImGui::InputTextWithHint("用户名", "如 wang", login_user, sizeof login_user);
            bool enter =
                ImGui::InputTextWithHint("PIN", "4-12 位数字", login_pin, sizeof login_pin,
                                         ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal |
                                             ImGuiInputTextFlags_EnterReturnsTrue);
            if ((ImGui::Button("登录", ImVec2(200, 0)) || enter) && login_user[0] && login_pin[0]) {
                connect(login_user, login_pin);
                std::fill(std::begin(login_pin), std::end(login_pin), '\0');
            }
            ImGui::End();
        }
        ImGui::Render();
        SDL_SetRenderDrawColor(renderer, 250, 245, 235, 255);
        SDL_RenderClear(renderer);
        ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
        SDL_RenderPresent(renderer);
    };

    int exit_code = 0;
    if (headless) {
        // Wait for every kiosk's first full round (or its refusal), the report and the thumbnails
        // when those tabs are asked for, then draw a few frames so ImGui settles its layout.
        bool reports = first_tab == station::console::Tab::reports;
        bool screens = first_tab == station::console::Tab::screens;
        bool report_asked = false;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        bool ready = false;
        while (!ready && std::chrono::steady_clock::now() < deadline) {
            ready = true;
            for (auto& link : links) {
                auto s = link->snapshot();
                bool refused = !s.error.empty() && !s.logged_in;
                if (refused) continue;
                if (!s.loaded || (reports && s.report.is_null()) ||
                    (screens && s.thumbnail_version == 0 && s.thumbnail_error.empty()))
                    ready = false;
                if (reports && s.logged_in && !report_asked) {
                    render();  // the first frame fills in the default range
                    ui->load_report();
                    report_asked = true;
                }
            }
            if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        for (auto& link : links) {
            auto s = link->snapshot();
            if (!s.loaded) {
                std::fprintf(stderr, "station-admin: %s: %s\n", s.url.c_str(),
                             s.error.empty() ? "no answer within 20 s" : s.error.c_str());
                exit_code = kExitFailure;
            }
        }
        for (int i = 0; i < 3; ++i) render();
        std::vector<uint8_t> pixels(size_t(size->width) * size_t(size->height) * 4);
        SDL_RenderReadPixels(renderer, nullptr, SDL_PIXELFORMAT_RGBA32, pixels.data(), size->width * 4);
        if (!stbi_write_png(screenshot.c_str(), size->width, size->height, 4, pixels.data(),
                            size->width * 4)) {
            std::fprintf(stderr, "station-admin: cannot write PNG %s\n", screenshot.c_str());
            exit_code = kExitFailure;
        } else {
            std::fprintf(stderr, "station-admin: wrote %s (%dx%d)\n", screenshot.c_str(), size->width,
                         size->height);
        }
    } else {
        bool quit = false;
        render();
        while (!quit) {
            SDL_Event event;
            // Once a second at most when idle: the SLA countdowns tick in seconds.
            if (SDL_WaitEventTimeout(&event, 1000)) {
                do {
                    if (event.type == SDL_QUIT) quit = true;
                    if (event.type == wake_event && sound) {
                        if (event.user.code == kWakeCall)
                            sound->play(station::console::AlertSound::Kind::call);
                        if (event.user.code == kWakeEscalation)
                            sound->play(station::console::AlertSound::Kind::escalation);
                    }
                    ImGui_ImplSDL2_ProcessEvent(&event);
                } while (SDL_PollEvent(&event));
            }
            for (int frame = 0; frame < 2 && !quit; ++frame) render();  // ImGui settles in two
        }
    }
    ui.reset();
    links.clear();  // joins the links' threads before SDL goes away (they push wake events)
    sound.reset();
    ImGui_ImplSDLRenderer_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_DestroyRenderer(renderer);
    if (surface) SDL_FreeSurface(surface);
    SDL_DestroyWindow(window);
    SDL_Quit();
    return exit_code;
}
