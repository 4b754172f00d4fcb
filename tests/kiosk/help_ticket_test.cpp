// The paper ticket and the resident's card on the touchscreen: the printer's result is a journalled
// desk event (on the event stream, staff notified when it fails), and the screen and voice say it.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <cstdlib>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/database.h"
#include "kiosk/core/help_desk.h"
#include "kiosk/core/station.h"
#include "kiosk/ui/kiosk_ui.h"
#include "kiosk/ui/offscreen.h"
#include "temp_dir.h"

namespace {

struct Kiosk {
    station::test::TempDir dir;
    std::shared_ptr<station::ManualClock> clock = std::make_shared<station::ManualClock>();
    std::unique_ptr<station::Station> station;
    std::unique_ptr<station::ui::OffscreenKiosk> screen;

    Kiosk() {
        setenv("SDL_AUDIODRIVER", "dummy", 1);
        station::set_active_catalogue(*station::Catalogue::embedded("zh-CN"));
        station::StationOptions options;
        options.data_dir = dir / "data";
        options.demo = true;
        options.clock = clock;
        station::StationConfig::Notify hook;  // never delivered here: the services are not started
        hook.kind = "json";
        hook.url = "http://127.0.0.1:9/hook";
        options.config.notify.push_back(hook);
        station = std::move(station::Station::open(options).value());
        screen = std::move(station::ui::OffscreenKiosk::create(*station, 1280, 720, 96).value());
    }
    station::ui::HelpSession& help() { return screen->ui().help(); }
    int64_t call() {
        help().call();
        screen->show("help");
        screen->settle();
        screen->render_frame();
        REQUIRE(help().current());
        return help().current()->id;
    }
    void frame() {
        screen->settle();
        screen->render_frame();
    }
    int64_t outbox_rows(const std::string& text) {
        auto lock = station->db().lock();
        SQLite::Statement count(station->db().sql(), "SELECT COUNT(*) FROM notify_outbox WHERE body LIKE ?");
        count.bind(1, "%" + text + "%");
        count.executeStep();
        return count.getColumn(0).getInt64();
    }
};

}  // namespace

TEST_CASE(
    "a failed ticket is journalled for the event stream, notifies staff, and leaves the call as it was") {
    Kiosk k;
    int64_t id = k.call();
    int64_t before = k.station->help_desk().last_event_id();
    auto failed = k.station->help_desk().ticket_outcome(id, false, "printer: paper out");
    REQUIRE(failed.ok());
    CHECK(failed->state == station::HelpState::called);
    auto events = k.station->help_desk().events_after(before, 10);
    REQUIRE(events.size() == 1);
    CHECK(events[0].type == "help.ticket_failed");
    CHECK(events[0].data["request_id"] == id);
    CHECK(events[0].data["ticket"] == failed->ticket);
    CHECK(events[0].data["reason"] == "printer: paper out");
    CHECK(k.outbox_rows("号码单未能打印") == 1);
    // A printed ticket is journalled too, but staff need not hear about it.
    REQUIRE(k.station->help_desk().ticket_outcome(id, true, "", true).ok());
    CHECK(k.station->help_desk().events_after(before, 10).back().type == "help.ticket_printed");
    CHECK(k.outbox_rows("号码单") == 1);
}

TEST_CASE("the screen and the voice say when the ticket could not be printed") {
    Kiosk k;
    int64_t id = k.call();
    REQUIRE(k.station->help_desk().ticket_outcome(id, false, "printer: paper out").ok());
    k.frame();
    const auto& call = *k.help().current();
    CHECK(call.ticket_print == "failed");
    CHECK(call.state == "called");
    CHECK(call.status_text.find("已通知工作人员") != std::string::npos);
    const auto& spoken = k.screen->ui().voice().last_spoken();
    REQUIRE_FALSE(spoken.empty());
    CHECK(std::find(spoken.begin(), spoken.end(), "help.ticket_failed") != spoken.end());
    CHECK(k.help().has_open_call());
}

TEST_CASE("a printed ticket is announced after the call, and staff changes keep the print result") {
    Kiosk k;
    int64_t id = k.call();
    REQUIRE(k.station->help_desk().ticket_outcome(id, true, "", true).ok());
    k.frame();
    CHECK(k.help().current()->ticket_print == "printed");
    CHECK(k.screen->ui().voice().last_spoken().back() == "help.ticket_printed");
    REQUIRE(k.station->help_desk().acknowledge(id, station::Actor::staff("wang", "王老师")).ok());
    k.frame();
    CHECK(k.help().current()->state == "acknowledged");
    CHECK(k.help().current()->ticket_print == "printed");
}

TEST_CASE("a card read shows the masked number only") {
    Kiosk k;
    int64_t id = k.call();
    REQUIRE(k.station->help_desk().identify(id, "11010519491231002X", station::Actor::resident()).ok());
    k.frame();
    k.frame();  // the masked number comes from the worker
    const auto& call = *k.help().current();
    CHECK_FALSE(call.resident_masked.empty());
    CHECK(call.resident_masked.find("11010519491231002X") == std::string::npos);
    CHECK(call.resident_masked.substr(call.resident_masked.size() - 4) == "002X");
}
