// The video player (content/player.h): clips generated with ffmpeg at test time (skipped without
// ffmpeg). Events are awaited with generous limits; nothing asserts on timing.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include "content/player.h"
#include "content_fixture.h"
#include "process.h"
#include "temp_dir.h"

using namespace station::content;
using station::test::TempDir;

namespace {

bool have_ffmpeg() {
    return std::system("command -v ffmpeg >/dev/null 2>&1") == 0;
}

bool make_clip(const std::filesystem::path& out, double seconds, const std::string& size = "320x240",
               const std::string& format = {}) {
    std::vector<std::string> argv = {"ffmpeg",   "-loglevel",
                                     "error",    "-y",
                                     "-f",       "lavfi",
                                     "-i",       "testsrc=size=" + size + ":rate=25",
                                     "-t",       std::to_string(seconds),
                                     "-c:v",     "libx264",
                                     "-preset",  "ultrafast",
                                     "-pix_fmt", "yuv420p"};
    if (!format.empty()) argv.insert(argv.end(), {"-f", format});
    argv.push_back(out.string());
    return station::test::run_process(argv).exit_code == 0;
}

// Collects events until one of `kind` for `item` arrives or `limit` passes; takes frames meanwhile.
struct Watcher {
    VideoPlayer& player;
    std::vector<PlayerEvent> seen;
    int frames_taken = 0;
    VideoFrame last{};
    bool wait_for(PlayerEventKind kind, const std::string& item,
                  std::chrono::milliseconds limit = std::chrono::seconds(30)) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (player.take_frame([&](const VideoFrame& frame) { last = frame; })) ++frames_taken;
            for (auto& event : player.take_events()) {
                seen.push_back(event);
                if (event.kind == kind && event.item == item) return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return false;
    }
    bool saw(PlayerEventKind kind, const std::string& item) const {
        for (const auto& event : seen)
            if (event.kind == kind && event.item == item) return true;
        return false;
    }
};

}  // namespace

TEST_CASE("a generated clip plays to its end: started, I420 frames in aligned planes, ended") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    TempDir dir;
    REQUIRE(make_clip(dir / "clip.mp4", 1.0, "322x242"));
    std::atomic<int> wakes{0};
    VideoPlayer player({.hang_timeout_ms = 15'000, .audio = false, .wake = [&] { ++wakes; }});
    REQUIRE(player.startup_error().empty());
    player.play("clip", dir / "clip.mp4");
    Watcher watch{player};
    REQUIRE(watch.wait_for(PlayerEventKind::ended, "clip"));
    CHECK(watch.saw(PlayerEventKind::started, "clip"));
    CHECK(watch.frames_taken >= 2);
    CHECK(wakes.load() >= 2);
    CHECK(player.frames_displayed() >= 10);  // 25 frames, some may be dropped on a busy machine
    CHECK(watch.last.width == 322);
    CHECK(watch.last.height == 242);
    for (int i = 0; i < 3; ++i) {
        CHECK(watch.last.pitch[i] % 32 == 0);
        CHECK(reinterpret_cast<std::uintptr_t>(watch.last.plane[i]) % 64 == 0);
    }
    CHECK(watch.last.pitch[0] >= 322);
    CHECK(watch.last.pitch[1] >= 161);
    CHECK_FALSE(watch.saw(PlayerEventKind::failed, "clip"));
}

// A solid-colour clip with an 8-row band at its bottom (ffmpeg's lavfi colour source and drawbox).
bool make_banded_clip(const std::filesystem::path& out, const std::string& size, int band_top,
                      const std::string& color, const std::string& band_color) {
    return station::test::run_process(
               {"ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "color=c=" + color + ":size=" + size + ":rate=25,drawbox=x=0:y=" + std::to_string(band_top) +
                    ":w=iw:h=8:color=" + band_color + ":t=fill",
                "-t", "0.4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", out.string()})
               .exit_code == 0;
}

TEST_CASE(
    "I420 frames are the clip's visible rows: a 242-row clip is not stretched over the decoder's padding") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    TempDir dir;
    // Red with a blue band in rows 234..241. The decoder's buffers have 16-row padding; frames
    // made to that height had libvlc stretch 242 rows over it and the band fell below row 241.
    REQUIRE(make_banded_clip(dir / "band.mp4", "322x242", 234, "red", "blue"));
    VideoPlayer player({});
    player.play("band", dir / "band.mp4");
    int frames = 0, width = 0, height = 0;
    int top_v = 0, bottom_u = 0, bottom_v = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool ended = false;
    while (!ended && std::chrono::steady_clock::now() < deadline) {
        player.take_frame([&](const VideoFrame& frame) {
            ++frames;
            width = frame.width;
            height = frame.height;
            CHECK(frame.pixels == VideoPixels::i420);
            int x = frame.width / 4;  // chroma column of a pixel well inside the picture
            top_v = frame.plane[2][std::size_t(2 * frame.pitch[2] + x)];
            int last_chroma_row = (frame.height - 1) / 2;
            bottom_u = frame.plane[1][std::size_t(last_chroma_row * frame.pitch[1] + x)];
            bottom_v = frame.plane[2][std::size_t(last_chroma_row * frame.pitch[2] + x)];
        });
        for (const auto& event : player.take_events()) ended = ended || event.kind == PlayerEventKind::ended;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(frames > 0);
    CHECK(width == 322);
    CHECK(height == 242);
    CHECK(top_v > 200);     // red: V high
    CHECK(bottom_u > 200);  // the blue band reaches the last row: U high, V low
    CHECK(bottom_v < 160);
}

TEST_CASE("set_rgb_output: xrgb32 frames fitted into the box with the aspect kept, I420 again after 0x0") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    TempDir dir;
    REQUIRE(make_banded_clip(dir / "red.mp4", "320x240", 232, "red", "blue"));
    VideoPlayer player({});
    player.set_rgb_output(200, 200);
    player.play("red", dir / "red.mp4");
    VideoFrame seen{};
    std::uint32_t centre = 0, bottom = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool ended = false;
    while (!ended && std::chrono::steady_clock::now() < deadline) {
        player.take_frame([&](const VideoFrame& frame) {
            seen = frame;
            if (frame.pixels != VideoPixels::xrgb32) return;
            auto pixel = [&](int x, int y) {
                std::uint32_t value;
                std::memcpy(
                    &value,
                    frame.plane[0] + std::size_t(y) * std::size_t(frame.pitch[0]) + std::size_t(x) * 4, 4);
                return value;
            };
            centre = pixel(frame.width / 2, frame.height / 2);
            bottom = pixel(frame.width / 2, frame.height - 1);
        });
        for (const auto& event : player.take_events()) ended = ended || event.kind == PlayerEventKind::ended;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(ended);
    CHECK(seen.pixels == VideoPixels::xrgb32);
    CHECK(seen.width == 200);  // 320x240 is 4:3: 200x150 in a 200x200 box
    CHECK(seen.height == 150);
    CHECK(seen.pitch[0] >= 200 * 4);
    CHECK(reinterpret_cast<std::uintptr_t>(seen.plane[0]) % 64 == 0);
    CHECK(seen.plane[1] == nullptr);
    CHECK(seen.plane[2] == nullptr);
    CAPTURE(centre);
    CAPTURE(bottom);
    CHECK(((centre >> 16) & 0xff) > 200);  // red, 0x00RRGGBB
    CHECK(((centre >> 8) & 0xff) < 60);
    CHECK((centre & 0xff) < 60);
    CHECK((bottom & 0xff) > 200);  // the blue band at the bottom, not stretched away
    CHECK(((bottom >> 16) & 0xff) < 60);

    player.set_rgb_output(0, 0);
    player.play("again", dir / "red.mp4");
    Watcher watch{player};
    REQUIRE(watch.wait_for(PlayerEventKind::ended, "again"));
    CHECK(watch.frames_taken > 0);
    CHECK(watch.last.pixels == VideoPixels::i420);
    CHECK(watch.last.width == 320);
    CHECK(watch.last.height == 240);
}

TEST_CASE("lent targets: xrgb32 frames written straight into the memory the UI lent - none lost") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    TempDir dir;
    REQUIRE(make_banded_clip(dir / "red.mp4", "320x240", 232, "red", "blue"));
    // Two targets of the frames' size (200x150 in a 200x200 box, 4 bytes a pixel, no padding, as
    // an SDL software texture) and one of another size, which the player must never write.
    // 256 guard pixels after each: libvlc writes the visible rows only, nothing past the target.
    std::vector<std::vector<std::uint32_t>> memory(3);
    memory[0].assign(200 * 150 + 256, 0x00ff00);
    memory[1].assign(200 * 150 + 256, 0x00ff00);
    memory[2].assign(100 * 100, 0x00ff00);
    auto target = [&](int id) {
        int size = id < 2 ? 200 : 100;
        return FrameTarget{id, reinterpret_cast<std::uint8_t*>(memory[std::size_t(id)].data()), size * 4,
                           size, id < 2 ? 150 : 100};
    };
    VideoPlayer player({});
    player.set_rgb_output(200, 200);
    for (int id = 0; id < 3; ++id) player.lend_target(target(id));
    player.play("red", dir / "red.mp4");
    int front = -1, in_place = 0, copied = 0;
    std::uint32_t centre = 0, bottom = 0;
    bool own_memory = true, ended = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!ended && std::chrono::steady_clock::now() < deadline) {
        player.take_frame([&](const VideoFrame& frame) {
            REQUIRE(frame.pixels == VideoPixels::xrgb32);
            if (frame.target < 0) {
                ++copied;
                return;
            }
            ++in_place;
            REQUIRE(frame.target < 2);
            auto* pixels = memory[std::size_t(frame.target)].data();
            own_memory = own_memory && frame.plane[0] == reinterpret_cast<std::uint8_t*>(pixels) &&
                         frame.pitch[0] == 800 && frame.width == 200 && frame.height == 150;
            centre = pixels[75 * 200 + 100];
            bottom = pixels[149 * 200 + 100];
            // As the UI does: the frame's target is shown now; the one shown before is lent again.
            if (front >= 0 && front != frame.target) player.lend_target(target(front));
            front = frame.target;
        });
        for (const auto& event : player.take_events()) ended = ended || event.kind == PlayerEventKind::ended;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(ended);
    CAPTURE(copied);
    CHECK(in_place > 0);
    CHECK(player.frames_in_place() >= std::uint64_t(in_place));
    CHECK(own_memory);
    CAPTURE(centre);
    CAPTURE(bottom);
    CHECK(((centre >> 16) & 0xff) > 200);  // red, not the green it was lent with
    CHECK(((centre >> 8) & 0xff) < 60);
    CHECK((bottom & 0xff) > 200);                  // the blue band at the bottom
    CHECK(memory[2][50 * 100 + 50] == 0x00ff00u);  // the other size was never written
    for (int id = 0; id < 2; ++id) {
        const auto& guarded = memory[std::size_t(id)];
        CHECK(std::all_of(guarded.begin() + 200 * 150, guarded.end(),
                          [](std::uint32_t v) { return v == 0x00ff00u; }));
    }
    // Nothing lost: every target is either the one shown or given back.
    std::vector<int> back = player.take_back_targets();
    if (front >= 0) back.push_back(front);
    std::sort(back.begin(), back.end());
    CHECK(back == std::vector<int>{0, 1, 2});
    CHECK(player.take_back_targets().empty());

    // I420 again (0x0): lent targets are not used for it.
    player.set_rgb_output(0, 0);
    player.lend_target(target(front == 0 ? 1 : 0));
    std::uint64_t before = player.frames_in_place();
    player.play("again", dir / "red.mp4");
    Watcher watch{player};
    REQUIRE(watch.wait_for(PlayerEventKind::ended, "again"));
    CHECK(watch.last.pixels == VideoPixels::i420);
    CHECK(watch.last.target == -1);
    CHECK(player.frames_in_place() == before);
}

TEST_CASE("a corrupt clip and a missing file are reported as failed, naming the file, the next plays") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    TempDir dir;
    REQUIRE(make_clip(dir / "good.mp4", 0.6));
    test::write_all(dir / "corrupt.mp4", std::string("\0\0\0\x18"
                                                     "ftypisom",
                                                     12) +
                                             test::pattern_bytes(20000, 3));
    VideoPlayer player({.hang_timeout_ms = 5'000});
    Watcher watch{player};
    player.play("corrupt", dir / "corrupt.mp4");
    REQUIRE(watch.wait_for(PlayerEventKind::failed, "corrupt"));
    CHECK(watch.seen.back().reason.find("corrupt.mp4") != std::string::npos);
    player.play("missing", dir / "missing.mp4");
    REQUIRE(watch.wait_for(PlayerEventKind::failed, "missing"));
    CHECK(watch.seen.back().reason == "missing.mp4: file missing");
    player.play("good", dir / "good.mp4");
    REQUIRE(watch.wait_for(PlayerEventKind::ended, "good"));
    CHECK(watch.frames_taken >= 1);
}

TEST_CASE("a pre-rolled clip is held on its first frame and swapped in with a frame ready at once") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    TempDir dir;
    REQUIRE(make_clip(dir / "a.mp4", 0.8));
    REQUIRE(make_clip(dir / "b.mp4", 0.8, "256x144"));
    VideoPlayer player({});
    Watcher watch{player};
    player.play("a", dir / "a.mp4");
    player.preroll("b", dir / "b.mp4");
    REQUIRE(watch.wait_for(PlayerEventKind::ended, "a"));
    // While held, b's frames never reach the UI: the last frame taken is still a's size.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK_FALSE(player.take_frame([](const VideoFrame&) {}));
    CHECK(watch.last.width == 320);
    player.play("b", dir / "b.mp4");
    REQUIRE(watch.wait_for(PlayerEventKind::started, "b"));
    VideoFrame first{};
    bool got = false;
    for (int i = 0; i < 200 && !got; ++i) {
        got = player.take_frame([&](const VideoFrame& frame) { first = frame; });
        if (!got) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(got);
    CHECK(first.width == 256);
    REQUIRE(watch.wait_for(PlayerEventKind::ended, "b"));
}

TEST_CASE("an item whose clock stops (a stalled stream) is reported as hung and stopped") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    TempDir dir;
    REQUIRE(make_clip(dir / "long.ts", 4.0, "320x240", "mpegts"));
    std::string bytes = test::read_all(dir / "long.ts");
    REQUIRE(bytes.size() > 10000);
    std::filesystem::path fifo = dir / "stall.ts";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    // The player closes the pipe when it gives up on it: the writer gets EPIPE, not a signal.
    struct IgnorePipe {
        void (*previous)(int) = std::signal(SIGPIPE, SIG_IGN);
        ~IgnorePipe() { std::signal(SIGPIPE, previous); }
    } ignore_pipe;
    // A writer that sends the first third and then goes silent, holding the pipe open.
    std::atomic<bool> done{false};
    std::thread writer([&] {
        int fd = ::open(fifo.c_str(), O_WRONLY);
        if (fd < 0) return;
        std::size_t part = bytes.size() / 3 / 188 * 188;
        (void)!::write(fd, bytes.data(), part);
        while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ::close(fd);
    });
    {
        VideoPlayer player({.hang_timeout_ms = 1'500});
        Watcher watch{player};
        player.play("stall", fifo);
        bool hung = watch.wait_for(PlayerEventKind::hung, "stall");
        done = true;
        REQUIRE(hung);
        CHECK(watch.seen.back().reason.find("stall.ts: its clock stopped") != std::string::npos);
        CHECK_FALSE(watch.saw(PlayerEventKind::ended, "stall"));
    }
    done = true;
    // Unblock a writer still waiting in open() if the player never opened the pipe.
    int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    writer.join();
    if (fd >= 0) ::close(fd);
}

namespace {

double rss_mb() {
    std::ifstream statm("/proc/self/statm");
    long pages_total = 0, pages_resident = 0;
    statm >> pages_total >> pages_resident;
    return double(pages_resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

}  // namespace

// Months of looping must not leak. Short here (40 items through both decks, pre-rolled like the
// signage loop); STATION_LONG_TESTS=1 runs 1000 (README.md, Tests).
TEST_CASE("soak: looping clips through both decks does not grow memory") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    bool long_run = std::getenv("STATION_LONG_TESTS") != nullptr;
    int loops = long_run ? 1000 : 40, warmup = 10;
    TempDir dir;
    REQUIRE(make_clip(dir / "a.mp4", 0.2, "640x360"));
    REQUIRE(make_clip(dir / "b.mp4", 0.2, "480x270"));
    VideoPlayer player({});
    Watcher watch{player};
    double baseline = 0;
    for (int i = 0; i < warmup + loops; ++i) {
        std::string item = (i % 2 ? "b" : "a") + std::to_string(i);
        std::filesystem::path file = dir / (i % 2 ? "b.mp4" : "a.mp4");
        std::string next = (i % 2 ? "a" : "b") + std::to_string(i + 1);
        player.play(item, file);
        player.preroll(next, dir / (i % 2 ? "a.mp4" : "b.mp4"));
        REQUIRE(watch.wait_for(PlayerEventKind::ended, item));
        watch.seen.clear();
        if (i == warmup - 1) baseline = rss_mb();
    }
    double growth = rss_mb() - baseline;
    MESSAGE("rss growth over " << loops << " loops: " << growth << " MB");
    CHECK(growth < (long_run ? 16.0 : 8.0));
}
