// The video player: libvlc decodes into the player's own I420 buffers on libvlc's threads; the
// UI thread borrows the newest frame and uploads it (an SDL IYUV texture: no colour conversion
// on the CPU). With set_rgb_output() the frames come as 32-bit RGB at the size they are shown, for
// a software renderer (there is no GPU to convert), and lend_target() lets libvlc write them
// straight into the UI's texture memory (no copy on the UI thread). No SDL here, so the bench and
// tests use it headless.
//
//   - Two long-lived decks (libvlc media players). The next item is pre-rolled on the idle deck
//     and held on its first frame; play() swaps it in, so there is no black gap between items.
//   - All libvlc calls run on the player's own control thread, never inside a libvlc callback;
//     the callbacks only copy pointers, flip flags and wake that thread.
//   - Hang detection: a playing (or pre-rolling) item whose clock and frames stop advancing for
//     `hang_timeout_ms` is stopped and reported as `hung` with the reason.
//   - A corrupt or missing file is reported as `failed` with libvlc's reason; nothing else stops.
//   - Shutdown: the control thread stops both decks, releases them, then the libvlc instance.
//   - The first player fixes glibc's mmap threshold at 128 KiB (process-wide): picture-sized
//     blocks then go back to the system when freed, so months of looping do not grow the RSS.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace station::content {

// How a VideoFrame's pixels are laid out.
enum class VideoPixels {
    i420,    // Y, U, V planes at the video's own size (the default): for a GPU's IYUV texture
    xrgb32,  // plane[0] only, 32 bits per pixel, 0x00RRGGBB in native order (SDL_PIXELFORMAT_RGB888,
             // libvlc's RV32), already scaled to the size asked with set_rgb_output()
};

// One decoded picture: in I420, Y, U, V planes, each `pitch` bytes per row and `lines` rows
// (pitches and rows aligned up, planes aligned to 64 bytes, as libvlc's vmem output asks); in
// xrgb32, plane[0] alone (pitch[1..2], lines[1..2] are 0 and plane[1..2] null).
struct VideoFrame {
    int width = 0, height = 0;  // visible pixels
    int pitch[3] = {0, 0, 0};   // bytes per row of Y, U, V
    int lines[3] = {0, 0, 0};   // rows allocated per plane
    std::uint8_t* plane[3] = {nullptr, nullptr, nullptr};
    std::uint64_t serial = 0;  // increases with every frame the player accepts
    VideoPixels pixels = VideoPixels::i420;
    int target = -1;  // >= 0: the frame was written straight into the memory lent as this target
                      // (lend_target()), which is the caller's again from this take_frame() on
};

// Memory the caller lends the player for one xrgb32 frame (a locked streaming texture's pixels):
// with a software renderer libvlc then writes the picture where it is shown, and the UI thread
// copies nothing. Used only for frames of exactly this width, height and pitch.
struct FrameTarget {
    int id = 0;  // the caller's name for it, >= 0, unique among the targets it lent
    std::uint8_t* pixels = nullptr;
    int pitch = 0;  // bytes per row
    int width = 0, height = 0;
};

enum class PlayerEventKind {
    started,  // the item's first frame is on screen (pre-rolled items: when swapped in)
    ended,    // the item played to its end
    failed,   // cannot be opened or decoded: `reason` says why (missing, corrupt, no video)
    hung,     // its clock stopped advancing for hang_timeout_ms; stopped
};
const char* to_string(PlayerEventKind kind);

struct PlayerEvent {
    PlayerEventKind kind = PlayerEventKind::ended;
    std::string item;    // the item id given to play()/preroll()
    std::string reason;  // failed, hung: in words, with the file name
};

struct VideoPlayerOptions {
    int hang_timeout_ms = 15'000;  // clock stopped this long: skip and report
    bool audio = false;            // false: libvlc runs with --no-audio
    // Called from libvlc's or the control thread when a new frame of the playing item or an event
    // is ready (coalesced: at most once until the UI takes it). Must not block or call the player.
    std::function<void()> wake;
};

class VideoPlayer {
public:
    explicit VideoPlayer(VideoPlayerOptions options);
    ~VideoPlayer();  // stops and releases in order (joins the control thread)
    VideoPlayer(const VideoPlayer&) = delete;
    VideoPlayer& operator=(const VideoPlayer&) = delete;

    // Empty when libvlc started; otherwise why not (then every item reports `failed`).
    const std::string& startup_error() const { return startup_error_; }

    // Any thread. Plays `file` as item `item` now. When that item was pre-rolled it is swapped in
    // from its held first frame; otherwise it starts cold (the last frame stays up meanwhile).
    // The previous item stops.
    void play(const std::string& item, const std::filesystem::path& file);
    // Any thread. Opens `file` on the idle deck and holds it on its first frame for play().
    void preroll(const std::string& item, const std::filesystem::path& file);
    // Any thread. Stops everything; the last frame stays available.
    void stop();
    // Any thread. Pauses (true) or resumes (false) the playing item; its frame stays up, and a
    // paused item is never reported as hung. No effect when nothing plays.
    void pause(bool paused);
    // Any thread. Sound volume of both decks, 0..1 (audio players only).
    void set_volume(float volume);
    // Any thread. Items loaded after this call (play() without a pre-roll, preroll()) deliver
    // xrgb32 frames fitted, aspect kept, into `width` x `height` pixels: libvlc converts and scales
    // them on its own threads (swscale, SIMD). For a software renderer, which would otherwise
    // convert and scale every frame on the UI thread. 0 x 0 (the start): I420 at the video's size.
    void set_rgb_output(int width, int height);

    // UI thread only (one consumer). When the playing deck has a frame newer than the last one
    // taken, calls `use` with it (valid only during the call) and returns true. A frame with
    // `target` >= 0 lies in that lent target, which is no longer lent.
    bool take_frame(const std::function<void(const VideoFrame&)>& use);

    // UI thread. Lends `target` for a coming xrgb32 frame of the playing item: libvlc's copy of
    // the picture goes straight into it, on libvlc's thread, and take_frame() hands it back as
    // that frame. The memory must stay valid until it comes back (take_frame, take_back_targets)
    // or the player is destroyed. Frames of another size, pre-rolls and I420 frames use the
    // player's own buffers (then take_frame's frame is copied by the caller, as without targets).
    void lend_target(const FrameTarget& target);
    // UI thread. The ids of the lent targets the player gives back now (not being written, no
    // frame in them waiting to be taken); the others come back by later calls or as frames.
    std::vector<int> take_back_targets();
    std::uint64_t frames_in_place() const;  // frames libvlc wrote straight into a lent target
    // Any thread: the events since the last call, oldest first.
    std::vector<PlayerEvent> take_events();
    // Counters for tests and the bench.
    std::uint64_t frames_displayed() const;  // frames accepted from libvlc on the playing deck

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
    std::string startup_error_;
};

}  // namespace station::content
