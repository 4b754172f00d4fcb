#include "kiosk/ui/signage_view.h"

#include <SDL_image.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/help_desk.h"

namespace station::ui {

namespace {

constexpr int64_t kDefaultItemMs = 10'000;   // image or notice without duration_s
constexpr int64_t kDefaultTickerMs = 8'000;  // a ticker line without duration_s

content::LocalDateTime local_now(TimePoint t) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&seconds, &tm);
    content::LocalDateTime local;
    local.year = tm.tm_year + 1900;
    local.month = tm.tm_mon + 1;
    local.day = tm.tm_mday;
    local.hour = tm.tm_hour;
    local.minute = tm.tm_min;
    return local;
}

// Lines of `text` no wider than `width` (ImGui breaks CJK between characters); each drawn with
// text_at so the glyph atlas learns new characters.
float draw_wrapped(ImFont* font, ImVec2 top_left, float width, float max_y, Rgb color,
                   const std::string& text) {
    // ICU's line breaking (widgets' wrap_lines): 。，、 never start a line, 「（ never end one.
    float y = top_left.y;
    float line = font->FontSize * float(Theme::kLineSpacing);
    for (const std::string& text_line : wrap_lines(font, width, text)) {
        if (y + font->FontSize > max_y) break;
        text_at(font, ImVec2(top_left.x, y), color, text_line);
        y += line;
    }
    return y;
}

}  // namespace

SignageView::SignageView(Station& station, SDL_Renderer* renderer, UiQueue& ui_queue, Worker& worker)
    : station_(station), renderer_(renderer), ui_queue_(ui_queue), worker_(worker) {
    SDL_RendererInfo info{};
    software_renderer_ = SDL_GetRendererInfo(renderer_, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
    std::weak_ptr<bool> alive = alive_;
    subscription_ = station_.events().subscribe([this, alive, &ui_queue](const Event& event) {
        if (event.type == "content.activated") {
            ui_queue.post([this, alive] {
                if (alive.lock()) load_content();
            });
        } else if (event.type == "alert.created" || event.type == "alert.withdrawn") {
            ui_queue.post([this, alive, type = event.type, data = event.data] {
                if (!alive.lock()) return;
                int64_t id = data.value("id", int64_t(0));
                std::erase_if(alerts_, [id](const Alert& a) { return a.id == id; });
                if (type == "alert.created") {
                    Alert alert;
                    alert.id = id;
                    alert.title = data.value("title", std::string());
                    alert.text = data.value("text", std::string());
                    alert.mode = data.value("mode", std::string("banner"));
                    alert.created_at_ms = data.value("created_at", int64_t(0));
                    alert.expires_at_ms = data.value("expires_at", int64_t(0));
                    alerts_.push_back(alert);
                }
            });
        } else if (event.type.rfind("help.", 0) == 0) {
            ui_queue.post([this, alive] {
                if (alive.lock()) refresh_queue();
            });
        }
    });
    // Alerts still active from before a restart.
    worker_.post([&station, &ui_queue, this, alive] {
        auto alerts = SignageRecords(station).active_alerts();
        ui_queue.post([this, alive, alerts] {
            if (!alive.lock()) return;
            for (const Alert& alert : alerts)
                if (std::none_of(alerts_.begin(), alerts_.end(),
                                 [&](const Alert& a) { return a.id == alert.id; }))
                    alerts_.push_back(alert);
        });
    });
    load_content();
    refresh_queue();
}

SignageView::~SignageView() {
    station_.events().unsubscribe(subscription_);
    *alive_ = false;
    worker_.wait_idle();  // its tasks hold `this` only through ui_queue posts guarded by alive_
    player_.reset();      // stops and releases libvlc before the textures go (it may write into one)
    video_texture_.reset();
    for (auto& [id, image] : images_) SDL_DestroyTexture(image.texture);
}

void SignageView::load_content() {
    std::weak_ptr<bool> alive = alive_;
    worker_.post([this, alive, &station = station_, &ui_queue = ui_queue_] {
        auto active = station.content().active();
        if (!active) {
            spdlog::debug("signage: no active content ({})", active.error().message);
            return;
        }
        auto loaded = std::make_shared<const content::ActiveContent>(std::move(*active));
        ui_queue.post([this, alive, loaded] {
            if (!alive.lock()) return;
            if (content_ && content_->info.version == loaded->info.version &&
                content_->info.manifest_sha256 == loaded->info.manifest_sha256)
                return;
            spdlog::info("signage: content version {} ready", loaded->info.version);
            pending_ = loaded;
            if (runs_.empty())
                adopt_pending(station_.clock().now_ms());  // nothing plays: no boundary to wait for
        });
    });
}

bool SignageView::has_content() const {
    return content_ &&
           content::plan_at(content_->manifest.content, local_now(station_.clock().now())).has_value();
}

std::optional<int64_t> SignageView::content_version() const {
    if (!content_) return std::nullopt;
    return content_->info.version;
}

std::string SignageView::media_item() const {
    for (const ZoneRun& run : runs_)
        if (run.plan.kind == content::ZoneKind::media) return run.item;
    return {};
}

void SignageView::apply_pending(int64_t now_ms) {
    if (!pending_) return;
    adopt_pending(now_ms);
    replan(now_ms);
}

void SignageView::adopt_pending(int64_t now_ms) {
    for (ZoneRun& run : runs_) finish(run, now_ms, "played");
    runs_.clear();
    content_ = std::move(pending_);
    pending_.reset();
    quarantine_.clear();
    for (auto& [id, image] : images_) SDL_DestroyTexture(image.texture);
    images_.clear();
    images_loading_.clear();
    if (shown_ != &video_) shown_ = video_.texture ? &video_ : nullptr;
    plan_ = content::plan_at(content_->manifest.content, local_now(from_ms(now_ms)));
    layout_ = plan_ ? content_->manifest.content.find_layout(plan_->layout) : nullptr;
    plan_checked_minute_ = -1;  // the next draw builds the zones' runs
}

void SignageView::replan(int64_t now_ms) {
    for (ZoneRun& run : runs_) finish(run, now_ms, "played");
    runs_.clear();
    layout_ = nullptr;
    plan_.reset();
    plan_checked_minute_ = now_ms / 60'000;
    if (!content_) return;
    plan_ = content::plan_at(content_->manifest.content, local_now(from_ms(now_ms)));
    if (!plan_) {
        if (video_running_) player().stop();
        video_running_ = false;
        return;
    }
    layout_ = content_->manifest.content.find_layout(plan_->layout);
    if (!layout_) {
        plan_.reset();
        return;
    }
    bool media_taken = false;
    for (const content::ZonePlan& zone_plan : plan_->zones) {
        ZoneRun run;
        run.plan = zone_plan;
        for (const content::Zone& zone : layout_->zones)
            if (zone.id == zone_plan.zone) run.zone = zone;
        // Only the first media zone plays videos (one decoder pair per screen); later media zones
        // show their images and notices and skip videos.
        if (zone_plan.kind == content::ZoneKind::media && media_taken)
            std::erase_if(run.plan.items, [this](const std::string& id) {
                const content::Item* it = item(id);
                return it && it->kind == content::ItemKind::video;
            });
        if (zone_plan.kind == content::ZoneKind::media) media_taken = true;
        runs_.push_back(std::move(run));
    }
    for (ZoneRun& run : runs_)
        if (run.plan.kind == content::ZoneKind::media || run.plan.kind == content::ZoneKind::ticker)
            advance(run, now_ms);
}

int SignageView::zone_pixels(int design) const {
    if (!layout_ || area_.width() <= 0) return design;
    float scale = std::min(area_.width() / float(layout_->width), area_.height() / float(layout_->height));
    return std::max(1, int(float(design) * scale + 0.5f));
}

content::VideoPlayer& SignageView::player() {
    // Created on the first video: libvlc's start-up costs nothing to a kiosk that shows none.
    if (!player_) {
        content::VideoPlayerOptions options;
        // A frame or player event wakes the UI for one frame, which picks both up.
        options.wake = [&ui_queue = ui_queue_] { ui_queue.request_frame(); };
        player_ = std::make_unique<content::VideoPlayer>(std::move(options));
        if (!player_->startup_error().empty()) spdlog::error("signage: {}", player_->startup_error());
    }
    return *player_;
}

const content::Item* SignageView::item(const std::string& id) const {
    return content_ ? content_->manifest.content.find_item(id) : nullptr;
}

std::filesystem::path SignageView::media_path(const std::string& file) const {
    return content_ ? content_->media_path(file) : std::filesystem::path();
}

void SignageView::finish(ZoneRun& run, int64_t now_ms, const std::string& outcome) {
    if (run.item.empty()) return;
    if (run.plan.kind == content::ZoneKind::media || run.plan.kind == content::ZoneKind::ticker) {
        Play play;
        play.item = run.item;
        play.zone = zone_tag_.empty() ? run.plan.zone : zone_tag_;
        play.started_at_ms = run.started_ms;
        play.duration_ms = now_ms - run.started_ms;
        play.version = content_ ? content_->info.version : 0;
        play.outcome = outcome;
        ++plays_recorded_;
        worker_.post([&station = station_, play] { SignageRecords(station).record_play(play); });
    }
    run.item.clear();
}

void SignageView::advance(ZoneRun& run, int64_t now_ms) {
    finish(run, now_ms, "played");
    run.ends_ms = -1;
    run.video = false;
    int count = int(run.plan.items.size());
    for (int step = 1; step <= count; ++step) {
        int index = (run.index + step) % count;
        const std::string& id = run.plan.items[size_t(index)];
        const content::Item* it = item(id);
        if (!it || quarantine_.count(id)) continue;
        run.index = index;
        run.item = id;
        run.started_ms = now_ms;
        int64_t duration = it->duration_s > 0
                               ? int64_t(it->duration_s) * 1000
                               : (it->kind == content::ItemKind::ticker ? kDefaultTickerMs : kDefaultItemMs);
        if (it->kind == content::ItemKind::video) {
            run.video = true;
            video_running_ = true;
            use_rgb_video(run);
            player().play(id, media_path(it->file));
        } else {
            run.ends_ms = now_ms + duration;
            if (it->kind == content::ItemKind::image) {
                if (video_running_ && run.plan.kind == content::ZoneKind::media) {
                    player().stop();
                    video_running_ = false;
                }
                request_image(id, zone_pixels(run.zone.width), zone_pixels(run.zone.height));
            }
        }
        prepare_next(run);
        return;
    }
    if (run.plan.kind == content::ZoneKind::media && video_running_) {
        player().stop();
        video_running_ = false;
    }
}

void SignageView::prepare_next(ZoneRun& run) {
    int count = int(run.plan.items.size());
    for (int step = 1; step <= count; ++step) {
        const std::string& id = run.plan.items[size_t((run.index + step) % count)];
        const content::Item* it = item(id);
        if (!it || quarantine_.count(id)) continue;
        if (id == run.item) return;  // a one-item loop replays itself
        if (it->kind == content::ItemKind::video && run.plan.kind == content::ZoneKind::media) {
            use_rgb_video(run);
            player().preroll(id, media_path(it->file));
        } else if (it->kind == content::ItemKind::image)
            request_image(id, zone_pixels(run.zone.width), zone_pixels(run.zone.height));
        return;
    }
}

void SignageView::request_image(const std::string& id, int width, int height) {
    if (images_.count(id) || images_loading_.count(id)) return;
    const content::Item* it = item(id);
    if (!it) return;
    images_loading_.insert(id);
    std::filesystem::path path = media_path(it->file);
    std::string name = it->file;
    std::weak_ptr<bool> alive = alive_;
    int64_t version = content_->info.version;
    // Decoded and scaled once, on the worker; only the texture upload happens on the UI thread.
    worker_.post([this, alive, id, path, name, width, height, version, &ui_queue = ui_queue_] {
        SDL_Surface* scaled = nullptr;
        std::string error;
        if (SDL_Surface* image = path.empty() ? nullptr : IMG_Load(path.c_str())) {
            float scale = std::min(float(width) / float(image->w), float(height) / float(image->h));
            int w = std::max(1, int(float(image->w) * scale)), h = std::max(1, int(float(image->h) * scale));
            SDL_Surface* rgba = SDL_ConvertSurfaceFormat(image, SDL_PIXELFORMAT_ARGB8888, 0);
            scaled = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
            if (rgba && scaled) {
                SDL_SetSurfaceBlendMode(rgba, SDL_BLENDMODE_NONE);
                if (SDL_BlitScaled(rgba, nullptr, scaled, nullptr) != 0) {
                    error = SDL_GetError();
                    SDL_FreeSurface(scaled);
                    scaled = nullptr;
                }
            }
            if (rgba) SDL_FreeSurface(rgba);
            SDL_FreeSurface(image);
        } else {
            error = path.empty() ? "file missing" : IMG_GetError();
        }
        ui_queue.post([this, alive, id, name, scaled, error, version] {
            if (!alive.lock() || !content_ || content_->info.version != version) {
                if (scaled) SDL_FreeSurface(scaled);
                return;
            }
            images_loading_.erase(id);
            if (!scaled) return skip(id, name + ": cannot show the image: " + error, "failed");
            SDL_Texture* texture = SDL_CreateTextureFromSurface(renderer_, scaled);
            Texture entry{texture, scaled->w, scaled->h};
            SDL_FreeSurface(scaled);
            if (!texture) return skip(id, name + ": cannot upload the image: " + SDL_GetError(), "failed");
            images_[id] = entry;
        });
    });
}

void SignageView::skip(const std::string& id, const std::string& reason, const std::string& outcome) {
    int64_t now_ms = station_.clock().now_ms();
    if (quarantine_.emplace(id, reason).second) {
        spdlog::warn("signage: item '{}' skipped and quarantined: {}", id, reason);
        station_.events().publish({"signage.item_skipped", {{"item", id}, {"reason", reason}}, now_ms});
    }
    for (ZoneRun& run : runs_) {
        if (run.item != id) continue;
        finish(run, now_ms, outcome);
        advance(run, now_ms);
    }
}

void SignageView::handle_player_events(int64_t now_ms) {
    if (!player_) return;
    for (const content::PlayerEvent& event : player_->take_events()) {
        ZoneRun* media = nullptr;
        for (ZoneRun& run : runs_)
            if (run.plan.kind == content::ZoneKind::media && run.video && run.item == event.item)
                media = &run;
        switch (event.kind) {
            case content::PlayerEventKind::started:
                break;
            case content::PlayerEventKind::ended:
                if (media) {
                    if (pending_) {
                        apply_pending(now_ms);  // a new version starts at this item boundary
                        return;
                    }
                    advance(*media, now_ms);
                }
                break;
            case content::PlayerEventKind::failed:
            case content::PlayerEventKind::hung: {
                // The player names the blob (a SHA-256 in the store); the editor knows the file.
                std::string reason = event.reason;
                if (const content::Item* it = item(event.item)) {
                    std::string blob = media_path(it->file).filename().string();
                    if (!blob.empty() && reason.rfind(blob, 0) == 0)
                        reason = it->file + reason.substr(blob.size());
                }
                skip(event.item, reason, content::to_string(event.kind));
                break;
            }
        }
    }
}

// With SDL's software renderer there is no GPU to convert I420 (the issue's "no CPU colour
// conversion" assumes one): SDL converts an IYUV texture on the UI thread at the video's size and
// then resamples it to the zone with a generic scaler. Asking libvlc for RGB at the zone's size
// has its swscale (SIMD, on its own threads) convert and scale once, and the frame is copied 1:1.
void SignageView::use_rgb_video(const ZoneRun& run) {
    if (software_renderer_)
        player().set_rgb_output(zone_pixels(run.zone.width), zone_pixels(run.zone.height));
}

// VideoTexture: with the software renderer libvlc writes each frame straight into the texture
// that is shown next (no copy on the UI thread); otherwise I420 into IYUV.
void SignageView::upload_frame() {
    if (!player_) return;
    if (!video_texture_) video_texture_ = std::make_unique<VideoTexture>(renderer_, "signage");
    if (!video_texture_->update(*player_)) return;
    video_.texture = video_texture_->texture();
    video_.width = video_texture_->width();
    video_.height = video_texture_->height();
    shown_ = video_.texture ? &video_ : shown_;
}

// The media zone's picture when it is a video frame (opaque: no blending) on whole pixels: the
// black under it is never seen, so draw() leaves it out.
std::optional<Rect> SignageView::opaque_picture(const ZoneRun& run, const Rect& rect) const {
    const content::Item* it = item(run.item);
    if ((it && it->kind == content::ItemKind::notice) || shown_ != &video_ || !video_.texture)
        return std::nullopt;
    Rect picture = picture_rect(rect, video_.width, video_.height);
    Rect shown{ImVec2(std::max(picture.min.x, rect.min.x), std::max(picture.min.y, rect.min.y)),
               ImVec2(std::min(picture.max.x, rect.max.x), std::min(picture.max.y, rect.max.y))};
    if (!on_whole_pixels(shown) || shown.width() <= 0 || shown.height() <= 0) return std::nullopt;
    return shown;
}

bool SignageView::covers(const Rect& window) const {
    return covered_ && area_.min.x <= window.min.x && area_.min.y <= window.min.y &&
           area_.max.x >= window.max.x && area_.max.y >= window.max.y;
}

void SignageView::idle() {
    covered_ = false;
    if (!drawn_this_frame_ && !runs_.empty()) {
        int64_t now_ms = station_.clock().now_ms();
        for (ZoneRun& run : runs_) finish(run, now_ms, "played");
        runs_.clear();
        plan_checked_minute_ = -1;
        if (video_running_) player().stop();
        video_running_ = false;
    }
    drawn_this_frame_ = false;
}

void SignageView::draw(ScreenContext& ctx, const Rect& area) {
    drawn_this_frame_ = true;
    int64_t now_ms = station_.clock().now_ms();
    area_ = area;
    // Every path below paints all of `area` opaquely on whole pixels: the layout's black (around
    // an opaque video frame) or the header colour.
    covered_ = on_whole_pixels(area);
    if (plan_checked_minute_ != now_ms / 60'000) {
        // Schedules change on minute boundaries; a plan that did not change keeps its runs.
        auto fresh = content_ ? content::plan_at(content_->manifest.content, local_now(from_ms(now_ms)))
                              : std::optional<content::Plan>();
        bool same = fresh && plan_ && fresh->schedule == plan_->schedule && fresh->layout == plan_->layout;
        if (pending_)
            apply_pending(now_ms);
        else if (!same || runs_.empty())
            replan(now_ms);
        plan_checked_minute_ = now_ms / 60'000;
    }
    handle_player_events(now_ms);
    for (ZoneRun& run : runs_)
        if (run.ends_ms >= 0 && now_ms >= run.ends_ms) {
            if (pending_ && run.plan.kind == content::ZoneKind::media) {
                apply_pending(now_ms);
                break;
            }
            advance(run, now_ms);
        }
    upload_frame();

    ImDrawList* draw = ImGui::GetWindowDrawList();
    if (!layout_) {
        const Palette& c = ctx.theme.colors;
        draw->AddRectFilled(area.min, area.max, c.header.u32());
        text_centered(ctx.fonts.help,
                      ImVec2(area.center().x, area.center().y - ctx.fonts.help->FontSize * 0.6f),
                      c.header_text, station_.config().station.name);
        text_centered(
            ctx.fonts.title, ImVec2(area.center().x, area.center().y + ctx.fonts.help->FontSize * 0.6f),
            c.header_text, chinese_date(station_.clock().now()) + "  " + clock_time(station_.clock().now()));
        return;
    }
    Rect canvas = fit(area, float(layout_->width), float(layout_->height));
    float scale = canvas.width() / float(layout_->width);
    auto zone_rect = [&](const ZoneRun& run) {
        return Rect{
            ImVec2(canvas.min.x + float(run.zone.x) * scale, canvas.min.y + float(run.zone.y) * scale),
            ImVec2(canvas.min.x + float(run.zone.x + run.zone.width) * scale,
                   canvas.min.y + float(run.zone.y + run.zone.height) * scale)};
    };
    // Black behind the layout (its margins, between zones, around a picture), not under a video.
    std::optional<Rect> video_picture;
    for (ZoneRun& run : runs_)
        if (run.plan.kind == content::ZoneKind::media) {
            show_media(run);
            video_picture = opaque_picture(run, zone_rect(run));
            break;
        }
    fill_around(draw, area, video_picture, IM_COL32(0, 0, 0, 255));
    for (ZoneRun& run : runs_) {
        Rect rect = zone_rect(run);
        draw->PushClipRect(rect.min, rect.max, true);
        switch (run.plan.kind) {
            case content::ZoneKind::media:
                draw_media(ctx, run, rect);
                break;
            case content::ZoneKind::notices:
                draw_notices(ctx, run, rect);
                break;
            case content::ZoneKind::ticker:
                draw_ticker(ctx, run, rect);
                break;
            case content::ZoneKind::clock:
                draw_clock(ctx, rect);
                break;
            case content::ZoneKind::queue:
                draw_queue(ctx, rect);
                break;
        }
        draw->PopClipRect();
    }
}

void SignageView::show_media(const ZoneRun& run) {
    const content::Item* it = item(run.item);
    if (it && it->kind == content::ItemKind::image) {
        if (auto found = images_.find(run.item); found != images_.end()) shown_ = &found->second;
    }
}

void SignageView::draw_media(ScreenContext& ctx, ZoneRun& run, const Rect& rect) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const content::Item* it = item(run.item);
    show_media(run);
    if (it && it->kind == content::ItemKind::notice) {
        const Palette& c = ctx.theme.colors;
        draw->AddRectFilled(rect.min, rect.max, c.background.u32());
        Rect inner = rect.inset(std::min(rect.width(), rect.height()) * 0.06f);
        float y = draw_wrapped(ctx.fonts.help, inner.min, inner.width(), inner.max.y, c.header, it->title);
        draw_wrapped(ctx.fonts.title, ImVec2(inner.min.x, y + ctx.fonts.title->FontSize * 0.5f),
                     inner.width(), inner.max.y, c.text, it->body);
        return;
    }
    // The last picture (video frame or image) stays until the next one is ready: never black.
    if (shown_ && shown_->texture) {
        Rect picture = picture_rect(rect, shown_->width, shown_->height);
        draw->AddImage(static_cast<ImTextureID>(shown_->texture), picture.min, picture.max);
    }
}

void SignageView::draw_notices(ScreenContext& ctx, const ZoneRun& run, const Rect& rect) {
    const Palette& c = ctx.theme.colors;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(rect.min, rect.max, c.background.u32());
    float pad = ctx.theme.mm(4);
    float y = rect.min.y + pad;
    text_at(ctx.fonts.title, ImVec2(rect.min.x + pad, y), c.header, tr("signage.notices_title"));
    y += ctx.fonts.title->FontSize * 1.6f;
    for (const std::string& id : run.plan.items) {
        const content::Item* it = item(id);
        if (!it || it->kind != content::ItemKind::notice) continue;
        if (y + ctx.fonts.body->FontSize * 2 > rect.max.y) break;
        float top = y;
        draw->AddRectFilled(
            ImVec2(rect.min.x + pad, top),
            ImVec2(rect.min.x + pad + ctx.theme.mm(1.5), top + ctx.fonts.body->FontSize * 1.3f),
            c.accent.u32());
        float x = rect.min.x + pad + ctx.theme.mm(4);
        float width = rect.max.x - pad - x;
        y = draw_wrapped(ctx.fonts.body, ImVec2(x, y), width, rect.max.y, c.text, it->title);
        if (!it->date.empty())
            y = draw_wrapped(ctx.fonts.small, ImVec2(x, y), width, rect.max.y, c.text_muted, it->date);
        y = draw_wrapped(ctx.fonts.small, ImVec2(x, y), width,
                         std::min(rect.max.y, y + ctx.fonts.small->FontSize * 4.2f), c.text_muted, it->body);
        y += pad;
    }
}

void SignageView::draw_ticker(ScreenContext& ctx, ZoneRun& run, const Rect& rect) {
    const Palette& c = ctx.theme.colors;
    ImGui::GetWindowDrawList()->AddRectFilled(rect.min, rect.max, c.header.u32());
    const content::Item* it = item(run.item);
    if (!it) return;
    std::string text = it->kind == content::ItemKind::ticker ? it->text : it->title;
    ImFont* font = ctx.fonts.title->FontSize <= rect.height() * 0.8f ? ctx.fonts.title : ctx.fonts.body;
    // A line wider than the zone is shown in parts, each for its share of the item's time, so
    // nothing runs off the screen and nothing needs a scrolling (always redrawing) marquee.
    std::vector<std::string> parts = wrap_lines(font, rect.width() - ctx.theme.mm(8), text);
    if (parts.empty()) return;
    run.pages = int(parts.size());
    size_t page = 0;
    int64_t now_ms = station_.clock().now_ms();
    if (parts.size() > 1 && run.ends_ms > run.started_ms) {
        int64_t share = (run.ends_ms - run.started_ms) / int64_t(parts.size());
        page = size_t(std::clamp<int64_t>((now_ms - run.started_ms) / std::max<int64_t>(1, share), 0,
                                          int64_t(parts.size()) - 1));
    }
    text_at(font, ImVec2(rect.min.x + ctx.theme.mm(4), rect.center().y - font->FontSize / 2), c.header_text,
            parts[page]);
}

void SignageView::draw_clock(ScreenContext& ctx, const Rect& rect) {
    const Palette& c = ctx.theme.colors;
    ImGui::GetWindowDrawList()->AddRectFilled(rect.min, rect.max, c.header.u32());
    TimePoint now = station_.clock().now();
    ImFont* big = ctx.fonts.help->FontSize * 2.2f <= rect.height() ? ctx.fonts.help : ctx.fonts.title;
    float total = big->FontSize + ctx.fonts.body->FontSize * 1.3f;
    float top = rect.center().y - total / 2;
    text_centered(big, ImVec2(rect.center().x, top + big->FontSize / 2), c.header_text, clock_time(now));
    text_centered(ctx.fonts.body,
                  ImVec2(rect.center().x, top + big->FontSize + ctx.fonts.body->FontSize * 0.8f),
                  c.header_text, chinese_date(now));
}

void SignageView::refresh_queue() {
    std::weak_ptr<bool> alive = alive_;
    worker_.post([this, alive, &station = station_, &ui_queue = ui_queue_] {
        std::vector<std::string> serving, waiting;
        for (const HelpRequest& request : station.help_desk().open_requests())
            (request.state == HelpState::called ? waiting : serving).push_back(request.ticket);
        ui_queue.post([this, alive, serving, waiting] {
            if (!alive.lock()) return;
            queue_serving_ = serving;
            queue_waiting_ = waiting;
        });
    });
}

void SignageView::draw_queue(ScreenContext& ctx, const Rect& rect) {
    const Palette& c = ctx.theme.colors;
    ImGui::GetWindowDrawList()->AddRectFilled(rect.min, rect.max, c.tile.u32());
    float pad = ctx.theme.mm(4);
    float y = rect.min.y + pad;
    auto line = [&](ImFont* font, Rgb color, const std::string& text) {
        if (y + font->FontSize > rect.max.y) return;
        text_at(font, ImVec2(rect.min.x + pad, y), color, text);
        y += font->FontSize * float(Theme::kLineSpacing);
    };
    line(ctx.fonts.title, c.header, tr("signage.queue_title"));
    if (queue_serving_.empty() && queue_waiting_.empty())
        return line(ctx.fonts.body, c.text_muted, tr("signage.queue_empty"));
    auto join = [](const std::vector<std::string>& tickets) {
        std::string out;
        for (const std::string& t : tickets) out += (out.empty() ? "" : "  ") + t;
        return out;
    };
    if (!queue_serving_.empty()) {
        line(ctx.fonts.body, c.text, tr("signage.serving"));
        line(ctx.fonts.tile, c.accent, join(queue_serving_));
    }
    if (!queue_waiting_.empty()) {
        line(ctx.fonts.body, c.text, tr("signage.waiting"));
        line(ctx.fonts.tile, c.text, join(queue_waiting_));
    }
}

void SignageView::draw_alert(ScreenContext& ctx, const Alert& alert) {
    const Palette& c = ctx.theme.colors;
    // A window of its own above every screen, so it covers the help button too.
    bool full = alert.mode == "fullscreen";
    float banner_height = std::max(ctx.theme.mm(28), ctx.size.y * 0.16f);
    ImVec2 pos(0, full ? 0 : ctx.size.y - banner_height);
    ImVec2 size(ctx.size.x, full ? ctx.size.y : banner_height);
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(c.help.r, c.help.g, c.help.b, 1.f));
    ImGui::Begin("##alert", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav);
    Rect rect{pos, ImVec2(pos.x + size.x, pos.y + size.y)};
    float pad = ctx.theme.mm(6);
    std::string title = alert.title.empty() ? std::string(tr("signage.alert_title")) : alert.title;
    if (full) {
        float y = rect.min.y + rect.height() * 0.15f;
        text_centered(ctx.fonts.help, ImVec2(rect.center().x, y), c.help_text, title);
        draw_wrapped(ctx.fonts.tile, ImVec2(rect.min.x + pad * 2, y + ctx.fonts.help->FontSize * 1.2f),
                     rect.width() - pad * 4, rect.max.y - pad, c.help_text, alert.text);
    } else {
        text_at(ctx.fonts.title, ImVec2(rect.min.x + pad, rect.min.y + pad * 0.5f), c.help_text,
                "【" + title + "】");
        draw_wrapped(ctx.fonts.body,
                     ImVec2(rect.min.x + pad, rect.min.y + pad * 0.5f + ctx.fonts.title->FontSize * 1.4f),
                     rect.width() - pad * 2, rect.max.y, c.help_text, alert.text);
    }
    ImGui::End();
    ImGui::PopStyleColor();
}

int64_t SignageView::alert_ms_until_change(int64_t now_ms) const {
    int64_t until = -1;
    for (const Alert& alert : alerts_)
        if (alert.active_at(now_ms)) {
            int64_t ms = alert.expires_at_ms - now_ms;
            if (until < 0 || ms < until) until = ms;
        }
    return until;
}

int64_t SignageView::ms_until_change(int64_t now_ms) const {
    int64_t until = 60'000 - now_ms % 60'000;  // the clock zone, and schedules change on minutes
    if (!layout_ && !content_) return until;
    for (const ZoneRun& run : runs_) {
        if (run.ends_ms < 0) continue;
        until = std::min(until, std::max<int64_t>(0, run.ends_ms - now_ms));
        if (run.pages > 1 && run.ends_ms > run.started_ms) {  // the next part of a long ticker line
            int64_t share = std::max<int64_t>(1, (run.ends_ms - run.started_ms) / run.pages);
            int64_t into = now_ms - run.started_ms;
            if (into >= 0) until = std::min(until, share - into % share);
        }
    }
    return until;
}

}  // namespace station::ui
