#include "content/player.h"

#include <malloc.h>
#include <vlc/vlc.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace station::content {

const char* to_string(PlayerEventKind kind) {
    switch (kind) {
        case PlayerEventKind::started:
            return "started";
        case PlayerEventKind::ended:
            return "ended";
        case PlayerEventKind::failed:
            return "failed";
        case PlayerEventKind::hung:
            return "hung";
    }
    return "?";
}

namespace {

using SteadyClock = std::chrono::steady_clock;

int align_up(int value, int alignment) {
    return (value + alignment - 1) / alignment * alignment;
}

// One picture's memory (I420: three planes; xrgb32: one), 64-byte aligned planes; or a target the
// UI lent (frame.target >= 0, storage null: the memory is the UI's).
struct FrameBuffer {
    VideoFrame frame;
    void* storage = nullptr;
    bool handed_back = false;  // a target taken by the UI as a frame: the player forgets it
    FrameBuffer() = default;
    FrameBuffer(const FrameBuffer&) = delete;
    FrameBuffer& operator=(const FrameBuffer&) = delete;
    ~FrameBuffer() { std::free(storage); }
};

std::shared_ptr<FrameBuffer> make_buffer(VideoPixels pixels, int width, int height, const int pitch[3],
                                         const int lines[3]) {
    auto buffer = std::make_shared<FrameBuffer>();
    int planes = pixels == VideoPixels::i420 ? 3 : 1;
    std::size_t offsets[3] = {0, 0, 0}, total = 0;
    for (int i = 0; i < planes; ++i) {
        offsets[i] = total;
        total += std::size_t(align_up(pitch[i] * lines[i], 64));
    }
    buffer->storage = std::aligned_alloc(64, total);
    if (!buffer->storage) return nullptr;
    auto* base = static_cast<std::uint8_t*>(buffer->storage);
    if (pixels == VideoPixels::i420) {
        // Black in YUV (16, 128, 128), so a frame drawn before the first picture is not green.
        std::memset(base, 16, offsets[1]);
        std::memset(base + offsets[1], 128, total - offsets[1]);
    } else {
        std::memset(base, 0, total);
    }
    VideoFrame& frame = buffer->frame;
    frame.pixels = pixels;
    frame.width = width;
    frame.height = height;
    for (int i = 0; i < planes; ++i) {
        frame.pitch[i] = pitch[i];
        frame.lines[i] = lines[i];
        frame.plane[i] = base + offsets[i];
    }
    return buffer;
}

// What the container says of a video before libvlc decodes it (libvlc_media_tracks_get after a
// local parse). 0 x 0 when it does not say.
struct SourceSize {
    unsigned width = 0, height = 0;
    unsigned sar_num = 1, sar_den = 1;  // sample aspect ratio: pixels may not be square
};

enum class DeckState { idle, prerolling, held, playing };

}  // namespace

struct VideoDeck {
    VideoPlayer::Impl* owner = nullptr;
    int index = 0;
    libvlc_media_player_t* player = nullptr;  // control thread only (created before it starts)

    std::mutex mutex;  // guards everything below
    DeckState state = DeckState::idle;
    std::string item;
    std::filesystem::path file;
    // libvlc's vmem output has one picture: a lock comes only after the last picture was
    // displayed or dropped. Buffers are the deck's own (three per format, `spare` when unused) or
    // targets lent by the UI (only for the active deck's playing item, at the format's size).
    std::shared_ptr<FrameBuffer> writing;   // lent to libvlc between lock and display
    std::shared_ptr<FrameBuffer> ready;     // the newest complete frame
    std::shared_ptr<FrameBuffer> front;     // the frame the UI took last
    std::vector<std::shared_ptr<FrameBuffer>> spare;  // own buffers of the current format
    bool fresh = false;                     // `ready` holds a frame the UI has not taken
    std::uint64_t load_serial = 0;          // frames with serials up to this belong to older items
    bool first_frame = false;               // a frame of the current item arrived
    bool announced = false;                 // `started` was reported
    bool ended = false, error = false;      // from libvlc's events
    SteadyClock::time_point last_progress;  // a frame arrived or the clock moved
    std::int64_t last_time_ms = -1;         // libvlc's clock at the last check
    // The picture's visible size: libvlc's format callback gives the decoder's padded size
    // (322x242 arrives as 336x258), libvlc_video_get_size() the visible one, asked off-callback.
    unsigned visible_width = 0, visible_height = 0;
    // Set by load() before libvlc plays the item, read by the format callback.
    SourceSize source;                  // the container's size: the buffers are made to it
    int rgb_width = 0, rgb_height = 0;  // > 0: xrgb32 frames fitted into this box (set_rgb_output)
};

struct VideoPlayer::Impl {
    VideoPlayerOptions options;
    libvlc_instance_t* vlc = nullptr;
    std::array<VideoDeck, 2> decks;
    std::atomic<int> active{-1};  // the deck of the playing item; written by the control thread
    std::atomic<std::uint64_t> serial{0};
    std::atomic<std::uint64_t> frames{0};
    std::atomic<bool> wake_pending{false};
    std::atomic<std::uint64_t> rgb_box{0};           // set_rgb_output(): width << 32 | height; 0 = I420
    std::map<std::string, SourceSize> source_sizes;  // control thread: by file, size and mtime
    std::atomic<std::uint64_t> in_place{0};          // frames written into a lent target

    std::mutex targets_mutex;               // guards free_targets; taken after a deck's mutex, never before
    std::vector<FrameTarget> free_targets;  // lent by the UI and not in use

    // A buffer the deck no longer needs (deck mutex held): its own go to `spare`, lent targets
    // back to the free ones (unless the UI took it as a frame).
    void recycle(VideoDeck& deck, std::shared_ptr<FrameBuffer>& buffer);
    // A free lent target of this size and pitch for the deck's next picture, or null.
    std::shared_ptr<FrameBuffer> lent_target(int width, int height, int pitch);

    std::mutex mutex;  // guards commands, events, stopping, nudged
    std::condition_variable changed;
    std::deque<std::function<void()>> commands;
    std::vector<PlayerEvent> events;
    bool stopping = false;
    bool nudged = false;
    std::thread thread;

    int taken_deck = -1;  // UI thread: the frame take_frame() handed out last
    std::uint64_t taken_serial = 0;

    void wake() {
        if (options.wake && !wake_pending.exchange(true)) options.wake();
    }
    void nudge() {
        {
            std::lock_guard lock(mutex);
            nudged = true;
        }
        changed.notify_one();
    }
    void post(std::function<void()> command) {
        {
            std::lock_guard lock(mutex);
            commands.push_back(std::move(command));
        }
        changed.notify_one();
    }
    void report(PlayerEventKind kind, const std::string& item, const std::string& reason = {}) {
        {
            std::lock_guard lock(mutex);
            events.push_back({kind, item, reason});
        }
        wake();
    }

    void run();
    void supervise();
    void stop_deck(VideoDeck& deck);
    void load(VideoDeck& deck, const std::string& item, const std::filesystem::path& file, DeckState state);
    void play_now(const std::string& item, const std::filesystem::path& file);
    void preroll_now(const std::string& item, const std::filesystem::path& file);
    void pause_now(bool paused);
    SourceSize source_size(libvlc_media_t* media, const std::filesystem::path& file);
};

namespace {

// libvlc callbacks: they run on libvlc's threads, touch only the deck under its mutex, and never
// call libvlc (STACK.md).
unsigned on_format(void** opaque, char* chroma, unsigned* width, unsigned* height, unsigned* pitches,
                   unsigned* lines) {
    VideoDeck& deck = **reinterpret_cast<VideoDeck**>(opaque);
    int w = int(*width), h = int(*height);
    if (w <= 0 || h <= 0) return 0;
    std::lock_guard lock(deck.mutex);
    // The decoder's size is padded to whole macroblocks (1920x1088 for 1080p); buffers of that
    // size made libvlc stretch the 1080 visible rows over 1088 (a swscale pass per frame). The
    // container's size, when it is the visible part of this one, is the picture's.
    const SourceSize& source = deck.source;
    if (source.width > 0 && source.height > 0 && int(source.width) <= w && int(source.height) <= h &&
        w - int(source.width) < 64 && h - int(source.height) < 64) {
        w = int(source.width);
        h = int(source.height);
    }
    VideoPixels pixels = VideoPixels::i420;
    int pitch[3] = {0, 0, 0}, rows[3] = {0, 0, 0};
    if (deck.rgb_width > 0 && deck.rgb_height > 0) {
        // 32-bit RGB at the size it is shown: libvlc's swscale converts and scales once, on its
        // threads, instead of SDL's software renderer on the UI thread.
        double shown_width = double(w) * source.sar_num / std::max(1u, source.sar_den);
        double scale = std::min(deck.rgb_width / shown_width, deck.rgb_height / double(h));
        w = std::min(deck.rgb_width, std::max(1, int(std::lround(shown_width * scale))));
        h = std::min(deck.rgb_height, std::max(1, int(std::lround(h * scale))));
        pixels = VideoPixels::xrgb32;
        std::memcpy(chroma, "RV32", 4);
        // Rows as a texture's (SDL's software textures: 4 bytes a pixel, no padding), so libvlc can
        // write into the UI's lent targets; libvlc copies converted pictures in, row by row.
        pitch[0] = w * 4;
        rows[0] = h;
    } else {
        std::memcpy(chroma, "I420", 4);
        // Rows padded to 32 bytes and planes to 32 rows: libvlc's decoders write whole macroblocks.
        int chroma_width = align_up((w + 1) / 2, 32), chroma_rows = align_up((h + 1) / 2, 32);
        pitch[0] = align_up(w, 32);
        pitch[1] = pitch[2] = chroma_width;
        rows[0] = align_up(h, 32);
        rows[1] = rows[2] = chroma_rows;
    }
    *width = unsigned(w);
    *height = unsigned(h);
    for (int i = 0; i < 3; ++i) {
        pitches[i] = unsigned(pitch[i]);
        lines[i] = unsigned(rows[i]);
    }
    VideoPlayer::Impl& impl = *deck.owner;
    impl.recycle(deck, deck.writing);  // libvlc's pictures of the last format are gone
    auto same = [&](const std::shared_ptr<FrameBuffer>& b) {
        return b->frame.pixels == pixels && b->frame.width == w && b->frame.height == h &&
               b->frame.pitch[0] == pitch[0] && b->frame.lines[0] == rows[0];
    };
    bool reuse = deck.spare.size() + (deck.ready && deck.ready->frame.target < 0) +
                         (deck.front && deck.front->frame.target < 0) ==
                     3 &&
                 std::all_of(deck.spare.begin(), deck.spare.end(), same) &&
                 (!deck.ready || same(deck.ready)) && (!deck.front || same(deck.front));
    if (reuse) return 1;  // the same format again: no churn
    auto a = make_buffer(pixels, w, h, pitch, rows), b = make_buffer(pixels, w, h, pitch, rows),
         c = make_buffer(pixels, w, h, pitch, rows);
    if (!a || !b || !c) return 0;
    impl.recycle(deck, deck.ready);
    deck.spare.clear();
    deck.spare = {std::move(a), std::move(b), std::move(c)};
    if (deck.front && deck.front->frame.target >= 0) impl.recycle(deck, deck.front);
    deck.front.reset();  // the UI's copy (take_frame) keeps it alive while it is in use
    deck.fresh = false;
    return 1;
}

void on_cleanup(void*) {}  // buffers stay with the deck until the next format or its end

void* on_lock(void* opaque, void** planes) {
    VideoDeck& deck = *static_cast<VideoDeck*>(opaque);
    VideoPlayer::Impl& impl = *deck.owner;
    std::lock_guard lock(deck.mutex);
    impl.recycle(deck, deck.writing);  // a picture that was locked but not displayed
    // The playing item of the playing deck writes into a texture the UI lent, when one fits; a
    // pre-roll keeps its first frame in the deck's own memory (it may wait long).
    if (!deck.spare.empty() && deck.spare.back()->frame.pixels == VideoPixels::xrgb32 &&
        deck.state == DeckState::playing && impl.active.load() == deck.index) {
        const VideoFrame& own = deck.spare.back()->frame;
        deck.writing = impl.lent_target(own.width, own.height, own.pitch[0]);
    }
    if (!deck.writing) {
        // Three own buffers; ready and front hold at most two of them.
        deck.writing = std::move(deck.spare.back());
        deck.spare.pop_back();
    }
    for (int i = 0; i < 3; ++i) planes[i] = deck.writing->frame.plane[i];
    return deck.writing.get();
}

void on_unlock(void*, void*, void* const*) {}

void on_display(void* opaque, void* picture);

void on_vlc_event(const libvlc_event_t* event, void* opaque);

}  // namespace

namespace {

void on_display(void* opaque, void* picture) {
    VideoDeck& deck = *static_cast<VideoDeck*>(opaque);
    VideoPlayer::Impl& impl = *deck.owner;
    bool accepted = false, first = false;
    {
        std::lock_guard lock(deck.mutex);
        if (picture != deck.writing.get()) return;
        bool take =
            deck.state == DeckState::playing || (deck.state == DeckState::prerolling && !deck.first_frame);
        if (!take) return;
        first = !deck.first_frame;
        deck.first_frame = true;
        deck.last_progress = SteadyClock::now();
        impl.recycle(deck, deck.ready);  // a frame the UI never took
        deck.ready = std::move(deck.writing);
        deck.ready->frame.serial = ++impl.serial;
        if (deck.ready->frame.target >= 0) ++impl.in_place;
        deck.fresh = true;
        accepted = deck.state == DeckState::playing;
    }
    if (first) impl.nudge();  // pause a pre-roll on this frame, or report `started`
    if (accepted && impl.active.load() == deck.index) {
        ++impl.frames;
        impl.wake();
    }
}

void on_vlc_event(const libvlc_event_t* event, void* opaque) {
    VideoDeck& deck = *static_cast<VideoDeck*>(opaque);
    {
        std::lock_guard lock(deck.mutex);
        if (event->type == libvlc_MediaPlayerEndReached) deck.ended = true;
        if (event->type == libvlc_MediaPlayerEncounteredError) deck.error = true;
    }
    deck.owner->nudge();
}

}  // namespace

void VideoPlayer::Impl::stop_deck(VideoDeck& deck) {
    libvlc_media_player_stop(deck.player);  // joins libvlc's threads: no callback runs after this
    std::lock_guard lock(deck.mutex);
    deck.state = DeckState::idle;
    deck.ended = deck.error = false;
}

void VideoPlayer::Impl::load(VideoDeck& deck, const std::string& item, const std::filesystem::path& file,
                             DeckState state) {
    stop_deck(deck);
    {
        std::lock_guard lock(deck.mutex);
        deck.item = item;
        deck.file = file;
        deck.first_frame = deck.announced = false;
        deck.fresh = false;
        recycle(deck, deck.writing);  // libvlc stopped: the last item's frames are not shown
        recycle(deck, deck.ready);
        deck.load_serial = serial.load();
        deck.last_progress = SteadyClock::now();
        deck.last_time_ms = -1;
        deck.visible_width = deck.visible_height = 0;
    }
    std::string name = file.filename().string();
    std::error_code ec;
    if (!vlc) return report(PlayerEventKind::failed, item, name + ": the video player did not start");
    if (!std::filesystem::is_regular_file(file, ec) && !std::filesystem::exists(file, ec))
        return report(PlayerEventKind::failed, item, name + ": file missing");
    libvlc_media_t* media = libvlc_media_new_path(vlc, file.c_str());
    if (!media) return report(PlayerEventKind::failed, item, name + ": libvlc cannot open it");
    SourceSize source = source_size(media, file);
    std::uint64_t box = rgb_box.load();
    {
        std::lock_guard lock(deck.mutex);
        deck.source = source;
        deck.rgb_width = int(box >> 32);
        deck.rgb_height = int(box & 0xffffffffu);
    }
    libvlc_media_player_set_media(deck.player, media);
    libvlc_media_release(media);
    {
        std::lock_guard lock(deck.mutex);
        deck.state = state;
    }
    if (libvlc_media_player_play(deck.player) != 0) {
        {
            std::lock_guard lock(deck.mutex);
            deck.state = DeckState::idle;
        }
        report(PlayerEventKind::failed, item, name + ": libvlc cannot start it");
    }
}

void VideoPlayer::Impl::play_now(const std::string& item, const std::filesystem::path& file) {
    int old = active.load();
    int next = old < 0 ? 0 : 1 - old;
    VideoDeck& deck = decks[next];
    bool prerolled = false, held = false;
    {
        std::lock_guard lock(deck.mutex);
        prerolled = (deck.state == DeckState::prerolling || deck.state == DeckState::held) &&
                    deck.item == item && deck.file == file;
        held = deck.state == DeckState::held;
        if (prerolled) {
            deck.state = DeckState::playing;
            deck.last_progress = SteadyClock::now();
        }
    }
    if (prerolled) {
        if (held) libvlc_media_player_set_pause(deck.player, 0);
    } else {
        load(deck, item, file, DeckState::playing);
    }
    active.store(next);
    if (old >= 0) {
        VideoDeck& last = decks[std::size_t(old)];
        stop_deck(last);
        // take_frame() reads the playing deck only: the old one's frames are never shown, and
        // the targets in them are free for the new item.
        std::lock_guard lock(last.mutex);
        recycle(last, last.writing);
        recycle(last, last.ready);
        last.fresh = false;
    }
    wake();  // a held first frame is ready to show
}

void VideoPlayer::Impl::preroll_now(const std::string& item, const std::filesystem::path& file) {
    int playing = active.load();
    VideoDeck& deck = decks[playing < 0 ? 0 : 1 - playing];
    {
        std::lock_guard lock(deck.mutex);
        if ((deck.state == DeckState::prerolling || deck.state == DeckState::held) && deck.item == item &&
            deck.file == file)
            return;
    }
    load(deck, item, file, DeckState::prerolling);
}

// A paused item's deck is `held` (as a pre-roll on its first frame is): no frames taken, no
// hang check; resuming makes it `playing` again with a fresh progress time.
void VideoPlayer::Impl::pause_now(bool paused) {
    int index = active.load();
    if (index < 0) return;
    VideoDeck& deck = decks[std::size_t(index)];
    {
        std::lock_guard lock(deck.mutex);
        if (deck.state != (paused ? DeckState::playing : DeckState::held)) return;
        deck.state = paused ? DeckState::held : DeckState::playing;
        deck.last_progress = SteadyClock::now();
        deck.last_time_ms = -1;
    }
    libvlc_media_player_set_pause(deck.player, paused ? 1 : 0);
}

// A local parse (container headers only, no decoding) on the control thread, remembered per file:
// content blobs are named by their hash, so a loop parses each once. Only regular files: a
// FIFO's bytes belong to the player.
SourceSize VideoPlayer::Impl::source_size(libvlc_media_t* media, const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return {};
    auto bytes = std::filesystem::file_size(file, ec);
    auto modified = std::filesystem::last_write_time(file, ec).time_since_epoch().count();
    if (ec) return {};
    std::string key = file.string() + '\n' + std::to_string(bytes) + '\n' + std::to_string(modified);
    if (auto known = source_sizes.find(key); known != source_sizes.end()) return known->second;
    SourceSize size;
    if (libvlc_media_parse_with_options(media, libvlc_media_parse_local, 2000) != 0) return size;
    auto deadline = SteadyClock::now() + std::chrono::milliseconds(2500);
    while (libvlc_media_get_parsed_status(media) == 0 && SteadyClock::now() < deadline) {
        {
            std::lock_guard lock(mutex);
            if (stopping) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (libvlc_media_get_parsed_status(media) != libvlc_media_parsed_status_done) {
        libvlc_media_parse_stop(media);
        return size;
    }
    libvlc_media_track_t** tracks = nullptr;
    unsigned count = libvlc_media_tracks_get(media, &tracks);
    for (unsigned i = 0; i < count; ++i) {
        const libvlc_media_track_t* track = tracks[i];
        if (track->i_type != libvlc_track_video || !track->video || track->video->i_width == 0) continue;
        size.width = track->video->i_width;
        size.height = track->video->i_height;
        if (track->video->i_sar_num > 0 && track->video->i_sar_den > 0) {
            size.sar_num = track->video->i_sar_num;
            size.sar_den = track->video->i_sar_den;
        }
        break;
    }
    if (count > 0) libvlc_media_tracks_release(tracks, count);
    if (source_sizes.size() >= 256) source_sizes.clear();
    source_sizes.emplace(key, size);
    return size;
}

void VideoPlayer::Impl::supervise() {
    auto now = SteadyClock::now();
    for (VideoDeck& deck : decks) {
        DeckState state;
        bool first, ended, error, announce = false;
        std::string item, name;
        {
            std::lock_guard lock(deck.mutex);
            state = deck.state;
            first = deck.first_frame;
            ended = deck.ended;
            error = deck.error;
            item = deck.item;
            name = deck.file.filename().string();
            if (state == DeckState::playing && first && !deck.announced && active.load() == deck.index)
                announce = deck.announced = true;
        }
        if (state == DeckState::idle) continue;
        if (first) {
            unsigned w = 0, h = 0;
            bool known;
            {
                std::lock_guard lock(deck.mutex);
                known = deck.visible_width > 0;
            }
            if (!known && libvlc_video_get_size(deck.player, 0, &w, &h) == 0 && w > 0 && h > 0) {
                std::lock_guard lock(deck.mutex);
                deck.visible_width = w;
                deck.visible_height = h;
            }
        }
        if (announce) report(PlayerEventKind::started, item);
        if (error || (ended && !first)) {
            stop_deck(deck);
            report(
                PlayerEventKind::failed, item,
                name + (error ? ": libvlc cannot play it (corrupt or unsupported)" : ": no picture in it"));
            continue;
        }
        if (ended && state == DeckState::playing) {
            stop_deck(deck);
            report(PlayerEventKind::ended, item);
            continue;
        }
        if (state == DeckState::prerolling && first) {
            libvlc_media_player_set_pause(deck.player, 1);  // hold the first frame until play()
            std::lock_guard lock(deck.mutex);
            if (deck.state == DeckState::prerolling) deck.state = DeckState::held;
            continue;
        }
        if (state == DeckState::held) continue;
        std::int64_t time_ms = libvlc_media_player_get_time(deck.player);
        std::int64_t stalled_ms;
        {
            std::lock_guard lock(deck.mutex);
            if (time_ms != deck.last_time_ms) {
                deck.last_time_ms = time_ms;
                deck.last_progress = now;
            }
            stalled_ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(now - deck.last_progress).count();
        }
        if (stalled_ms >= options.hang_timeout_ms) {
            stop_deck(deck);
            report(PlayerEventKind::hung, item,
                   name + ": its clock stopped at " +
                       std::to_string(std::max<std::int64_t>(0, time_ms) / 1000) +
                       " s and did not move for " + std::to_string(stalled_ms / 1000) + " s");
        }
    }
}

void VideoPlayer::Impl::run() {
    for (;;) {
        std::function<void()> command;
        {
            std::unique_lock lock(mutex);
            changed.wait_for(lock, std::chrono::milliseconds(200),
                             [this] { return stopping || nudged || !commands.empty(); });
            if (stopping) break;
            nudged = false;
            if (!commands.empty()) {
                command = std::move(commands.front());
                commands.pop_front();
                if (!commands.empty()) nudged = true;
            }
        }
        if (command) command();
        supervise();
    }
    // Shutdown in order: players stopped (their threads joined), released, then the instance.
    for (VideoDeck& deck : decks) {
        if (!deck.player) continue;
        libvlc_media_player_stop(deck.player);
        libvlc_media_player_release(deck.player);
        deck.player = nullptr;
    }
    if (vlc) libvlc_release(vlc);
    vlc = nullptr;
}

VideoPlayer::VideoPlayer(VideoPlayerOptions options) : impl_(std::make_unique<Impl>()) {
    // Decoders allocate and free picture-sized blocks (MBs) for every item. glibc's dynamic mmap
    // threshold then moves them onto the heap, which keeps the pages: RSS grew ~0.4 MB per item
    // in the soak test. A fixed threshold keeps them in mmap, returned on free (growth ≈ 0).
    static const bool fixed_threshold = mallopt(M_MMAP_THRESHOLD, 128 * 1024) == 1;
    (void)fixed_threshold;
    Impl& impl = *impl_;
    impl.options = std::move(options);
    std::vector<const char*> args = {"--intf=dummy", "--no-video-title-show", "--no-osd",
                                     "--no-stats",   "--no-snapshot-preview", "--quiet",
                                     "--no-xlib"};
    if (!impl.options.audio) args.push_back("--no-audio");
    impl.vlc = libvlc_new(int(args.size()), args.data());
    if (!impl.vlc) startup_error_ = "libvlc did not start (is vlc-plugin-base installed?)";
    for (int i = 0; i < 2; ++i) {
        VideoDeck& deck = impl.decks[std::size_t(i)];
        deck.owner = &impl;
        deck.index = i;
        if (!impl.vlc) continue;
        deck.player = libvlc_media_player_new(impl.vlc);
        libvlc_video_set_callbacks(deck.player, on_lock, on_unlock, on_display, &deck);
        libvlc_video_set_format_callbacks(deck.player, on_format, on_cleanup);
        libvlc_event_manager_t* events = libvlc_media_player_event_manager(deck.player);
        libvlc_event_attach(events, libvlc_MediaPlayerEndReached, on_vlc_event, &deck);
        libvlc_event_attach(events, libvlc_MediaPlayerEncounteredError, on_vlc_event, &deck);
    }
    impl.thread = std::thread([&impl] { impl.run(); });
}

VideoPlayer::~VideoPlayer() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
        impl_->commands.clear();
    }
    impl_->changed.notify_one();
    impl_->thread.join();
}

void VideoPlayer::play(const std::string& item, const std::filesystem::path& file) {
    impl_->post([impl = impl_.get(), item, file] { impl->play_now(item, file); });
}

void VideoPlayer::preroll(const std::string& item, const std::filesystem::path& file) {
    impl_->post([impl = impl_.get(), item, file] { impl->preroll_now(item, file); });
}

void VideoPlayer::stop() {
    impl_->post([impl = impl_.get()] {
        for (VideoDeck& deck : impl->decks) impl->stop_deck(deck);
    });
}

void VideoPlayer::pause(bool paused) {
    impl_->post([impl = impl_.get(), paused] { impl->pause_now(paused); });
}

void VideoPlayer::set_rgb_output(int width, int height) {
    bool rgb = width > 0 && height > 0;
    impl_->rgb_box = rgb ? std::uint64_t(std::uint32_t(width)) << 32 | std::uint32_t(height) : 0;
}

void VideoPlayer::set_volume(float volume) {
    int percent = int(std::lround(std::clamp(volume, 0.f, 1.f) * 100.f));
    impl_->post([impl = impl_.get(), percent] {
        for (VideoDeck& deck : impl->decks)
            if (deck.player) libvlc_audio_set_volume(deck.player, percent);  // -1 without audio: ignored
    });
}

void VideoPlayer::Impl::recycle(VideoDeck& deck, std::shared_ptr<FrameBuffer>& buffer) {
    if (!buffer) return;
    if (buffer->frame.target < 0) {
        const VideoFrame& own = buffer->frame;
        // Only buffers of the current format (the others' size is gone with it).
        if (deck.spare.empty() ||
            (deck.spare.back()->frame.pixels == own.pixels && deck.spare.back()->frame.width == own.width &&
             deck.spare.back()->frame.height == own.height))
            deck.spare.push_back(std::move(buffer));
    } else if (!buffer->handed_back) {
        FrameTarget target;
        target.id = buffer->frame.target;
        target.pixels = buffer->frame.plane[0];
        target.pitch = buffer->frame.pitch[0];
        target.width = buffer->frame.width;
        target.height = buffer->frame.height;
        std::lock_guard lock(targets_mutex);
        free_targets.push_back(target);
    }
    buffer.reset();
}

std::shared_ptr<FrameBuffer> VideoPlayer::Impl::lent_target(int width, int height, int pitch) {
    std::lock_guard lock(targets_mutex);
    auto fits = std::find_if(free_targets.begin(), free_targets.end(), [&](const FrameTarget& t) {
        return t.width == width && t.height == height && t.pitch == pitch;
    });
    if (fits == free_targets.end()) return nullptr;
    auto buffer = std::make_shared<FrameBuffer>();
    VideoFrame& frame = buffer->frame;
    frame.pixels = VideoPixels::xrgb32;
    frame.width = width;
    frame.height = height;
    frame.pitch[0] = pitch;
    frame.lines[0] = height;
    frame.plane[0] = fits->pixels;
    frame.target = fits->id;
    free_targets.erase(fits);
    return buffer;
}

void VideoPlayer::lend_target(const FrameTarget& target) {
    if (target.id < 0 || !target.pixels || target.width <= 0 || target.height <= 0 ||
        target.pitch < target.width * 4)
        return;
    std::lock_guard lock(impl_->targets_mutex);
    impl_->free_targets.push_back(target);
}

std::vector<int> VideoPlayer::take_back_targets() {
    std::lock_guard lock(impl_->targets_mutex);
    std::vector<int> ids;
    for (const FrameTarget& target : impl_->free_targets) ids.push_back(target.id);
    impl_->free_targets.clear();
    return ids;
}

std::uint64_t VideoPlayer::frames_in_place() const {
    return impl_->in_place.load();
}

bool VideoPlayer::take_frame(const std::function<void(const VideoFrame&)>& use) {
    Impl& impl = *impl_;
    impl.wake_pending = false;
    int index = impl.active.load();
    if (index < 0) return false;
    VideoDeck& deck = impl.decks[std::size_t(index)];
    std::shared_ptr<FrameBuffer> frame;
    unsigned visible_width = 0, visible_height = 0;
    {
        std::lock_guard lock(deck.mutex);
        if (deck.fresh) {
            impl.recycle(deck, deck.front);
            deck.front = std::move(deck.ready);
            deck.fresh = false;
        }
        if (!deck.front || deck.front->frame.serial <= deck.load_serial) return false;
        if (index == impl.taken_deck && deck.front->frame.serial == impl.taken_serial) return false;
        frame = deck.front;  // keeps the buffer alive even if libvlc reformats meanwhile
        if (frame->frame.target >= 0) frame->handed_back = true;  // the UI's texture again
        visible_width = deck.visible_width;
        visible_height = deck.visible_height;
    }
    impl.taken_deck = index;
    impl.taken_serial = frame->frame.serial;
    VideoFrame view = frame->frame;
    if (view.pixels == VideoPixels::i420) {  // xrgb32 frames are the picture alone, already scaled
        if (visible_width > 0) view.width = std::min(view.width, int(visible_width));
        if (visible_height > 0) view.height = std::min(view.height, int(visible_height));
    }
    use(view);
    return true;
}

std::vector<PlayerEvent> VideoPlayer::take_events() {
    impl_->wake_pending = false;
    std::lock_guard lock(impl_->mutex);
    return std::exchange(impl_->events, {});
}

std::uint64_t VideoPlayer::frames_displayed() const {
    return impl_->frames.load();
}

}  // namespace station::content
