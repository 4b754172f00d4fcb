// station-admin: the staff console. Connects to kiosks through their HTTP API and shows their
// state. This first version shows whether each kiosk answers, live; the help queue, devices,
// content and reports build on it (issue 7).
#include <CLI/CLI.hpp>
#include <SDL.h>
#include <fontconfig/fontconfig.h>
#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "admin/client/api_client.h"

namespace {

// A Simplified Chinese font through fontconfig; "" when none is installed.
std::string find_chinese_font(int* index) {
    if (!FcInit()) return "";
    FcPattern* pattern = FcNameParse(reinterpret_cast<const FcChar8*>(":lang=zh-cn:scalable=true"));
    FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result;
    FcPattern* match = FcFontMatch(nullptr, pattern, &result);
    FcPatternDestroy(pattern);
    std::string path;
    FcChar8* file = nullptr;
    if (match && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch) {
        path = reinterpret_cast<char*>(file);
        FcPatternGetInteger(match, FC_INDEX, 0, index);
    }
    if (match) FcPatternDestroy(match);
    return path;
}

// The kiosk's health, polled on a worker thread every few seconds.
class HealthWatch {
public:
    HealthWatch(std::string server, Uint32 wake_event) : client_(std::move(server)), wake_event_(wake_event) {
        thread_ = std::thread([this] { run(); });
    }
    ~HealthWatch() {
        {
            std::lock_guard<std::mutex> guard(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }
    station::admin::ApiReply latest() {
        std::lock_guard<std::mutex> guard(mutex_);
        return latest_;
    }

private:
    void run() {
        std::unique_lock<std::mutex> lock(mutex_);
        while (!stopping_) {
            lock.unlock();
            station::admin::ApiReply reply = client_.get("/api/v1/health");
            lock.lock();
            latest_ = reply;
            SDL_Event event{};
            event.type = wake_event_;
            SDL_PushEvent(&event);
            wake_.wait_for(lock, std::chrono::seconds(3), [this] { return stopping_; });
        }
    }
    station::admin::ApiClient client_;
    Uint32 wake_event_;
    std::mutex mutex_;  // guards latest_ and stopping_
    std::condition_variable wake_;
    station::admin::ApiReply latest_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"station-admin: the staff console for Station kiosks"};
    app.set_version_flag("--version", "station-admin 0.1.0");
    std::string server = "http://127.0.0.1:8600";
    app.add_option("--connect", server, "Kiosk API address (default: http://127.0.0.1:8600)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "station-admin: %s\n\n%s", e.what(), app.help().c_str());
        return 2;
    }
    if (auto problem = station::admin::ApiClient::url_problem(server)) {
        std::fprintf(stderr, "station-admin: --connect: %s\n", problem->c_str());
        return 2;
    }
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        std::fprintf(stderr, "station-admin: no display: %s\n", SDL_GetError());
        return 3;
    }
    SDL_Window* window = SDL_CreateWindow("站点管理 station-admin", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                          1280, 800, SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    SDL_Renderer* renderer = window ? SDL_CreateRenderer(window, -1, 0) : nullptr;
    if (!renderer) {
        std::fprintf(stderr, "station-admin: cannot open a window: %s\n", SDL_GetError());
        return 3;
    }
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    ImGui::StyleColorsLight();
    int font_index = 0;
    std::string font = find_chinese_font(&font_index);
    ImFontConfig font_config;
    font_config.FontNo = font_index;
    if (!font.empty())
        ImGui::GetIO().Fonts->AddFontFromFileTTF(font.c_str(), 26.f, &font_config,
                                                 ImGui::GetIO().Fonts->GetGlyphRangesChineseSimplifiedCommon());
    ImGui_ImplSDL2_InitForSDLRenderer(window);
    ImGui_ImplSDLRenderer_Init(renderer);

    Uint32 wake_event = SDL_RegisterEvents(1);
    {
        HealthWatch health(server, wake_event);
        bool quit = false;
        while (!quit) {
            SDL_Event event;
            if (!SDL_WaitEventTimeout(&event, 10'000)) continue;
            do {
                if (event.type == SDL_QUIT) quit = true;
                ImGui_ImplSDL2_ProcessEvent(&event);
            } while (SDL_PollEvent(&event));
            for (int frame = 0; frame < 2 && !quit; ++frame) {
                ImGui_ImplSDLRenderer_NewFrame();
                ImGui_ImplSDL2_NewFrame();
                ImGui::NewFrame();
                ImGui::SetNextWindowPos(ImVec2(0, 0));
                ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
                ImGui::Begin("##console", nullptr, ImGuiWindowFlags_NoDecoration);
                station::admin::ApiReply reply = health.latest();
                ImGui::Text("站点 %s", server.c_str());
                if (reply.ok()) {
                    ImGui::TextColored(ImVec4(0.0f, 0.45f, 0.1f, 1), "● 在线 online");
                    ImGui::Text("%s (%s)", reply.body.value("/station/name"_json_pointer, std::string()).c_str(),
                                reply.body.value("/station/id"_json_pointer, std::string()).c_str());
                } else {
                    ImGui::TextColored(ImVec4(0.7f, 0.0f, 0.0f, 1), "● 离线 offline");
                    ImGui::TextWrapped("%s", reply.status == 0 && reply.error.empty() ? "…" : reply.error.c_str());
                }
                ImGui::End();
                ImGui::Render();
                SDL_SetRenderDrawColor(renderer, 240, 240, 240, 255);
                SDL_RenderClear(renderer);
                ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
                SDL_RenderPresent(renderer);
            }
        }
    }
    ImGui_ImplSDLRenderer_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_DestroyRenderer(renderer);
    SDL_DestroyWindow(window);
    SDL_Quit();
    return 0;
}
