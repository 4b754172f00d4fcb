// 学习驿站's lessons (kiosk/ui/lesson_player.h) through the real player: clips with sound made
// with ffmpeg at test time (skipped without ffmpeg), packed as content, tapped as a finger would on
// the offscreen kiosk. Waits have generous limits; nothing asserts on timing. Also the idle prompt
// "还需要时间吗？" in 大字, and golden images of a lesson playing.
#include <doctest/doctest.h>
#include <stb_image.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "content/player.h"
#include "content/store.h"
#include "kiosk/core/catalogue.h"
#include "kiosk/core/signage.h"
#include "kiosk/core/signage_demo.h"
#include "kiosk/core/station.h"
#include "kiosk/ui/kiosk_ui.h"
#include "kiosk/ui/lesson_player.h"
#include "kiosk/ui/offscreen.h"
#include "kiosk/ui/widgets.h"
#include "process.h"
#include "offscreen_station.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::ui::LessonPlayer;
using State = station::ui::LessonPlayer::State;

namespace {

bool have_ffmpeg() {
    return std::system("command -v ffmpeg >/dev/null 2>&1") == 0;
}

// A still picture with a tone: what a lesson looks and sounds like to the player.
bool make_lesson_clip(const std::filesystem::path& out, int seconds, int tone_hz = 440) {
    std::filesystem::create_directories(out.parent_path());
    return station::test::run_process({"ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                                       "color=c=0x14548F:size=320x240:rate=10", "-f", "lavfi", "-i",
                                       "sine=frequency=" + std::to_string(tone_hz) + ":sample_rate=44100", "-t",
                                       std::to_string(seconds), "-c:v", "libx264", "-preset", "ultrafast",
                                       "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", out.string()})
               .exit_code == 0;
}

struct Kiosk : station::test::OffscreenStation {
    explicit Kiosk(int width = 1280, int height = 720)
        : OffscreenStation({width, height, "data", /*disk_audio=*/true}) {}
    LessonPlayer& lessons() { return ui().lessons(); }

    // Content whose items are lessons: (id, file inside the folder) pairs, files made beforehand.
    void install(const std::vector<std::pair<std::string, std::string>>& lessons) {
        std::string toml = "[package]\ntitle = \"lessons\"\nversion = 1\n";
        for (const auto& [id, file] : lessons)
            toml += "\n[[items]]\nid = \"" + id + "\"\nkind = \"video\"\nfile = \"" + file + "\"\n";
        dir.write("content/content.toml", toml);
        auto installed = station::install_demo_content(*station, dir / "content");
        REQUIRE_MESSAGE(installed.ok(), installed.error().message);
    }
    std::filesystem::path blob(const std::string& file) {
        auto active = station->content().active();
        REQUIRE(active.ok());
        return active->media_path(file);
    }

    station::ui::FrameRecord frame() {
        screen->settle();
        screen->render_frame();
        for (int i = 0; i < 5 && ui().wants_frame(); ++i) screen->render_frame();
        station::ui::FrameRecord record;
        station::ui::record_frame(&record);
        screen->render_frame();
        station::ui::record_frame(nullptr);
        return record;
    }
    const station::ui::DrawnTarget* target(const station::ui::FrameRecord& record, const std::string& id,
                                           size_t n = 0) {
        for (const auto& t : record.targets)
            if (t.id == id && n-- == 0) return &t;
        return nullptr;
    }
    bool tap(const std::string& id, size_t n = 0) {
        auto record = frame();
        auto* t = target(record, id, n);
        if (!t) return false;
        station::ui::simulate_tap(t->rect.center());
        screen->render_frame();
        screen->settle();
        return true;
    }
    static bool shows(const station::ui::FrameRecord& record, const std::string& text) {
        for (const auto& t : record.texts)
            if (t.text.find(text) != std::string::npos) return true;
        return false;
    }
    void open_lessons() {
        nav().home();
        frame();
        REQUIRE(tap("##tile", 3));  // 学习驿站, the fourth service tile
        REQUIRE(nav().current() == "lessons");
    }
    // Renders frames (which take the player's events) until `done` or `limit` passes.
    template <typename F>
    bool until(F done, std::chrono::milliseconds limit = 30s) {
        auto end = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < end) {
            screen->render_frame();
            if (done()) return true;
            std::this_thread::sleep_for(20ms);
        }
        return done();
    }
    // The player's frame count stops moving: two reads 300 ms apart agree.
    bool video_stopped() {
        auto* video = lessons().video();
        if (!video) return true;
        return until(
            [&] {
                auto before = video->frames_displayed();
                std::this_thread::sleep_for(300ms);
                return video->frames_displayed() == before;
            },
            10s);
    }
    bool video_moving() {
        auto* video = lessons().video();
        if (!video) return false;
        auto before = video->frames_displayed();
        return until([&] { return video->frames_displayed() > before; }, 10s);
    }
    std::vector<station::Play> plays() {
        screen->settle();
        return station::SignageRecords(*station).plays_since(0);
    }
};

}  // namespace

TEST_CASE("lessons: a tap on a lesson plays it in the screen's body to its end - two taps from home") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    Kiosk k;
    REQUIRE(make_lesson_clip(k.dir / "content/lessons/电话防骗.mp4", 2));
    k.install({{"scam", "lessons/电话防骗.mp4"}});
    k.open_lessons();
    auto list = k.frame();
    CHECK(Kiosk::shows(list, "电话防骗"));
    REQUIRE(k.tap("##lesson"));  // the second tap from home
    CHECK(k.nav().current() == "lessons");
    CHECK(k.nav().depth() <= 2);
    REQUIRE(k.lessons().lesson());
    CHECK(k.lessons().lesson()->title == "电话防骗");
    REQUIRE(k.until([&] { return k.lessons().state() == State::ended; }));
    CHECK(k.lessons().video()->frames_displayed() >= 5);
    // The offscreen kiosk renders in software: RGB frames libvlc fitted into the picture's area,
    // written straight into the texture shown next (the first, before one was lent, is copied).
    const station::ui::VideoTexture* texture = k.lessons().video_texture();
    REQUIRE(texture != nullptr);
    CAPTURE(texture->frames_copied());
    CHECK(texture->frames_in_place() > 0);
    CHECK(k.lessons().video()->frames_in_place() >= texture->frames_in_place());
    k.lessons().wait_for_lengths();
    auto ended = k.frame();
    CHECK(Kiosk::shows(ended, "电话防骗"));
    CHECK(Kiosk::shows(ended, "播放完毕"));
    CHECK(Kiosk::shows(ended, "共0:02"));  // its length, probed from the file
    CHECK(k.target(ended, "##lesson_restart"));
    CHECK(k.target(ended, "##lesson_back"));
    CHECK_FALSE(k.target(ended, "##lesson_pause"));  // nothing left to pause
    auto plays = k.plays();
    REQUIRE(plays.size() == 1);
    CHECK(plays[0].item == "scam");
    CHECK(plays[0].zone == "lessons");
    CHECK(plays[0].outcome == "played");
    // 返回列表 brings the list back.
    REQUIRE(k.tap("##lesson_back"));
    CHECK(k.lessons().state() == State::closed);
    CHECK(k.target(k.frame(), "##lesson"));
}

TEST_CASE("lessons: 暂停 holds the picture and 继续 goes on - 从头播放 starts again") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    Kiosk k;
    REQUIRE(make_lesson_clip(k.dir / "content/lessons/太极拳.mp4", 30));
    k.install({{"taichi", "lessons/太极拳.mp4"}});
    k.open_lessons();
    REQUIRE(k.tap("##lesson"));
    REQUIRE(k.until([&] { return k.lessons().state() == State::playing; }));
    auto playing = k.frame();
    CHECK(Kiosk::shows(playing, "正在播放"));
    CHECK(Kiosk::shows(playing, "暂停"));

    REQUIRE(k.tap("##lesson_pause"));
    CHECK(k.lessons().state() == State::paused);
    CHECK(k.video_stopped());
    auto paused = k.frame();
    CHECK(Kiosk::shows(paused, "已暂停"));
    CHECK(Kiosk::shows(paused, "继续"));

    REQUIRE(k.tap("##lesson_pause"));  // now 继续
    CHECK(k.lessons().state() == State::playing);
    CHECK(k.video_moving());

    k.clock->advance(5s);
    REQUIRE(k.tap("##lesson_restart"));
    CHECK(k.lessons().state() != State::closed);
    CHECK(k.lessons().elapsed_ms() == 0);
    CHECK(k.video_moving());
    auto plays = k.plays();
    REQUIRE(plays.size() == 1);  // the first showing, recorded when 从头播放 began the second
    CHECK(plays[0].duration_ms >= 5000);
}

TEST_CASE("lessons: a missing file and a corrupt file say so in words and the list comes back") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    Kiosk k;
    REQUIRE(make_lesson_clip(k.dir / "content/lessons/量血压.mp4", 2, 440));
    REQUIRE(make_lesson_clip(k.dir / "content/lessons/用药安全.mp4", 2, 523));
    k.install({{"pressure", "lessons/量血压.mp4"}, {"medicine", "lessons/用药安全.mp4"}});
    std::filesystem::remove(k.blob("lessons/量血压.mp4"));
    {
        std::filesystem::path corrupt = k.blob("lessons/用药安全.mp4");
        std::filesystem::permissions(corrupt, std::filesystem::perms::owner_write,
                                     std::filesystem::perm_options::add);
        std::ofstream out(corrupt, std::ios::binary | std::ios::trunc);
        out << std::string("\0\0\0\x18" "ftypisom", 12) << std::string(60'000, '\x5a');
    }
    k.open_lessons();

    REQUIRE(k.tap("##lesson", 0));
    REQUIRE(k.until([&] { return k.lessons().state() == State::closed; }));
    auto missing = k.frame();
    CHECK(Kiosk::shows(missing, "《量血压》的视频文件找不到了"));
    CHECK(k.target(missing, "##lesson"));  // the list, to choose another
    CHECK(k.nav().current() == "lessons");

    REQUIRE(k.tap("##lesson", 1));
    REQUIRE(k.until([&] { return k.lessons().state() == State::closed; }));
    auto corrupt = k.frame();
    CHECK(Kiosk::shows(corrupt, "《用药安全》的视频文件坏了"));
    CHECK(k.target(corrupt, "##lesson"));

    auto plays = k.plays();
    REQUIRE(plays.size() == 2);
    CHECK(plays[0].outcome == "failed");
    CHECK(plays[1].outcome == "failed");

    // The note is for this visit to the screen only.
    k.nav().home();
    k.frame();
    CHECK(k.lessons().failure().empty());
}

TEST_CASE("lessons: leaving the screen by 回首页 stops the video and its sound") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    Kiosk k;
    REQUIRE(make_lesson_clip(k.dir / "content/lessons/太极拳.mp4", 30));
    k.install({{"taichi", "lessons/太极拳.mp4"}});
    k.open_lessons();
    REQUIRE(k.tap("##lesson"));
    REQUIRE(k.until([&] { return k.lessons().state() == State::playing; }));
    REQUIRE(k.tap("##nav_home"));
    k.frame();
    CHECK(k.nav().current() == "home");
    CHECK(k.lessons().state() == State::closed);
    CHECK(k.video_stopped());
    auto plays = k.plays();
    REQUIRE(plays.size() == 1);
    CHECK(plays[0].zone == "lessons");
}

TEST_CASE("lessons: a playing lesson is not cut off by the idle timeout - a paused one is reset") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    Kiosk k;
    REQUIRE(make_lesson_clip(k.dir / "content/lessons/太极拳.mp4", 30));
    k.install({{"taichi", "lessons/太极拳.mp4"}});
    k.open_lessons();
    REQUIRE(k.tap("##lesson"));
    REQUIRE(k.until([&] { return k.lessons().state() == State::playing; }));
    int64_t timeout_s = k.station->config().ui.idle_timeout_s;
    // Ten minutes of station time pass while it plays, with no touch: nobody asks, nothing resets.
    for (int minute = 0; minute < 10; ++minute) {
        k.clock->advance(60s);
        k.frame();
        CHECK_FALSE(k.ui().idle_prompt_showing());
    }
    CHECK(k.nav().current() == "lessons");
    CHECK(k.lessons().state() == State::playing);

    // Paused and left: the usual rule from the pause on.
    REQUIRE(k.tap("##lesson_pause"));
    k.clock->advance(std::chrono::seconds(timeout_s - 5));
    k.frame();
    CHECK_FALSE(k.ui().idle_prompt_showing());
    k.clock->advance(10s);
    k.frame();
    CHECK(k.ui().idle_prompt_showing());
    k.clock->advance(21s);
    k.frame();
    k.frame();
    CHECK(k.nav().current() != "lessons");
    CHECK(k.lessons().state() == State::closed);
    CHECK(k.video_stopped());
}

TEST_CASE("lessons: a lesson follows the visitor's volume and holds while the voice speaks") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    Kiosk k;
    REQUIRE(make_lesson_clip(k.dir / "content/lessons/太极拳.mp4", 30));
    k.install({{"taichi", "lessons/太极拳.mp4"}});
    k.ui().voice().set_volume(0.3f);
    k.open_lessons();
    REQUIRE(k.tap("##lesson"));
    CHECK(k.lessons().volume_percent() == 30);
    REQUIRE(k.until([&] { return k.lessons().state() == State::playing; }));
    k.ui().voice().set_volume(0.6f);
    k.frame();
    CHECK(k.lessons().volume_percent() == 60);

    REQUIRE(k.ui().voice().say({"idle.more_time"}));
    auto held = k.frame();
    CHECK(k.lessons().held());
    CHECK(k.lessons().keeps_visitor());  // still the visitor's lesson
    CHECK(Kiosk::shows(held, "先听语音提示"));
    CHECK(k.video_stopped());
    // When the voice is done the lesson goes on by itself.
    REQUIRE(k.until([&] { return !k.lessons().held(); }));
    CHECK(k.video_moving());
}

TEST_CASE("lessons: the player's pause never reads as a hang and set_volume is harmless without sound") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    station::test::TempDir dir;
    REQUIRE(make_lesson_clip(dir / "clip.mp4", 30));
    // With audio on, as on a kiosk (here there may be no sound card: the picture must play anyway).
    station::content::VideoPlayer player({.hang_timeout_ms = 1'000, .audio = true});
    REQUIRE(player.startup_error().empty());
    player.play("clip", dir / "clip.mp4");
    player.set_volume(0.5f);
    auto wait_frames = [&](std::uint64_t more) {
        auto until = std::chrono::steady_clock::now() + 20s;
        auto from = player.frames_displayed();
        while (std::chrono::steady_clock::now() < until && player.frames_displayed() < from + more)
            std::this_thread::sleep_for(20ms);
        return player.frames_displayed() >= from + more;
    };
    REQUIRE(wait_frames(3));
    player.pause(true);
    std::this_thread::sleep_for(2500ms);  // longer than the hang timeout
    for (const auto& event : player.take_events()) {
        CAPTURE(event.reason);
        CHECK(event.kind != station::content::PlayerEventKind::hung);
        CHECK(event.kind != station::content::PlayerEventKind::failed);
    }
    player.pause(false);
    CHECK(wait_frames(3));
}

namespace {

// The prompt's own items: what the frame drew after the screen under it.
void check_idle_prompt(int width, int height, bool large) {
    CAPTURE(width);
    CAPTURE(large);
    Kiosk k(width, height);
    k.nav().go("guide");
    k.ui().prefs().large_text = large;
    k.frame();
    k.ui().show_idle_prompt();
    auto record = k.frame();
    REQUIRE(k.ui().idle_prompt_showing());
    const auto* button = record.find("##more_time");
    REQUIRE(button);
    const auto& fonts = k.ui().active_fonts();
    bool question = false, label = false;
    for (const auto& text : record.texts) {
        if (text.text == station::tr("idle.more_time")) {
            question = true;
            CHECK(text.size_px == doctest::Approx(fonts.title->FontSize));
            CHECK(text.rect.min.x >= 0);
            CHECK(text.rect.max.x <= float(width));
        }
        if (text.text == station::tr("idle.continue")) {
            label = true;
            CHECK(text.size_px >= fonts.title->FontSize);
            // Inside its button, which is on the screen and at least 20 mm high.
            CHECK(text.rect.min.x >= button->rect.min.x);
            CHECK(text.rect.max.x <= button->rect.max.x);
            CHECK(text.rect.min.y >= button->rect.min.y);
            CHECK(text.rect.max.y <= button->rect.max.y);
        }
    }
    CHECK(question);
    CHECK(label);
    CHECK(button->rect.min.y >= 0);
    CHECK(button->rect.max.y <= float(height));
    CHECK(button->rect.height() >= k.ui().theme().mm(station::ui::Theme::kMinTargetMm));
    // A tap on it answers the prompt.
    station::ui::simulate_tap(button->rect.center());
    k.screen->render_frame();
    CHECK_FALSE(k.ui().idle_prompt_showing());
}

}  // namespace

TEST_CASE("the idle prompt follows 大字 and its button fits - in landscape and portrait") {
    for (bool large : {false, true}) {
        check_idle_prompt(1920, 1080, large);
        check_idle_prompt(1080, 1920, large);
    }
    // 大字 really is larger there.
    Kiosk k;
    k.ui().prefs().large_text = true;
    k.frame();
    CHECK(k.ui().active_fonts().title->FontSize > k.ui().fonts().title->FontSize);
}

namespace {

double difference_from(const std::vector<uint8_t>& rgba, int width, int height, const std::string& golden) {
    int w = 0, h = 0, channels = 0;
    unsigned char* expected = stbi_load(golden.c_str(), &w, &h, &channels, 4);
    if (!expected) return 255;
    double total = 255;
    if (w == width && h == height) {
        total = 0;
        for (size_t i = 0; i < rgba.size(); ++i) total += std::abs(int(rgba[i]) - int(expected[i]));
        total /= double(rgba.size());
    }
    stbi_image_free(expected);
    return total;
}

void check_golden(Kiosk& k, const std::string& name) {
    CAPTURE(name);
    std::string golden = std::string(STATION_SOURCE_DIR) + "/tests/golden/" + name + ".png";
    const char* update = std::getenv("STATION_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        REQUIRE(k.screen->save_png(golden).ok());
        MESSAGE("updated " << golden);
        return;
    }
    REQUIRE_MESSAGE(std::filesystem::exists(golden), golden << " is missing; create it with STATION_UPDATE_GOLDEN=1");
    double difference = difference_from(k.screen->pixels_rgba(), k.screen->width(), k.screen->height(), golden);
    if (difference >= 0.5) {
        std::string actual = std::filesystem::temp_directory_path() / (name + ".actual.png");
        (void)k.screen->save_png(actual);
        FAIL_CHECK(name << " differs from its golden image by " << difference << " per channel; see " << actual);
    }
}

// The demo content's lessons, listed and then the first one playing (a still slide: every frame
// of it alike, so the picture is the same whenever the test looks).
void check_lesson_goldens(int width, int height) {
    Kiosk k(width, height);
    auto installed = station::install_demo_content(*k.station, station::builtin_demo_content_dir());
    REQUIRE_MESSAGE(installed.ok(), installed.error().message);
    std::string size = std::to_string(width) + "x" + std::to_string(height);
    k.open_lessons();
    k.frame();
    k.lessons().wait_for_lengths();
    for (int i = 0; i < 3; ++i) k.frame();
    check_golden(k, "lessons_list_" + size);
    REQUIRE(k.tap("##lesson", 0));
    REQUIRE(k.lessons().wait_for_picture(20s));
    k.lessons().wait_for_lengths();
    for (int i = 0; i < 3; ++i) k.frame();
    REQUIRE(k.lessons().state() == State::playing);
    check_golden(k, "lessons_playing_" + size);
}

}  // namespace

TEST_CASE("golden: a lesson listed and playing at 1920x1080 and 1080x1920") {
    if (!have_ffmpeg()) {
        MESSAGE("ffmpeg not installed: skipped");
        return;
    }
    check_lesson_goldens(1920, 1080);
    check_lesson_goldens(1080, 1920);
}
