#include "kiosk/ui/kiosk_ui.h"

#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>
#include <spdlog/spdlog.h>

#include "kiosk/core/catalogue.h"
#include "kiosk/ui/widgets.h"

namespace station::ui {

std::vector<std::string> ui_texts(const Station& station) {
    std::vector<std::string> texts;
    for (const auto& [key, text] : active_catalogue().all()) texts.push_back(text);
    texts.push_back(station.config().station.name);
    for (const StaffMember& member : const_cast<Station&>(station).staff().list()) texts.push_back(member.display_name);
    return texts;
}

double choose_dpi(double requested, int display) {
    if (requested > 0) return requested;
    float diagonal = 0, horizontal = 0, vertical = 0;
    if (SDL_GetDisplayDPI(display, &diagonal, &horizontal, &vertical) == 0 && horizontal >= 50 &&
        horizontal <= 400)
        return horizontal;
    return 96;
}

KioskUi::KioskUi(Station& station, SDL_Window* window, SDL_Renderer* renderer, double dpi, UiQueue& ui_queue)
    : station_(station), window_(window), renderer_(renderer), theme_(dpi), screens_(make_screens()),
      navigator_(screen_names()), help_(std::make_unique<HelpSession>(station, ui_queue, worker_)) {}

Result<std::unique_ptr<KioskUi>> KioskUi::create(Station& station, SDL_Window* window,
                                                 SDL_Renderer* renderer, double dpi, UiQueue& ui_queue) {
    std::unique_ptr<KioskUi> ui(new KioskUi(station, window, renderer, dpi, ui_queue));
    IMGUI_CHECKVERSION();
    ui->imgui_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // a kiosk keeps no window layout between runs
    io.LogFilename = nullptr;
    ImGui::StyleColorsLight();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowPadding = ImVec2(0, 0);
    style.WindowBorderSize = 0;
    style.WindowRounding = 0;

    auto font_file = find_cjk_font();
    if (!font_file) return font_file.error();
    ui->font_file_ = *font_file;
    ui->texts_ = ui_texts(station);
    auto fonts = build_fonts(*font_file, ui->theme_, ui->texts_);
    if (!fonts) return fonts.error();
    ui->fonts_ = *fonts;
    AtlasSize atlas = atlas_size();
    spdlog::info("ui: font {} ({} glyphs, atlas {}x{}), {:.0f} dpi", font_file->path, fonts->glyph_count,
                 atlas.width, atlas.height, dpi);

    if (!ImGui_ImplSDL2_InitForSDLRenderer(window) || !ImGui_ImplSDLRenderer_Init(renderer))
        return Error{"cannot initialise the Dear ImGui SDL backends"};
    ui->backends_ready_ = true;
    return ui;
}

KioskUi::~KioskUi() {
    worker_.wait_idle();  // no task may outlive the session it reports to
    help_.reset();
    if (backends_ready_) {
        ImGui_ImplSDLRenderer_Shutdown();
        ImGui_ImplSDL2_Shutdown();
    }
    if (imgui_) ImGui::DestroyContext(imgui_);
}

ScreenContext KioskUi::context() {
    int w = 0, h = 0;
    SDL_GetWindowSize(window_, &w, &h);
    return ScreenContext{station_, theme_, fonts_, navigator_, *help_, ImVec2(float(w), float(h))};
}

bool KioskUi::process_event(const SDL_Event& event) {
    ImGui_ImplSDL2_ProcessEvent(&event);
    switch (event.type) {
    case SDL_MOUSEMOTION:
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
    case SDL_MOUSEWHEEL:
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
    case SDL_FINGERMOTION:
    case SDL_KEYDOWN:
    case SDL_KEYUP:
    case SDL_TEXTINPUT:
    case SDL_WINDOWEVENT:
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        return true;
    default:
        return false;
    }
}

void KioskUi::render_frame() {
    ImGui_ImplSDLRenderer_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();

    ScreenContext ctx = context();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ctx.size);
    // Transparent: SDL_RenderClear already painted the background; a second full-screen quad
    // costs a third of a software-rendered frame.
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0, 0, 0, 0));
    ImGui::Begin("##screen", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
    for (auto& screen : screens_) {
        if (navigator_.current() == screen->name()) {
            screen->draw(ctx);
            break;
        }
    }
    ImGui::End();
    ImGui::PopStyleColor();

    ImGui::Render();
    const Rgb& bg = theme_.colors.background;
    SDL_SetRenderDrawColor(renderer_, Uint8(bg.r * 255), Uint8(bg.g * 255), Uint8(bg.b * 255), 255);
    SDL_RenderClear(renderer_);
    ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
    SDL_RenderPresent(renderer_);
    // The backend uploaded the atlas during the first frame; the CPU copies (alpha and RGBA)
    // are no longer needed. A rebuild (new run-time glyphs) re-creates them.
    if (ImGui::GetIO().Fonts->TexPixelsAlpha8 || ImGui::GetIO().Fonts->TexPixelsRGBA32)
        ImGui::GetIO().Fonts->ClearTexData();
    atlas_rebuilt_ = false;
    if (std::string missing = take_missing_glyph_text(); !missing.empty()) add_glyphs(missing);
}

void KioskUi::add_glyphs(const std::string& text) {
    texts_.push_back(text);
    auto fonts = build_fonts(font_file_, theme_, texts_);
    if (!fonts) {
        spdlog::error("ui: cannot add glyphs to the atlas: {}", fonts.error().message);
        texts_.pop_back();
        return;
    }
    fonts_ = *fonts;
    ImGui_ImplSDLRenderer_DestroyFontsTexture();  // re-created from the new atlas by the next frame
    atlas_rebuilt_ = true;
    spdlog::debug("ui: atlas rebuilt with {} glyphs for run-time text", fonts_.glyph_count);
}

int64_t KioskUi::ms_until_change() {
    ScreenContext ctx = context();
    for (auto& screen : screens_)
        if (navigator_.current() == screen->name()) return screen->ms_until_change(ctx);
    return -1;
}

}  // namespace station::ui
