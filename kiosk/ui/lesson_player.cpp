#include "kiosk/ui/lesson_player.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "content/media_probe.h"
#include "kiosk/core/catalogue.h"
#include "kiosk/core/signage.h"
#include "kiosk/ui/signage_view.h"

namespace station::ui {

namespace {

// Offscreen renders (--screenshot, --audit, tests: SDL's dummy video driver) have nobody to hear.
bool offscreen() {
    const char* driver = SDL_GetCurrentVideoDriver();
    return driver && std::string(driver) == "dummy";
}

}  // namespace

LessonPlayer::LessonPlayer(Station& station, SDL_Renderer* renderer, UiQueue& ui_queue, Worker& worker,
                           Voice& voice)
    : station_(station), renderer_(renderer), ui_queue_(ui_queue), worker_(worker), voice_(voice) {
    SDL_RendererInfo info{};
    software_renderer_ = SDL_GetRendererInfo(renderer_, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
}

LessonPlayer::~LessonPlayer() {
    *alive_ = false;
    if (state_ != State::closed) record("played");
    probe_worker_.reset();  // joins: no probe reports after this
    player_.reset();        // stops and releases libvlc before the textures go (it may write into one)
    video_.reset();
}

content::VideoPlayer& LessonPlayer::player() {
    // Created on the first lesson: a kiosk whose visitors watch none never starts libvlc for it.
    if (!player_) {
        content::VideoPlayerOptions options;
        options.audio = !offscreen();
        options.wake = [&ui_queue = ui_queue_] { ui_queue.request_frame(); };
        player_ = std::make_unique<content::VideoPlayer>(std::move(options));
        if (!player_->startup_error().empty()) spdlog::error("lessons: {}", player_->startup_error());
    }
    return *player_;
}

void LessonPlayer::open(const LessonView& lesson, const std::filesystem::path& file, int64_t version) {
    if (state_ != State::closed) close();
    lesson_ = lesson;
    file_ = file;
    version_ = version;
    failure_.clear();
    play_id_ = lesson.id + "#" + std::to_string(++serial_);
    state_ = State::opening;
    started_ms_ = station_.clock().now_ms();
    play_open_ = true;
    played_ms_ = 0;
    run_since_ms_ = -1;
    held_ = player_paused_ = false;
    has_picture_ = false;
    play_pending_ = true;
    volume_percent_ = int(voice_.volume() * 100.f + 0.5f);
    player().set_volume(voice_.volume());
    // A GPU converts and scales I420 at any size: play now. The software renderer's RGB frames are
    // made to the picture's area, which the next draw_video knows.
    if (!software_renderer_) start_play();
    spdlog::info("lessons: playing '{}'", lesson.id);
}

void LessonPlayer::start_play() {
    if (!play_pending_ || state_ == State::closed) return;
    play_pending_ = false;
    player().play(play_id_, file_);
    apply_pause();  // a pause asked before the player had the lesson
}

void LessonPlayer::toggle_pause() {
    int64_t now_ms = station_.clock().now_ms();
    if (state_ == State::playing || state_ == State::opening) {
        if (run_since_ms_ >= 0) played_ms_ += now_ms - run_since_ms_;
        run_since_ms_ = -1;
        state_ = State::paused;
    } else if (state_ == State::paused) {
        state_ = has_picture_ ? State::playing : State::opening;
    }
    apply_pause();
}

void LessonPlayer::restart() {
    if (state_ == State::closed) return;
    LessonView lesson = lesson_;
    std::filesystem::path file = file_;
    int64_t version = version_;
    record("played");
    state_ = State::closed;  // the old deck stops when the new one plays: no stop() in between
    // The last picture stays up until the first new one: never black in between.
    bool had_picture = has_picture_;
    open(lesson, file, version);
    has_picture_ = had_picture;
    state_ = State::opening;
}

void LessonPlayer::close() {
    if (state_ == State::closed) return;
    record("played");
    state_ = State::closed;
    run_since_ms_ = -1;
    play_pending_ = false;
    if (player_) player_->stop();
    spdlog::info("lessons: '{}' closed", lesson_.id);
}

void LessonPlayer::record(const std::string& outcome) {
    if (!play_open_) return;  // recorded already (it ended, then the visitor left)
    play_open_ = false;
    Play play;
    play.item = lesson_.id;
    play.zone = "lessons";
    play.started_at_ms = started_ms_;
    play.duration_ms = station_.clock().now_ms() - started_ms_;
    play.version = version_;
    play.outcome = outcome;
    worker_.post([&station = station_, play] { SignageRecords(station).record_play(play); });
}

void LessonPlayer::fail(const content::PlayerEvent& event) {
    // The player names the blob (a SHA-256 in the store); the log names the lesson's file too.
    spdlog::warn("lessons: '{}' ({}) cannot play: {}", lesson_.id, lesson_.file, event.reason);
    std::string words = event.kind == content::PlayerEventKind::hung              ? tr("lessons.stuck")
                        : event.reason.find("file missing") != std::string::npos ? tr("lessons.missing")
                                                                                   : tr("lessons.corrupt");
    std::string title = lesson_.title;
    record(content::to_string(event.kind));
    state_ = State::closed;
    run_since_ms_ = -1;
    if (player_) player_->stop();
    failure_ = fill(words, {{"title", title}});
}

void LessonPlayer::handle_events() {
    if (!player_) return;
    for (const content::PlayerEvent& event : player_->take_events()) {
        if (event.item != play_id_ || state_ == State::closed) continue;  // an earlier opening
        switch (event.kind) {
            case content::PlayerEventKind::started:
                break;
            case content::PlayerEventKind::ended:
                if (run_since_ms_ >= 0) played_ms_ += station_.clock().now_ms() - run_since_ms_;
                run_since_ms_ = -1;
                state_ = State::ended;
                record("played");
                spdlog::info("lessons: '{}' played to its end", lesson_.id);
                break;
            case content::PlayerEventKind::failed:
            case content::PlayerEventKind::hung:
                fail(event);
                break;
        }
    }
}

void LessonPlayer::upload_frame() {
    if (!player_ || state_ == State::closed) return;
    if (play_pending_) return;
    if (!video_) video_ = std::make_unique<VideoTexture>(renderer_, "lessons");
    if (video_->update(*player_) && video_->texture()) has_picture_ = true;
    if (has_picture_ && state_ == State::opening) state_ = State::playing;
    if (state_ == State::playing && !held_ && run_since_ms_ < 0) run_since_ms_ = station_.clock().now_ms();
}

void LessonPlayer::apply_pause() {
    bool pause = state_ == State::paused || held_;
    int64_t now_ms = station_.clock().now_ms();
    if (held_ && run_since_ms_ >= 0) {
        played_ms_ += now_ms - run_since_ms_;
        run_since_ms_ = -1;
    }
    if (!player_ || play_pending_ || pause == player_paused_ || state_ == State::ended ||
        state_ == State::closed)
        return;
    player_paused_ = pause;
    player_->pause(pause);
}

void LessonPlayer::draw_video(ScreenContext& ctx, const Rect& area) {
    if (state_ == State::closed) return;
    // Nothing talks over a lesson: it holds while the Voice speaks or an emergency notice covers
    // the whole screen, and goes on by itself after.
    int64_t now_ms = station_.clock().now_ms();
    bool covered = false;
    if (ctx.signage)
        if (auto alert = ctx.signage->alert(now_ms)) covered = alert->mode == "fullscreen";
    held_ = voice_.ms_until_done() >= 0 || covered;
    if (software_renderer_) {
        // RGB frames libvlc fits into the area's pixels: drawn 1:1, nothing scaled on this thread.
        int width = int(std::floor(area.width())), height = int(std::floor(area.height()));
        if (width > 0 && height > 0 && (width != rgb_width_ || height != rgb_height_)) {
            rgb_width_ = width;
            rgb_height_ = height;
            player().set_rgb_output(width, height);  // the lessons loaded from now on
        }
    }
    start_play();
    apply_pause();
    int percent = int(voice_.volume() * 100.f + 0.5f);
    if (percent != volume_percent_) {
        volume_percent_ = percent;
        player().set_volume(voice_.volume());
    }
    if (state_ != State::paused) upload_frame();

    ImDrawList* draw = ImGui::GetWindowDrawList();
    if (has_picture_ && video_ && video_->texture()) {
        Rect picture = picture_rect(area, video_->width(), video_->height());
        // Black around the picture only: SDL's software renderer blends every untextured quad, and
        // the opaque picture covers its own part.
        fill_around(draw, area, picture, IM_COL32(0, 0, 0, 255));
        draw->AddImage(static_cast<ImTextureID>(video_->texture()), picture.min, picture.max);
    } else {
        draw->AddRectFilled(area.min, area.max, IM_COL32(0, 0, 0, 255));
        text_centered(ctx.fonts.title, area.center(), Rgb{1.f, 1.f, 1.f}, tr("lessons.opening"));
    }
}

void LessonPlayer::idle() {
    if (!drawn_this_frame_) {
        close();
        failure_.clear();
    }
    drawn_this_frame_ = false;
}

int64_t LessonPlayer::elapsed_ms() const {
    int64_t ms = played_ms_;
    if (run_since_ms_ >= 0) ms += station_.clock().now_ms() - run_since_ms_;
    return std::max<int64_t>(0, ms);
}

int LessonPlayer::length_s(const LessonView& lesson, const std::filesystem::path& file) {
    if (lesson.duration_s > 0) return lesson.duration_s;
    if (auto known = lengths_.find(file); known != lengths_.end()) return known->second;
    lengths_[file] = 0;  // asked once; a failed probe leaves it unknown
    if (!probe_worker_) probe_worker_ = std::make_unique<Worker>("lesson-probe");
    std::weak_ptr<bool> alive = alive_;
    probe_worker_->post([this, alive, file, name = lesson.file, &ui_queue = ui_queue_] {
        static thread_local content::MediaProber prober;  // one libvlc instance for this worker
        auto info = prober.probe(file, content::MediaRole::video, name);
        if (!info) {
            spdlog::warn("lessons: cannot tell the length of {}: {}", name, info.error().message);
            return;
        }
        int seconds = int((info->duration_ms + 500) / 1000);
        ui_queue.post([this, alive, file, seconds] {
            if (alive.lock()) lengths_[file] = seconds;
        });
    });
    return 0;
}

void LessonPlayer::wait_for_lengths() {
    if (probe_worker_) probe_worker_->wait_idle();
}

bool LessonPlayer::wait_for_picture(std::chrono::milliseconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    start_play();  // opened without a draw: at the last area's size (or the video's, in I420)
    while (std::chrono::steady_clock::now() < until) {
        handle_events();
        if (state_ == State::closed) return false;
        upload_frame();
        if (has_picture_) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

}  // namespace station::ui
