// Staff-console figures, against a headless demo kiosk on loopback:
//
//   console_event_to_frame_ms      (p50) from POST /api/v1/requests on the kiosk to the end of the
//   console_event_to_frame_ms_p99  console's first frame whose queue shows that call: the event
//                                  stream, KioskLink's wake, and one ImGui frame drawn offscreen
//                                  (SDL dummy video, software renderer, 1280x800). 100 calls.
#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <regex>
#include <vector>

#include "admin/client/api_client.h"
#include "admin/client/kiosk_link.h"
#include "admin/console/console_ui.h"
#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;

namespace {

double percentile_of(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    size_t rank = static_cast<size_t>(p / 100.0 * double(values.size()) + 0.999999);
    return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

}  // namespace

void bench_admin_console() {
    station::test::TempDir data;
    station::test::ChildProcess kiosk({station::test::bin_path("station-kiosk"), "--demo", "--headless",
                                       "--data", (data / "d").string(), "--api", "127.0.0.1:0"});
    if (!kiosk.wait_for_stderr("api: listening", 30s)) {
        std::fprintf(stderr, "bench: admin: the kiosk did not start\n");
        return;
    }
    std::smatch m;
    std::string log = kiosk.err_so_far();
    if (!std::regex_search(log, m, std::regex(R"(listening on (http://127\.0\.0\.1:[0-9]+)/)"))) return;
    const std::string url = m[1];

    setenv("SDL_VIDEODRIVER", "dummy", 1);
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) return;
    const int width = 1280, height = 800;
    SDL_Window* window = SDL_CreateWindow("bench", 0, 0, width, height, SDL_WINDOW_HIDDEN);
    SDL_Surface* surface = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_RGBA32);
    SDL_Renderer* renderer = SDL_CreateSoftwareRenderer(surface);
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    station::console::apply_console_style();
    station::console::ConsoleFonts fonts = station::console::load_console_fonts();
    ImGui::GetIO().FontDefault = fonts.body;
    ImGui_ImplSDL2_InitForSDLRenderer(window);
    ImGui_ImplSDLRenderer_Init(renderer);

    std::mutex mutex;  // guards woken
    std::condition_variable wake;
    bool woken = false;
    std::vector<double> latencies;
    {
        station::admin::KioskLinkOptions options;
        options.url = url;
        options.user = "demo";
        options.pin = "2468";
        options.thumbnails = false;
        options.poll_interval = 60s;  // the stream alone brings the calls
        options.wake = [&] {
            {
                std::lock_guard<std::mutex> guard(mutex);
                woken = true;
            }
            wake.notify_all();
        };
        station::admin::KioskLink link(options);
        station::console::ConsoleUi ui({&link}, renderer, fonts, "demo");
        auto frame = [&] {
            ImGui_ImplSDLRenderer_NewFrame();
            ImGui_ImplSDL2_NewFrame();
            ImGui::NewFrame();
            ui.draw(std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count());
            ImGui::Render();
            SDL_RenderClear(renderer);
            ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
            SDL_RenderPresent(renderer);
        };
        for (int i = 0; i < 400 && !(link.snapshot().stream_open && link.snapshot().loaded); ++i)
            std::this_thread::sleep_for(10ms);
        station::admin::ApiClient client(url);
        auto login = client.post("/api/v1/login", {{"user", "demo"}, {"pin", "2468"}});
        client.set_token(login.body.value("token", ""));
        for (int i = 0; i < 100; ++i) {
            // Close the previous call first, so the queue stays short as at a real station.
            {
                std::lock_guard<std::mutex> guard(mutex);
                woken = false;
            }
            auto start = std::chrono::steady_clock::now();
            auto created = client.post("/api/v1/requests", {{"category", "medical"}, {"source", "staff"}});
            if (created.status != 201) break;
            int64_t id = created.body["id"];
            bool shown = false;
            while (!shown && std::chrono::steady_clock::now() - start < 5s) {
                {
                    std::unique_lock<std::mutex> lock(mutex);
                    wake.wait_for(lock, 100ms, [&] { return woken; });
                    woken = false;
                }
                shown = link.snapshot().open_requests.count(id) > 0;  // what the frame will draw
                frame();
            }
            if (!shown) break;
            latencies.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
            (void)client.post("/api/v1/requests/" + std::to_string(id) + "/arrive", nlohmann::json::object());
            (void)client.post("/api/v1/requests/" + std::to_string(id) + "/resolve",
                              nlohmann::json::object());
        }
    }
    ImGui_ImplSDLRenderer_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_DestroyRenderer(renderer);
    SDL_FreeSurface(surface);
    SDL_DestroyWindow(window);
    SDL_Quit();
    kiosk.stop(SIGTERM);
    if (latencies.empty()) {
        std::fprintf(stderr, "bench: admin: no call reached the console\n");
        return;
    }
    std::printf("console_event_to_frame_ms: %.2f ms\n", percentile_of(latencies, 50));
    std::printf("console_event_to_frame_ms_p99: %.2f ms\n", percentile_of(latencies, 99));
}
