// SignageView: the station's content on screen (issue 5). One per KioskUi, shared by the
// `signage` screen (the public display's layout), the touchscreen's attract loop and the
// emergency-notice overlay every screen draws. UI thread only, except where noted.
//
//  - content   the store's active version, read on the UI's worker at start and after every
//              "content.activated"; a new version is taken at the next item boundary
//  - plan      content::plan_at() at the station's local time, asked again at item boundaries
//  - media     one zone plays videos through content::VideoPlayer (pre-rolled, no black gap) into
//              an SDL IYUV texture (GPU renderers) or, with SDL's software renderer, 32-bit RGB
//              frames that libvlc already scaled to the zone and wrote straight into the texture
//              (VideoTexture), copied 1:1; images through SDL_image,
//              decoded and scaled to the zone once on the worker; the last picture stays up until
//              the next is ready
//  - skips     an item that fails or hangs is quarantined (until the next content version) with
//              its reason logged and published as "signage.item_skipped" {"item","reason"}
//  - proof     every item that leaves the screen is recorded (SignageRecords::record_play)
//  - alerts    "alert.created" / "alert.withdrawn" from the bus; alert_on_screen() every frame
#pragma once
#include <SDL.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "content/player.h"
#include "content/schedule.h"
#include "content/store.h"
#include "kiosk/core/signage.h"
#include "kiosk/ui/screen.h"
#include "kiosk/ui/video_texture.h"
#include "kiosk/ui/widgets.h"

namespace station::ui {

class SignageView {
public:
    // `renderer` and the queue/worker must outlive the view.
    SignageView(Station& station, SDL_Renderer* renderer, UiQueue& ui_queue, Worker& worker);
    ~SignageView();
    SignageView(const SignageView&) = delete;
    SignageView& operator=(const SignageView&) = delete;

    // Content to show now: a version is loaded and one of its schedules applies.
    bool has_content() const;
    // Draws the current layout, scaled to fit `area`, into the current ImGui window; `zone_tag`
    // names where it plays in proof of play ("" = the layout's zone ids).
    void draw(ScreenContext& ctx, const Rect& area);
    // Called once per rendered frame in which nothing drew the view: the video stops, so a
    // touchscreen that shows home decodes nothing.
    void idle();
    // Milliseconds until the picture changes by itself; 0 while a video plays (its frames wake
    // the UI); -1 when nothing changes by itself.
    int64_t ms_until_change(int64_t now_ms) const;

    // The emergency notice that takes the screen now, if any; and its overlay (every screen).
    std::optional<Alert> alert(int64_t now_ms) const { return alert_on_screen(alerts_, now_ms); }
    void draw_alert(ScreenContext& ctx, const Alert& alert);
    int64_t alert_ms_until_change(int64_t now_ms) const;  // until the next alert expires; -1 none

    // The newest active content this view has read (on its worker, at start and after every
    // "content.activated"), or null before the first read. Other screens take their notices and
    // lessons from here, so nothing reads the store on the UI thread. A new version is a new pointer.
    std::shared_ptr<const content::ActiveContent> latest_content() const { return pending_ ? pending_ : content_; }

    // For tests and the bench.
    std::optional<int64_t> content_version() const;
    const std::map<std::string, std::string>& quarantine() const { return quarantine_; }  // item -> reason
    std::string media_item() const;  // the media zone's current item id
    content::VideoPlayer& player();  // created on first use
    const VideoTexture* video_texture() const { return video_texture_.get(); }  // null before a frame
    // True between draw() and idle() when this frame's draw painted all of `window` opaquely (the
    // view covers its area: black bands around an opaque video or a full fill): KioskUi then
    // skips SDL_RenderClear.
    bool covers(const Rect& window) const;
    void set_attract(bool attract) { zone_tag_ = attract ? "attract" : ""; }
    // Runs queued work now and waits for loads (tests): worker idle, then UI queue.
    int64_t plays_recorded() const { return plays_recorded_; }

private:
    struct Texture {
        SDL_Texture* texture = nullptr;
        int width = 0, height = 0;
        Uint32 format = 0;  // SDL_PIXELFORMAT_*
    };
    struct ZoneRun {
        content::ZonePlan plan;
        content::Zone zone;  // layout coordinates
        int index = -1;      // into plan.items
        std::string item;    // current item id ("" none)
        int64_t started_ms = 0;
        int64_t ends_ms = -1;  // images, notices, ticker lines; -1: the player says
        bool video = false;
        int pages = 1;  // a ticker line wider than its zone is shown in parts, in turn (set by draw)
    };

    void load_content();                         // worker: store.active() -> apply at boundary
    void apply_pending(int64_t now_ms);          // at an item boundary: new version, new runs
    void adopt_pending(int64_t now_ms);          // the new version, runs built by the next draw
    void replan(int64_t now_ms);                 // plan_at(now) and fresh zone runs
    void advance(ZoneRun& run, int64_t now_ms);  // to the next playable item
    void finish(ZoneRun& run, int64_t now_ms, const std::string& outcome);
    void prepare_next(ZoneRun& run);  // pre-roll or pre-load the item after current
    void request_image(const std::string& item, int width, int height);
    void handle_player_events(int64_t now_ms);
    void skip(const std::string& item, const std::string& reason, const std::string& outcome);
    int zone_pixels(int design) const;  // a design length on screen, at the last draw's scale
    void upload_frame();
    void use_rgb_video(const ZoneRun& run);  // software renderer: frames scaled to the zone by libvlc
    std::optional<Rect> opaque_picture(const ZoneRun& run, const Rect& rect) const;
    const content::Item* item(const std::string& id) const;
    std::filesystem::path media_path(const std::string& file) const;
    void show_media(const ZoneRun& run);  // an image item whose texture is ready becomes shown_
    void draw_media(ScreenContext& ctx, ZoneRun& run, const Rect& rect);
    void draw_notices(ScreenContext& ctx, const ZoneRun& run, const Rect& rect);
    void draw_ticker(ScreenContext& ctx, ZoneRun& run, const Rect& rect);
    void draw_clock(ScreenContext& ctx, const Rect& rect);
    void draw_queue(ScreenContext& ctx, const Rect& rect);
    void refresh_queue();

    Station& station_;
    SDL_Renderer* renderer_;
    UiQueue& ui_queue_;
    Worker& worker_;
    std::unique_ptr<content::VideoPlayer> player_;
    int subscription_ = 0;

    std::shared_ptr<const content::ActiveContent> content_;  // what plays
    std::shared_ptr<const content::ActiveContent> pending_;  // arrived, taken at the next boundary
    std::optional<content::Plan> plan_;
    const content::Layout* layout_ = nullptr;
    std::vector<ZoneRun> runs_;
    int64_t plan_checked_minute_ = -1;
    std::map<std::string, std::string> quarantine_;  // item id -> reason, for this content version
    std::vector<Alert> alerts_;
    std::string zone_tag_;
    Rect area_{};  // where the last draw put the layout
    bool covered_ = false;  // this frame's draw painted area_ in full

    bool software_renderer_ = false;         // SDL's software renderer: no GPU converts or scales
    std::unique_ptr<VideoTexture> video_texture_;  // the playing video's frames (owns the textures)
    Texture video_;                                // its last frame (not owned: video_texture_'s)
    std::map<std::string, Texture> images_;  // item id -> texture scaled to its zone
    std::set<std::string> images_loading_;
    Texture* shown_ = nullptr;  // what the media zone shows (never cleared)
    bool video_shown_ = false;
    bool video_running_ = false;
    bool drawn_this_frame_ = false;
    std::vector<std::string> queue_serving_, queue_waiting_;  // tickets
    int64_t plays_recorded_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // queued work checks it
};

}  // namespace station::ui
