// Media probing with libvlc: clips generated with ffmpeg at test time (skipped without ffmpeg).
#include <doctest/doctest.h>

#include <cstdlib>

#include "content/authoring.h"
#include "content/media_probe.h"
#include "content_fixture.h"
#include "process.h"
#include "temp_dir.h"

using namespace station::content;
using station::test::TempDir;

namespace {

bool have_ffmpeg() { return std::system("command -v ffmpeg >/dev/null 2>&1") == 0; }

// Makes a short clip with ffmpeg's test source; extra = codec and container arguments.
bool make_clip(const std::filesystem::path& out, const std::string& size, const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {"ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                                     "testsrc=size=" + size + ":rate=25", "-t", "0.4"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(out.string());
    auto r = station::test::run_process(argv);
    return r.exit_code == 0;
}

}  // namespace

TEST_CASE("libvlc probes a generated H.264 MP4: container, codec, size, duration") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    TempDir dir;
    REQUIRE(make_clip(dir / "ok.mp4", "320x240", {"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"}));
    MediaProber prober;
    auto info = prober.probe(dir / "ok.mp4", MediaRole::video, "media/ok.mp4");
    REQUIRE_MESSAGE(info, (info ? "" : info.error().message));
    CHECK(info->container == "mp4");
    CHECK(info->video_codec == "h264");
    CHECK(info->width == 320);
    CHECK(info->height == 240);
    CHECK(info->duration_ms >= 300);
    CHECK(info->duration_ms <= 600);
}

TEST_CASE("unplayable media is refused naming the file and the reason") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    TempDir dir;
    REQUIRE(make_clip(dir / "mpeg4.mp4", "320x240", {"-c:v", "mpeg4"}));
    REQUIRE(make_clip(dir / "big.mp4", "2560x1440", {"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"}));
    REQUIRE(make_clip(dir / "clip.avi", "320x240", {"-c:v", "mpeg4"}));
    station::content::test::write_all(dir / "junk.mp4", std::string("\0\0\0\x18" "ftypisom", 12) +
                                                            station::content::test::pattern_bytes(5000, 1));
    station::content::test::write_all(dir / "notes.png", "just text");
    station::content::test::write_all(dir / "tone.wav", make_wav_tone(0.5, 440));
    station::content::test::write_all(dir / "pic.png", make_png(64, 32, 0, 0xFFFFFF));
    MediaProber prober;
    struct Case {
        const char* file;
        MediaRole role;
        const char* expect;  // "" = accepted
    } cases[] = {
        {"mpeg4.mp4", MediaRole::video, "video codec 'mp4v'"},
        {"big.mp4", MediaRole::video, "video is 2560x1440; the kiosk plays at most 1920x1080"},
        {"clip.avi", MediaRole::video, "container 'avi' is not playable"},
        {"junk.mp4", MediaRole::video, "no video track found"},
        {"notes.png", MediaRole::image, "not an image"},
        {"tone.wav", MediaRole::video, "container 'wav' is not playable"},
        {"mpeg4.mp4", MediaRole::narration, "narration must be audio only"},
        {"missing.mp4", MediaRole::video, "file not found"},
        {"tone.wav", MediaRole::narration, ""},
        {"pic.png", MediaRole::image, ""},
    };
    for (const auto& c : cases) {
        std::string name = std::string("media/") + c.file;
        CAPTURE(name);
        auto info = prober.probe(dir / c.file, c.role, name);
        if (!*c.expect) {
            CHECK_MESSAGE(info, (info ? "" : info.error().message));
            continue;
        }
        REQUIRE(!info);
        CHECK_MESSAGE(info.error().message.rfind(name + ": ", 0) == 0, info.error().message);
        CHECK_MESSAGE(info.error().message.find(c.expect) != std::string::npos, info.error().message);
    }
    auto png = prober.probe(dir / "pic.png", MediaRole::image, "pic.png");
    REQUIRE(png);
    CHECK(png->width == 64);
    CHECK(png->height == 32);
    auto wav = prober.probe(dir / "tone.wav", MediaRole::narration, "tone.wav");
    REQUIRE(wav);
    CHECK(wav->duration_ms == doctest::Approx(500).epsilon(0.1));
}
