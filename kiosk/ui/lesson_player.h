// LessonPlayer: 学习驿站's video lessons, played large in the lessons screen's body, with sound.
// One per KioskUi (like SignageView), shared with the lessons screen through ScreenContext.
// UI thread only, except where noted.
//
//  - playback  content::VideoPlayer with audio into an SDL IYUV texture (GPU renderers) or, with
//              SDL's software renderer, 32-bit RGB frames libvlc already scaled to the picture's
//              area and wrote straight into the texture (VideoTexture), copied 1:1; the area is
//              known at the first draw_video, so there the lesson starts (a frame later); a frame
//              wakes the UI for one frame (UiQueue::request_frame); the last picture stays up
//              (pause, end, 从头播放)
//  - volume    follows the visitor's Voice volume; the lesson holds (pauses) while the Voice
//              speaks or a full-screen emergency notice covers it, and goes on after, so nothing
//              talks over it and nothing is missed
//  - failure   a missing, corrupt or stuck file closes the lesson; failure() says so in words for
//              the list, the reason goes to the log
//  - leaving   idle() at the end of every frame: a frame that did not draw the lesson (home, the
//              idle reset, another screen) stops the video and its sound
//  - idle rule keeps_visitor(): a lesson playing (not paused by the visitor) counts as activity,
//              so a ten-minute lesson is not cut off at the idle timeout
//  - proof     every lesson that leaves the screen is recorded with zone "lessons"
//  - lengths   the content's duration_s, else probed with libvlc on a worker of its own
#pragma once
#include <SDL.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "content/player.h"
#include "kiosk/core/events.h"
#include "kiosk/core/worker.h"
#include "kiosk/ui/notices.h"
#include "kiosk/ui/screen.h"
#include "kiosk/ui/video_texture.h"
#include "kiosk/ui/voice.h"
#include "kiosk/ui/widgets.h"

namespace station::ui {

class LessonPlayer {
public:
    enum class State {
        closed,   // the list shows
        opening,  // asked to play, no picture yet
        playing,
        paused,   // by the visitor (暂停)
        ended,    // played to its end; the last picture stays
    };

    // `renderer`, the queue, `worker` (proof of play) and `voice` must outlive the player.
    LessonPlayer(Station& station, SDL_Renderer* renderer, UiQueue& ui_queue, Worker& worker, Voice& voice);
    ~LessonPlayer();
    LessonPlayer(const LessonPlayer&) = delete;
    LessonPlayer& operator=(const LessonPlayer&) = delete;

    // Plays `lesson` from `file` (a path in the content store) now; `version`: the content's, for
    // proof of play. A lesson already open is closed (and recorded) first.
    void open(const LessonView& lesson, const std::filesystem::path& file, int64_t version);
    void toggle_pause();  // 暂停 / 继续; nothing when no lesson plays
    void restart();       // 从头播放
    void close();         // 返回列表: stops the video and its sound

    // The lessons screen calls this every frame it draws, before drawing: takes the player's
    // events (an end; a failure, which closes the lesson) and marks the screen as shown.
    void update() {
        drawn_this_frame_ = true;
        handle_events();
    }
    // Takes the player's newest frame and draws the picture fitted into `area` (black bars;
    // "正在打开" until the first picture).
    void draw_video(ScreenContext& ctx, const Rect& area);
    // End of every frame (KioskUi): when the lessons screen did not draw, the lesson is closed
    // and its failure note forgotten.
    void idle();

    State state() const { return state_; }
    const LessonView* lesson() const { return state_ == State::closed ? nullptr : &lesson_; }
    bool keeps_visitor() const { return state_ == State::opening || state_ == State::playing; }
    bool held() const { return held_; }                   // paused for the Voice or an alert
    const std::string& failure() const { return failure_; }  // the last lesson that could not play
    int64_t elapsed_ms() const;                           // time played, by the station's clock
    // The lesson's length in seconds: the content's duration_s, else what the probe found; 0 while
    // unknown (the probe runs once per file, on the player's own worker).
    int length_s(const LessonView& lesson, const std::filesystem::path& file);
    int volume_percent() const { return volume_percent_; }  // what the player was last given

    // Tests and the audit: blocks (taking events and frames) until the lesson shows its first
    // picture (true) or fails (false), or `limit` passes (false).
    bool wait_for_picture(std::chrono::milliseconds limit);
    void wait_for_lengths();      // tests: the probes are done (their results arrive via the queue)
    content::VideoPlayer* video() { return player_.get(); }  // tests; null before the first lesson
    const VideoTexture* video_texture() const { return video_.get(); }  // tests; null before a frame

private:
    content::VideoPlayer& player();  // created on the first lesson
    void start_play();               // the opened lesson to the player, once
    void handle_events();
    void upload_frame();
    void apply_pause();              // the player paused when the visitor or a hold asks
    void record(const std::string& outcome);
    void fail(const content::PlayerEvent& event);

    Station& station_;
    SDL_Renderer* renderer_;
    UiQueue& ui_queue_;
    Worker& worker_;
    Voice& voice_;
    std::unique_ptr<content::VideoPlayer> player_;
    std::unique_ptr<Worker> probe_worker_;  // libvlc probes; created on the first unknown length

    State state_ = State::closed;
    LessonView lesson_;
    std::filesystem::path file_;
    int64_t version_ = 0;
    std::string play_id_;         // the item id given to the player for this opening
    int serial_ = 0;              // makes play_id_ unique per opening, so late events are ignored
    int64_t started_ms_ = 0;      // this play, for proof of play
    bool play_open_ = false;      // this play is not recorded yet
    int64_t played_ms_ = 0;       // time played before the current run
    int64_t run_since_ms_ = -1;   // the current run's start; -1 while not running
    bool held_ = false;
    bool player_paused_ = false;  // what the player was last told
    int volume_percent_ = -1;
    std::unique_ptr<VideoTexture> video_;  // the lesson's frames (owns the textures)
    bool has_picture_ = false;    // video_ holds a frame of this opening
    bool play_pending_ = false;   // opened, not yet given to the player (software renderer)
    bool software_renderer_ = false;
    int rgb_width_ = 0, rgb_height_ = 0;  // the box last given to set_rgb_output
    bool drawn_this_frame_ = false;
    std::string failure_;
    std::map<std::filesystem::path, int> lengths_;  // probed seconds by file; 0: unknown or failed
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // queued work checks it
};

}  // namespace station::ui
