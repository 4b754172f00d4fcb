// Voice prompts (clips generated at build time, or the station's own recordings) and the idle
// rule: "还需要时间吗？" after the timeout, back home 20 s later, never while a call is open.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/help_desk.h"
#include "kiosk/core/station.h"
#include "kiosk/ui/kiosk_ui.h"
#include "kiosk/ui/offscreen.h"
#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;

namespace {

struct Kiosk {
    station::test::TempDir dir;
    std::shared_ptr<station::ManualClock> clock = std::make_shared<station::ManualClock>();
    std::unique_ptr<station::Station> station;
    std::unique_ptr<station::ui::OffscreenKiosk> screen;

    Kiosk() {
        // Audio goes to a file: the tests hear what a resident would.
        setenv("SDL_AUDIODRIVER", "disk", 1);
        setenv("SDL_DISKAUDIOFILE", (dir / "speaker.raw").c_str(), 1);
        setenv("SDL_DISKAUDIODELAY", "1", 1);
        station::set_active_catalogue(*station::Catalogue::embedded("zh-CN"));
        station::StationOptions options;
        options.data_dir = dir / "data";
        options.demo = true;
        options.clock = clock;
        station = std::move(station::Station::open(options).value());
        screen = std::move(station::ui::OffscreenKiosk::create(*station, 1280, 720, 96).value());
    }
    station::ui::KioskUi& ui() { return screen->ui(); }
    void frame() {
        screen->settle();
        screen->render_frame();
    }
};

}  // namespace

TEST_CASE("every voice prompt has a clip generated at build time") {
    station::ui::Voice voice({station::ui::builtin_voice_dir()});
    std::ifstream prompts(std::string(STATION_SOURCE_DIR) + "/kiosk/voice/prompts.tsv");
    std::string line;
    int clips = 0;
    while (std::getline(prompts, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::string key = line.substr(0, line.find('\t'));
        CHECK_MESSAGE(voice.has_clip(key), key);
        ++clips;
    }
    CHECK(clips > 40);
}

TEST_CASE("a help call is announced with its ticket number, digit by digit") {
    station::ui::HelpSnapshot call;
    call.state = "called";
    call.ticket = "A012";
    CHECK(station::ui::help_prompt(call) == std::vector<std::string>{"help.called", "help.your_number",
                                                                     "letter.A", "digit.0", "digit.1",
                                                                     "digit.2"});
    call.state = "acknowledged";
    CHECK(station::ui::help_prompt(call) == std::vector<std::string>{"help.acknowledged"});
    call.state = "resolved";
    CHECK(station::ui::help_prompt(call) == std::vector<std::string>{"help.resolved", "help.rate"});
}

TEST_CASE("the kiosk speaks the state of a call through the audio device") {
    Kiosk k;
    k.ui().help().call();
    k.screen->show("help");
    k.frame();
    const auto& spoken = k.ui().voice().last_spoken();
    REQUIRE_FALSE(spoken.empty());
    CHECK(spoken.front() == "help.called");
    CHECK(k.ui().voice().ms_until_done() > 0);  // the device is open while it speaks
    auto size = std::filesystem::file_size(k.dir / "speaker.raw");
    for (int i = 0; i < 100 && size == 0; ++i) {
        std::this_thread::sleep_for(20ms);
        size = std::filesystem::file_size(k.dir / "speaker.raw");
    }
    CHECK(size > 0);
}

TEST_CASE("a recording in the data folder replaces the generated clip") {
    station::test::TempDir dir;
    std::filesystem::create_directories(dir / "voice");
    std::filesystem::copy_file(station::ui::builtin_voice_dir() / "digit.1.wav",
                               dir / "voice/help.called.wav");
    // SDL's dummy driver has one output device, so the two voices speak one after the other.
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    int64_t generated_ms = 0;
    {
        station::ui::Voice builtin({station::ui::builtin_voice_dir()});
        REQUIRE(builtin.say({"help.called"}));
        generated_ms = builtin.ms_until_done();
    }
    station::ui::Voice voice({dir / "voice", station::ui::builtin_voice_dir()});
    REQUIRE(voice.has_clip("help.called"));
    // The station's clip (one short digit) is much shorter than the generated sentence.
    REQUIRE(voice.say({"help.called"}));
    CHECK(voice.ms_until_done() > 0);
    CHECK(voice.ms_until_done() < generated_ms);
}

TEST_CASE("the volume goes back to its default for the next visitor") {
    Kiosk k;
    k.ui().voice().set_volume(0.3f);
    k.screen->show("help");  // somewhere other than home, with nothing open
    k.frame();
    k.clock->advance(std::chrono::seconds(k.station->config().ui.idle_timeout_s) + 1s);
    k.frame();
    REQUIRE(k.ui().idle_prompt_showing());
    k.clock->advance(21s);
    k.frame();
    CHECK(k.ui().navigator().current() == "home");
    CHECK(k.ui().voice().volume() == doctest::Approx(station::ui::Voice::kDefaultVolume));
}

TEST_CASE("after the idle timeout the kiosk asks for more time, then returns home") {
    Kiosk k;
    k.screen->show("help");
    k.frame();
    k.clock->advance(89s);
    k.frame();
    CHECK_FALSE(k.ui().idle_prompt_showing());
    k.clock->advance(2s);
    k.frame();
    CHECK(k.ui().idle_prompt_showing());
    CHECK(k.ui().navigator().current() == "help");
    k.clock->advance(21s);
    k.frame();
    CHECK_FALSE(k.ui().idle_prompt_showing());
    CHECK(k.ui().navigator().current() == "home");
}

TEST_CASE("a touch answers the idle prompt and the timeout starts again") {
    Kiosk k;
    k.screen->show("help");
    k.frame();
    k.clock->advance(91s);
    k.frame();
    REQUIRE(k.ui().idle_prompt_showing());
    SDL_Event touch{};
    touch.type = SDL_MOUSEBUTTONDOWN;
    touch.button.button = SDL_BUTTON_LEFT;
    k.ui().process_event(touch);
    CHECK_FALSE(k.ui().idle_prompt_showing());
    k.clock->advance(60s);
    k.frame();
    CHECK_FALSE(k.ui().idle_prompt_showing());
    CHECK(k.ui().navigator().current() == "help");
}

TEST_CASE("the idle timeout never resets a screen whose call is open") {
    Kiosk k;
    k.ui().help().call();
    k.screen->show("help");
    k.frame();
    REQUIRE(k.ui().help().has_open_call());
    k.clock->advance(10min);
    k.frame();
    CHECK_FALSE(k.ui().idle_prompt_showing());
    CHECK(k.ui().navigator().current() == "help");
    CHECK(k.ui().help().current());
}

TEST_CASE("a resolved call is forgotten when the visitor leaves") {
    Kiosk k;
    k.ui().help().call();
    k.screen->show("help");
    k.frame();
    int64_t id = k.ui().help().current()->id;
    auto wang = station::Actor::staff("wang", "王老师");
    REQUIRE(k.station->help_desk().acknowledge(id, wang).ok());
    REQUIRE(k.station->help_desk().resolve(id, wang).ok());
    k.frame();
    k.clock->advance(91s);
    k.frame();
    k.clock->advance(21s);
    k.frame();
    CHECK(k.ui().navigator().current() == "home");
    CHECK_FALSE(k.ui().help().current());
}
