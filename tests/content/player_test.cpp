// The video player (content/player.h): clips generated with ffmpeg at test time (skipped without
// ffmpeg). Events are awaited with generous limits; nothing asserts on timing.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
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
