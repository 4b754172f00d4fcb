// Help button: debouncing with an injected clock, the serial button against its simulator,
// evdev key filtering.
#include <doctest/doctest.h>

#include <linux/input-event-codes.h>

#include "button/help_button.h"
#include "sim/simulator.h"

using namespace station::drivers;
using namespace std::chrono_literals;

TEST_CASE("debouncer accepts the first press and ignores presses within the hold-off") {
    ManualClock clock;
    Debouncer d(500ms);
    CHECK(d.accept(clock.now()));
    clock.advance(100ms);
    CHECK_FALSE(d.accept(clock.now()));
    clock.advance(399ms);
    CHECK_FALSE(d.accept(clock.now()));
    clock.advance(1ms);
    CHECK(d.accept(clock.now()));
}

TEST_CASE("serial help button: bouncing contacts give one help press") {
    auto sim = sim::HelpButtonSimulator::create();
    REQUIRE(sim.ok());
    ManualClock clock;
    auto button = SerialHelpButton::open((*sim)->uri(), {}, clock);
    REQUIRE(button.ok());
    int pressed = 0;
    (*sim)->press(3);
    int accepted = 0;
    for (int i = 0; i < 20 && accepted == 0; ++i) {
        auto n = (*button)->poll(100ms, [&] { ++pressed; });
        REQUIRE(n.ok());
        accepted += *n;
    }
    // Drain the remaining bounces.
    auto more = (*button)->poll(50ms, [&] { ++pressed; });
    REQUIRE(more.ok());
    CHECK(pressed == 1);
    clock.advance(600ms);
    (*sim)->press();
    int second = 0;
    for (int i = 0; i < 20 && second == 0; ++i) second += *(*button)->poll(100ms, [&] { ++pressed; });
    CHECK(pressed == 2);
}

TEST_CASE("serial help button ignores garbage and other lines") {
    ManualClock clock;
    SerialHelpButton button(nullptr, HelpButtonOptions{}, clock);
    int pressed = 0;
    CHECK(button.feed("\x01\xFFnoise\r\nHELPX\r\n", [&] { ++pressed; }) == 0);
    CHECK(button.feed("help\r", [&] { ++pressed; }) == 1);
    CHECK(pressed == 1);
    CHECK(button.feed(std::string(1000, 'H'), [&] { ++pressed; }) == 0);
}

TEST_CASE("one-character token counts every occurrence, debounced") {
    ManualClock clock;
    HelpButtonOptions options;
    options.token = "!";
    SerialHelpButton button(nullptr, options, clock);
    CHECK(button.feed("!!!", nullptr) == 1);
    clock.advance(1s);
    CHECK(button.feed("x!", nullptr) == 1);
}

TEST_CASE("serial help button with the simulator's garbage fault still sees the press") {
    auto sim = sim::HelpButtonSimulator::create();
    REQUIRE(sim.ok());
    ManualClock clock;
    auto button = SerialHelpButton::open((*sim)->uri(), {}, clock);
    REQUIRE(button.ok());
    (*sim)->set_fault(sim::SimFault::Garbage);
    (*sim)->press();
    int pressed = 0;
    for (int i = 0; i < 4 && pressed == 0; ++i) REQUIRE((*button)->poll(50ms, [&] { ++pressed; }).ok());
    // Garbage may glue onto the token; a lost press is acceptable, a crash or false press is not.
    CHECK(pressed <= 1);
}

TEST_CASE("unplugged help button reports Unplugged and offline") {
    auto sim = sim::HelpButtonSimulator::create();
    REQUIRE(sim.ok());
    auto button = SerialHelpButton::open((*sim)->uri());
    REQUIRE(button.ok());
    (*sim)->unplug();
    auto n = (*button)->poll(500ms, nullptr);
    REQUIRE_FALSE(n.ok());
    CHECK(n.error().code == ErrorCode::Unplugged);
    CHECK((*button)->health().reason.find("help button disconnected") != std::string::npos);
}

TEST_CASE("evdev help button on a missing node is unavailable") {
    auto button = EvdevHelpButton::open("/dev/input/event-station-missing");
    REQUIRE_FALSE(button.ok());
    CHECK(button.error().code == ErrorCode::Unavailable);
    CHECK(help_key_code({}) == KEY_F12);
}

TEST_CASE("evdev help button through uinput when available") {
    auto keyboard = sim::UinputKeyboardSimulator::create("Station sim help key");
    if (!keyboard) {
        MESSAGE("uinput not available here, skipped: " << keyboard.error().describe());
        return;
    }
    ManualClock clock;
    auto button = EvdevHelpButton::open((*keyboard)->event_path(), {}, clock);
    REQUIRE(button.ok());
    REQUIRE((*keyboard)->key(KEY_F12, 1).ok());
    REQUIRE((*keyboard)->key(KEY_F12, 0).ok());
    int pressed = 0;
    REQUIRE((*button)->poll(500ms, [&] { ++pressed; }).ok());
    CHECK(pressed == 1);
}
