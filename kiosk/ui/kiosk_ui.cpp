#include "kiosk/ui/kiosk_ui.h"

#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>
#include <spdlog/spdlog.h>

#include "kiosk/core/catalogue.h"
#include "kiosk/ui/signage_view.h"
#include "kiosk/ui/widgets.h"

namespace station::ui {

std::vector<std::string> ui_texts(const Station& station) {
    std::vector<std::string> texts;
    for (const auto& [key, text] : active_catalogue().all()) texts.push_back(text);
    texts.push_back(station.config().station.name);
    for (const StaffMember& member : const_cast<Station&>(station).staff().list())
        texts.push_back(member.display_name);
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

// Makes this KioskUi's ImGui context current for a scope, and restores the previous one.
struct KioskUi::CurrentContext {
    explicit CurrentContext(ImGuiContext* context) : previous(ImGui::GetCurrentContext()) {
        if (context) ImGui::SetCurrentContext(context);
    }
    ~CurrentContext() { ImGui::SetCurrentContext(previous); }
    ImGuiContext* previous;
};

KioskUi::KioskUi(Station& station, SDL_Window* window, SDL_Renderer* renderer, double dpi, UiQueue& ui_queue,
                 UiRole role)
    : station_(station),
      role_(role),
      window_(window),
      renderer_(renderer),
      theme_(dpi),
      screens_(make_screens()),
      navigator_(screen_names()),
      help_(std::make_unique<HelpSession>(station, ui_queue, worker_)),
      voice_({station.data_dir() / "voice", builtin_voice_dir()}),
      last_input_ms_(station.clock().now_ms()) {
    if (role_ == UiRole::public_display) return;  // the public display never talks
    help_->set_announcer([this](const HelpSnapshot& call) {
        // A follow-up (ticket printed, card read) waits for the state prompt to finish.
        voice_.say(help_prompt(call), call.last_change == "state" ? Voice::Mode::replace : Voice::Mode::after_current);
    });
}

Result<std::unique_ptr<KioskUi>> KioskUi::create(Station& station, SDL_Window* window, SDL_Renderer* renderer,
                                                 double dpi, UiQueue& ui_queue, UiRole role) {
    std::unique_ptr<KioskUi> ui(new KioskUi(station, window, renderer, dpi, ui_queue, role));
    IMGUI_CHECKVERSION();
    CurrentContext restore(nullptr);  // the caller's context (another window's) comes back after
    ui->imgui_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(ui->imgui_);
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
    ui->signage_ = std::make_unique<SignageView>(station, renderer, ui_queue, ui->worker_);
    ui->lessons_ = std::make_unique<LessonPlayer>(station, renderer, ui_queue, ui->worker_, ui->voice_);
    if (role == UiRole::public_display) ui->navigator_.go("signage");
    if (!restore.previous) restore.previous = ui->imgui_;  // the only context stays current
    return ui;
}

KioskUi::~KioskUi() {
    CurrentContext current(imgui_);
    worker_.wait_idle();  // no task may outlive the session it reports to
    help_.reset();
    lessons_.reset();  // stops the lesson's player while the renderer is still there
    signage_.reset();  // stops the video player while the renderer is still there
    if (backends_ready_) {
        ImGui_ImplSDLRenderer_Shutdown();
        ImGui_ImplSDL2_Shutdown();
    }
    if (imgui_) {
        if (current.previous == imgui_) current.previous = nullptr;
        ImGui::DestroyContext(imgui_);
    }
}

ScreenContext KioskUi::context() {
    int w = 0, h = 0;
    SDL_GetWindowSize(window_, &w, &h);
    return ScreenContext{station_, theme_, active_fonts(), navigator_, *help_, ImVec2(float(w), float(h)), &prefs_,
                         signage_.get(), lessons_.get()};
}

bool KioskUi::process_event(const SDL_Event& event) {
    CurrentContext current(imgui_);
    if (role_ == UiRole::public_display) {
        // Nobody touches the public display; a click there (windowed, in development) does nothing.
        switch (event.type) {
            case SDL_WINDOWEVENT:
            case SDL_RENDER_TARGETS_RESET:
            case SDL_RENDER_DEVICE_RESET:
                ImGui_ImplSDL2_ProcessEvent(&event);
                return true;
            default:
                return false;
        }
    }
    // The attract loop: one touch anywhere goes home, and that touch (SDL sends it as a finger and
    // as a mouse event) presses nothing there; ImGui sees nothing until it is lifted.
    bool pointer_down = event.type == SDL_MOUSEBUTTONDOWN || event.type == SDL_FINGERDOWN;
    if (pointer_down && navigator_.current() == "signage") {
        navigator_.home();
        last_input_ms_ = station_.clock().now_ms();
        swallow_touch_ = true;
        spdlog::info("ui: touch on the attract loop; home");
        return true;
    }
    if (swallow_touch_) {
        if (event.type == SDL_MOUSEBUTTONUP || event.type == SDL_FINGERUP) swallow_touch_ = false;
        if (pointer_down || event.type == SDL_MOUSEMOTION || event.type == SDL_FINGERMOTION ||
            event.type == SDL_MOUSEBUTTONUP || event.type == SDL_FINGERUP)
            return false;
    }
    ImGui_ImplSDL2_ProcessEvent(&event);
    switch (event.type) {
        case SDL_MOUSEBUTTONDOWN:
        case SDL_FINGERDOWN:
        case SDL_KEYDOWN:
            last_input_ms_ = station_.clock().now_ms();  // any touch answers "还需要时间吗？"
            idle_prompt_ = false;
            return true;
        default:
            break;
    }
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

bool KioskUi::idle_rules_apply() {
    if (role_ == UiRole::public_display) return false;
    if (navigator_.current() == "signage") return false;  // the attract loop is the idle state
    if (help_->has_open_call()) return false;  // an open call stays on screen until it is dealt with
    return navigator_.current() != "home" || help_->current().has_value();
}

void KioskUi::update_idle(int64_t now_ms) {
    // A lesson playing is activity: the timeout counts from when it ends or the visitor pauses it,
    // so a ten-minute lesson is never cut off at 90 s, and a visitor who walks away is still reset.
    if (lessons_ && lessons_->keeps_visitor()) last_input_ms_ = now_ms;
    if (role_ == UiRole::public_display) return;
    // Nobody at the touchscreen: home gives way to the attract loop when there is content.
    if (navigator_.current() == "home" && !help_->current() && signage_ &&
        now_ms - last_input_ms_ >= int64_t(station_.config().ui.idle_timeout_s) * 1000 && signage_->has_content()) {
        navigator_.go("signage");
        signage_->set_attract(true);  // proof of play counts it as the attract loop
        spdlog::info("ui: idle; showing the attract loop");
    }
    if (!idle_rules_apply()) {
        idle_prompt_ = false;
        return;
    }
    int64_t timeout_ms = int64_t(station_.config().ui.idle_timeout_s) * 1000;
    if (!idle_prompt_ && now_ms - last_input_ms_ >= timeout_ms) {
        idle_prompt_ = true;
        idle_prompt_since_ms_ = now_ms;
        voice_.say({"idle.more_time"});
    }
    if (idle_prompt_ && now_ms - idle_prompt_since_ms_ >= kIdleGraceMs) end_visit();
}

void KioskUi::end_visit() {
    prefs_ = DisplayPrefs{};  // the next visitor starts at the normal type size
    idle_prompt_ = false;
    help_->dismiss();
    navigator_.home();
    if (signage_ && signage_->has_content()) {
        navigator_.go("signage");  // the attract loop
        signage_->set_attract(true);
    }
    voice_.reset_volume();
    last_input_ms_ = station_.clock().now_ms();
    spdlog::info("ui: visitor gone; back to home");
}

void KioskUi::draw_idle_prompt(int64_t now_ms) {
    ScreenContext ctx = context();
    const Fonts& fonts = active_fonts();  // 大字 enlarges the prompt too
    const Palette& c = theme_.colors;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ctx.size);
    ImGui::SetNextWindowFocus();
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0, 0, 0, 0.55f));
    ImGui::Begin("##idle", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    // Laid out from the type it holds, so that 大字's sizes fit as well as the normal ones: the
    // question and the countdown wrap inside the panel, the button takes what is left of it.
    std::string question = tr("idle.more_time"), label = tr("idle.continue");
    int64_t seconds = std::max<int64_t>(0, (idle_prompt_since_ms_ + kIdleGraceMs - now_ms + 999) / 1000);
    std::string countdown = fill(tr("idle.countdown"), {{"s", std::to_string(seconds)}});
    float margin = theme_.mm(4), pad = theme_.mm(6), gap = theme_.mm(3);
    float width = std::max(theme_.mm(220), text_size(fonts.tile, label).x + 4 * pad);
    width = std::min(width, ctx.size.x - 2 * margin);
    float inner = width - 2 * pad;
    float question_h = wrapped_height(fonts.title, inner, question);
    float countdown_h = wrapped_height(fonts.body, inner, countdown);
    float text_h = pad + question_h + gap + countdown_h + 2 * gap + pad;
    float button_h = std::max({theme_.mm(Theme::kMinTargetMm + 10), line_height(fonts.tile) + theme_.mm(8),
                               std::min(ctx.size.y * 0.6f, theme_.mm(140)) - text_h});
    float height = std::min(text_h + button_h, ctx.size.y - 2 * margin);
    Rect panel{ImVec2((ctx.size.x - width) / 2, (ctx.size.y - height) / 2),
               ImVec2((ctx.size.x + width) / 2, (ctx.size.y + height) / 2)};
    ImGui::GetWindowDrawList()->AddRectFilled(panel.min, panel.max, c.tile.u32(), theme_.mm(4));
    float y = text_wrapped(fonts.title, ImVec2(panel.min.x + pad, panel.min.y + pad), inner, c.text, question,
                           Align::center);
    text_wrapped(fonts.body, ImVec2(panel.min.x + pad, y + gap), inner, c.text_muted, countdown, Align::center);
    Rect button{ImVec2(panel.min.x + pad, panel.max.y - pad - (height - text_h)), ImVec2(panel.max.x - pad, panel.max.y - pad)};
    ButtonLook look{c.help, c.help_pressed, c.help_text, c.help, 0, theme_.mm(3)};
    if (touch_button("##more_time", button, look)) {
        idle_prompt_ = false;
        last_input_ms_ = now_ms;  // 90 s more: the timeout counts again from this tap
    }
    ImFont* label_font = text_size(fonts.tile, label).x <= button.width() - theme_.mm(4) ? fonts.tile : fonts.title;
    text_centered(label_font, button.center(), c.help_text, label);
    ImGui::End();
    ImGui::PopStyleColor();
}

void KioskUi::show_idle_prompt() {
    idle_prompt_ = true;
    idle_prompt_since_ms_ = station_.clock().now_ms();
}

void KioskUi::render_frame() {
    CurrentContext current(imgui_);
    if (role_ == UiRole::public_display && navigator_.current() != "signage") navigator_.go("signage");
    int64_t now_ms = station_.clock().now_ms();
    bool large_text_before = prefs_.large_text;
    voice_.tick();
    update_idle(now_ms);
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
    if (idle_prompt_) draw_idle_prompt(now_ms);
    // Signage that painted the whole window opaquely needs no clear under it (a full-screen pass
    // of SDL's software renderer per video frame).
    bool covered = signage_ && signage_->covers(Rect{ImVec2(0, 0), ctx.size});
    if (signage_) {
        // An emergency notice covers every screen until it expires or is withdrawn.
        if (auto alert = signage_->alert(now_ms)) {
            ScreenContext alert_ctx = context();
            signage_->draw_alert(alert_ctx, *alert);
        }
        signage_->idle();  // no screen drew the content this frame: the video stops
    }
    if (lessons_) lessons_->idle();  // the lessons screen did not draw: the lesson stops

    ImGui::Render();
    const Rgb& bg = theme_.colors.background;
    SDL_SetRenderDrawColor(renderer_, Uint8(bg.r * 255), Uint8(bg.g * 255), Uint8(bg.b * 255), 255);
    if (!covered) SDL_RenderClear(renderer_);
    ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
    if (capture_) {
        // Before presenting: after it, an accelerated renderer's back buffer is undefined.
        FramePixels frame;
        SDL_GetRendererOutputSize(renderer_, &frame.width, &frame.height);
        frame.rgba.resize(size_t(frame.width) * size_t(frame.height) * 4);
        if (frame.rgba.empty() ||
            SDL_RenderReadPixels(renderer_, nullptr, SDL_PIXELFORMAT_ABGR8888, frame.rgba.data(), frame.width * 4) != 0) {
            frame.error = std::string("cannot read the screen back: ") + SDL_GetError();
            frame.rgba.clear();
        }
        auto done = std::move(capture_);
        capture_ = nullptr;
        done(std::move(frame));
    }
    SDL_RenderPresent(renderer_);
    // The backend uploaded the atlas during the first frame; the CPU copies (alpha and RGBA)
    // are no longer needed. A rebuild (new run-time glyphs) re-creates them.
    if (ImGui::GetIO().Fonts->TexPixelsAlpha8 || ImGui::GetIO().Fonts->TexPixelsRGBA32)
        ImGui::GetIO().Fonts->ClearTexData();
    atlas_rebuilt_ = false;
    redraw_ = prefs_.large_text != large_text_before;
    // The first 大字 of this kiosk's life adds the large type scale to the atlas.
    if (prefs_.large_text && !large_fonts_ && !rebuild_atlas(true)) prefs_.large_text = false;
    if (std::string missing = take_missing_glyph_text(); !missing.empty()) add_glyphs(missing);
}

void KioskUi::add_glyphs(const std::string& text) {
    texts_.push_back(text);
    if (!rebuild_atlas(large_fonts_.has_value())) {
        texts_.pop_back();
        return;
    }
    spdlog::debug("ui: atlas rebuilt with {} glyphs for run-time text", fonts_.glyph_count);
}

bool KioskUi::rebuild_atlas(bool with_large) {
    auto sets = build_font_sets(font_file_, theme_, texts_, with_large);
    if (!sets) {
        spdlog::error("ui: cannot rebuild the font atlas: {}", sets.error().message);
        return false;
    }
    fonts_ = sets->normal;
    large_fonts_ = sets->large;
    ImGui_ImplSDLRenderer_DestroyFontsTexture();  // re-created from the new atlas by the next frame
    atlas_rebuilt_ = true;
    return true;
}

int64_t KioskUi::ms_until_change() {
    CurrentContext current(imgui_);
    ScreenContext ctx = context();
    int64_t until = -1;
    auto sooner = [&until](int64_t ms) {
        if (ms >= 0 && (until < 0 || ms < until)) until = ms;
    };
    for (auto& screen : screens_)
        if (navigator_.current() == screen->name()) sooner(screen->ms_until_change(ctx));
    sooner(voice_.ms_until_done());
    if (idle_rules_apply()) {
        int64_t now_ms = station_.clock().now_ms();
        if (idle_prompt_)
            sooner(std::min<int64_t>(1000 - now_ms % 1000, idle_prompt_since_ms_ + kIdleGraceMs - now_ms));
        else
            sooner(std::max<int64_t>(
                0, last_input_ms_ + int64_t(station_.config().ui.idle_timeout_s) * 1000 - now_ms));
    }
    if (signage_) {
        int64_t now_ms = station_.clock().now_ms();
        sooner(signage_->alert_ms_until_change(now_ms));
        if (navigator_.current() == "home" && !help_->current() && signage_->has_content())
            sooner(std::max<int64_t>(
                0, last_input_ms_ + int64_t(station_.config().ui.idle_timeout_s) * 1000 - now_ms));
    }
    return until;
}

}  // namespace station::ui
