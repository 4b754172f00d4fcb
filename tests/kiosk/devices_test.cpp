// The device manager against the real simulators (drivers/sim): health and reconnect, paper
// faults, help tickets that never block a call, the physical button, card identification with a
// masked number only, the [devices] config, the API routes and the --demo wiring.
#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "drivers/sim/simulator.h"
#include "kiosk/api/api_server.h"
#include "kiosk/core/devices.h"
#include "kiosk/core/help_desk.h"
#include "kiosk/core/station.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
namespace sim = station::drivers::sim;
using station::Actor;

namespace {

// Bounded wait for device I/O on the simulators' and workers' threads.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 3000ms) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(5ms);
    }
    return condition();
}

// A station whose [devices] point at simulators created here, and a manager with fast timings
// (the station's own manager is never started: start_services() is not called).
struct Fixture {
    station::test::TempDir dir;
    std::shared_ptr<station::ManualClock> clock = std::make_shared<station::ManualClock>();
    std::unique_ptr<sim::PrinterSimulator> printer;
    std::unique_ptr<sim::IdCardSimulator> idcard;
    std::unique_ptr<sim::HelpButtonSimulator> button;
    std::unique_ptr<sim::QrScannerSimulator> qr;
    std::unique_ptr<station::Station> station;
    std::unique_ptr<station::DeviceManager> devices;
    std::mutex events_mutex;  // guards events (published on the device workers)
    std::vector<station::Event> events;

    Fixture() {
        printer = std::move(*sim::PrinterSimulator::create(sim::SimEndpoint::Pty, (dir / "printer").string()));
        idcard = std::move(*sim::IdCardSimulator::create(std::nullopt, (dir / "idcard").string()));
        button = std::move(*sim::HelpButtonSimulator::create("HELP", (dir / "button").string()));
        qr = std::move(*sim::QrScannerSimulator::create((dir / "qr").string()));
        station::StationConfig config;
        config.devices.printer = printer->uri();
        config.devices.idcard = idcard->uri();
        config.devices.button = button->uri();
        config.devices.qr = qr->uri();
        config.devices.status_poll_ms = 50;
        station::StationOptions options;
        options.config = config;
        options.data_dir = dir / "data";
        options.clock = clock;
        auto opened = station::Station::open(options);
        REQUIRE(opened.ok());
        station = std::move(opened.value());
        station->events().subscribe([this](const station::Event& e) {
            std::lock_guard<std::mutex> guard(events_mutex);
            events.push_back(e);
        });
        station::DeviceTimings timings;
        timings.backoff_first = 20ms;
        timings.backoff_cap = 200ms;
        timings.scan_wait = 50ms;
        devices = std::make_unique<station::DeviceManager>(*station, timings);
        REQUIRE(devices->start().ok());
    }
    ~Fixture() { devices->stop(); }

    std::string state(const std::string& device) { return devices->status(device)->status; }
    std::optional<station::Event> find_event(const std::string& type, int64_t request_id = 0) {
        std::lock_guard<std::mutex> guard(events_mutex);
        for (const auto& e : events)
            if (e.type == type && (request_id == 0 || e.data.value("request_id", int64_t(0)) == request_id)) return e;
        return std::nullopt;
    }
    bool printed(const std::string& text) {
        for (const auto& line : printer->record().lines)
            if (line.text.find(text) != std::string::npos) return true;
        return false;
    }
};

}  // namespace

TEST_CASE("every configured device is ok once opened, and the change is a device.health event") {
    Fixture f;
    REQUIRE(eventually([&] {
        for (const auto& s : f.devices->snapshot())
            if (s.status != "ok") return false;
        return true;
    }));
    auto snapshot = f.devices->snapshot();
    REQUIRE(snapshot.size() == 4);
    CHECK(snapshot[0].device == "printer");
    CHECK(snapshot[0].configured);
    CHECK(snapshot[0].reason.empty());
    CHECK(snapshot[0].since_ms == f.clock->now_ms());
    auto event = f.find_event("device.health");
    REQUIRE(event);
    CHECK(event->data.contains("device"));
    CHECK(event->data["status"] == "ok");
    CHECK(f.devices->status("nonesuch") == std::nullopt);
}

TEST_CASE("an unplugged printer is offline, and ok again within 2 s of coming back") {
    Fixture f;
    REQUIRE(eventually([&] { return f.state("printer") == "ok"; }));
    f.printer->unplug();
    REQUIRE(eventually([&] { return f.state("printer") == "offline"; }));
    CHECK(f.devices->status("printer")->reason == "打印机未连接 printer not connected");
    f.clock->advance(5s);
    REQUIRE(f.printer->replug().ok());
    auto replugged = std::chrono::steady_clock::now();
    REQUIRE(eventually([&] { return f.state("printer") == "ok"; }, 2500ms));
    CHECK(std::chrono::steady_clock::now() - replugged < 2s);
    CHECK(f.devices->status("printer")->since_ms == f.clock->now_ms());
}

TEST_CASE("unplugged card reader, scanner and button go offline and come back") {
    Fixture f;
    REQUIRE(eventually([&] { return f.state("idcard") == "ok" && f.state("button") == "ok" && f.state("qr") == "ok"; }));
    f.idcard->unplug();
    f.button->unplug();
    f.qr->unplug();
    REQUIRE(eventually([&] {
        return f.state("idcard") == "offline" && f.state("button") == "offline" && f.state("qr") == "offline";
    }));
    REQUIRE(f.idcard->replug().ok());
    REQUIRE(f.button->replug().ok());
    REQUIRE(f.qr->replug().ok());
    CHECK(eventually([&] { return f.state("idcard") == "ok" && f.state("button") == "ok" && f.state("qr") == "ok"; },
                     2500ms));
}

TEST_CASE("paper near end is degraded and paper out is offline, each with its reason") {
    Fixture f;
    REQUIRE(eventually([&] { return f.state("printer") == "ok"; }));
    f.printer->set_fault(sim::SimFault::NearEnd);
    REQUIRE(eventually([&] { return f.state("printer") == "degraded"; }));
    CHECK(f.devices->status("printer")->reason.find("near end") != std::string::npos);
    f.printer->set_fault(sim::SimFault::PaperOut);
    REQUIRE(eventually([&] { return f.state("printer") == "offline"; }));
    CHECK(f.devices->status("printer")->reason.find("paper") != std::string::npos);
    f.printer->set_fault(sim::SimFault::None);
    CHECK(eventually([&] { return f.state("printer") == "ok"; }));
}

TEST_CASE("a help call from the screen prints a ticket with its number") {
    Fixture f;
    REQUIRE(eventually([&] { return f.state("printer") == "ok"; }));
    auto called = f.station->help_desk().call({"meal", "screen", ""}, Actor::resident());
    REQUIRE(called.ok());
    REQUIRE(eventually([&] { return f.find_event("help.ticket_printed", called->id).has_value(); }));
    auto event = *f.find_event("help.ticket_printed", called->id);
    CHECK(event.data["ticket"] == called->ticket);
    CHECK(event.data["confirmed"] == true);
    auto record = f.printer->record();
    CHECK(f.printed(called->ticket));
    CHECK(f.printed(f.station->config().station.name));
    CHECK(f.printed("助餐"));
    REQUIRE(record.qr_codes.size() == 1);
    CHECK(record.qr_codes[0] == "station://station-1/requests/" + std::to_string(called->id));
    CHECK(record.cuts == 1);
}

TEST_CASE("a call made by staff on someone's behalf prints nothing at the kiosk") {
    Fixture f;
    REQUIRE(eventually([&] { return f.state("printer") == "ok"; }));
    auto called = f.station->help_desk().call({"", "staff", ""}, Actor::staff("wang", "王老师"));
    REQUIRE(called.ok());
    std::this_thread::sleep_for(100ms);
    CHECK(f.printer->record().cuts == 0);
}

TEST_CASE("a printer out of paper never blocks a call: the call stands and the failure is an event") {
    Fixture f;
    REQUIRE(eventually([&] { return f.state("printer") == "ok"; }));
    f.printer->set_fault(sim::SimFault::PaperOut);
    auto before = std::chrono::steady_clock::now();
    auto called = f.station->help_desk().call({}, Actor::resident());
    CHECK(std::chrono::steady_clock::now() - before < 100ms);  // the desk's commit only
    REQUIRE(called.ok());
    REQUIRE(eventually([&] { return f.find_event("help.ticket_failed", called->id).has_value(); }));
    auto failed = *f.find_event("help.ticket_failed", called->id);
    CHECK(failed.data["ticket"] == called->ticket);
    CHECK(failed.data["reason"].get<std::string>().find("paper") != std::string::npos);
    CHECK(f.station->help_desk().get(called->id)->state == station::HelpState::called);
    CHECK(f.printer->record().cuts == 0);
    CHECK(f.state("printer") == "offline");
}

TEST_CASE("with the printer unplugged a call's ticket fails at once and the call stands") {
    Fixture f;
    REQUIRE(eventually([&] { return f.state("printer") == "ok"; }));
    f.printer->unplug();
    REQUIRE(eventually([&] { return f.state("printer") == "offline"; }));
    auto called = f.station->help_desk().call({}, Actor::resident());
    REQUIRE(called.ok());
    REQUIRE(eventually([&] { return f.find_event("help.ticket_failed", called->id).has_value(); }));
    CHECK(f.station->help_desk().get(called->id)->open());
}

TEST_CASE("the physical help button's press is a call with source button, and its ticket prints") {
    Fixture f;
    REQUIRE(eventually([&] { return f.state("button") == "ok" && f.state("printer") == "ok"; }));
    f.button->press(2);  // contact bounce: one call
    REQUIRE(eventually([&] { return !f.station->help_desk().open_requests().empty(); }));
    std::this_thread::sleep_for(100ms);
    auto open = f.station->help_desk().open_requests();
    REQUIRE(open.size() == 1);
    CHECK(open[0].source == "button");
    CHECK(open[0].created_by == "resident");
    CHECK(eventually([&] { return f.printed(open[0].ticket); }));
}

TEST_CASE("a card read while a call is open identifies it with the masked number only") {
    Fixture f;
    REQUIRE(eventually([&] { return f.state("idcard") == "ok"; }));
    std::mutex reads_mutex;
    std::vector<station::CardRead> reads;
    f.devices->on_card([&](const station::CardRead& read) {
        std::lock_guard<std::mutex> guard(reads_mutex);
        reads.push_back(read);
    });
    auto called = f.station->help_desk().call({}, Actor::resident());
    REQUIRE(called.ok());
    auto card = sim::IdCardSimulator::sample_card();
    f.idcard->place_card(card);
    REQUIRE(eventually([&] { return f.find_event("device.card").has_value(); }));
    auto event = *f.find_event("device.card");
    CHECK(event.data["masked_id"] == card.masked_id());
    CHECK(event.data["request_id"] == called->id);
    CHECK(event.data["identified"] == true);
    {
        std::lock_guard<std::mutex> guard(f.events_mutex);
        for (const auto& e : f.events) {
            CHECK(e.data.dump().find(card.id_number) == std::string::npos);
            CHECK(e.data.dump().find(card.name) == std::string::npos);
        }
    }
    auto request = f.station->help_desk().get(called->id);
    CHECK(request->identified);
    CHECK(request->resident_id_masked == card.masked_id());
    std::lock_guard<std::mutex> guard(reads_mutex);
    REQUIRE(reads.size() == 1);
    CHECK(reads[0].masked_id == card.masked_id());
    CHECK(reads[0].request_id == called->id);
}

TEST_CASE("a card read with no open call identifies nothing") {
    Fixture f;
    REQUIRE(eventually([&] { return f.state("idcard") == "ok"; }));
    auto called = f.station->help_desk().call({}, Actor::resident());
    REQUIRE(called.ok());
    REQUIRE(f.station->help_desk().cancel(called->id, Actor::resident()).ok());
    f.idcard->place_card(sim::IdCardSimulator::sample_card());
    REQUIRE(eventually([&] { return f.find_event("device.card").has_value(); }));
    auto event = *f.find_event("device.card");
    CHECK(event.data["identified"] == false);
    CHECK(event.data["request_id"].is_null());
    CHECK_FALSE(f.station->help_desk().get(called->id)->identified);
}

TEST_CASE("a QR scan reaches on_scan handlers and the event carries only its length") {
    Fixture f;
    REQUIRE(eventually([&] { return f.state("qr") == "ok"; }));
    std::mutex scans_mutex;
    std::vector<std::string> scans;
    f.devices->on_scan([&](const std::string& payload) {
        std::lock_guard<std::mutex> guard(scans_mutex);
        scans.push_back(payload);
    });
    f.qr->emit_scan("活动签到:42");
    REQUIRE(eventually([&] { return f.find_event("device.scan").has_value(); }));
    CHECK(f.find_event("device.scan")->data["length"] == std::string("活动签到:42").size());
    std::lock_guard<std::mutex> guard(scans_mutex);
    REQUIRE(scans.size() == 1);
    CHECK(scans[0] == "活动签到:42");
}

TEST_CASE("the printer test page prints, and a printer in a fault says which") {
    Fixture f;
    REQUIRE(eventually([&] { return f.state("printer") == "ok"; }));
    auto printed = f.devices->print_test_page();
    REQUIRE(printed.wait_for(3s) == std::future_status::ready);
    CHECK(printed.get().ok());
    CHECK(f.printer->record().cuts == 1);
    f.printer->set_fault(sim::SimFault::CoverOpen);
    auto refused = f.devices->print_test_page();
    REQUIRE(refused.wait_for(3s) == std::future_status::ready);
    auto result = refused.get();
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message.find("cover") != std::string::npos);
}

TEST_CASE("devices config: URIs and paper width 58 or 80 and chinese native or raster") {
    auto config = station::parse_config(
        "[devices]\nprinter = \"tcp://10.0.0.5:9100\"\npaper_width_mm = 80\nprinter_chinese = \"raster\"\n", "t.toml");
    REQUIRE(config.ok());
    CHECK(config->devices.printer == "tcp://10.0.0.5:9100");
    CHECK(config->devices.paper_width_mm == 80);
    CHECK(config->devices.printer_chinese == "raster");
    auto bad_width = station::parse_config("[devices]\npaper_width_mm = 70\n", "t.toml");
    REQUIRE_FALSE(bad_width.ok());
    CHECK(bad_width.error().message == "t.toml:2: key 'devices.paper_width_mm': expected 58 or 80 (got 70)");
    auto bad_mode = station::parse_config("[devices]\nprinter_chinese = \"bitmap\"\n", "t.toml");
    REQUIRE_FALSE(bad_mode.ok());
    CHECK(bad_mode.error().message.find("devices.printer_chinese") != std::string::npos);
}

TEST_CASE("--demo runs the devices on simulators in DATA/sim and the API reports them and tests the printer") {
    station::test::TempDir dir;
    station::StationOptions options;
    options.data_dir = dir.path();
    options.demo = true;  // demo / 2468, role admin
    auto opened = station::Station::open(options);
    REQUIRE(opened.ok());
    station::Station& kiosk = **opened;
    REQUIRE(kiosk.staff().add("wang", "王老师", "1357", "staff").ok());
    REQUIRE(kiosk.staff().add("li", "李编辑", "2468", "editor").ok());
    kiosk.start_services();
    REQUIRE(kiosk.devices().simulators() != nullptr);
    CHECK(std::filesystem::exists(dir / "sim" / "printer"));
    REQUIRE(eventually([&] {
        for (const auto& s : kiosk.devices().snapshot())
            if (s.status != "ok") return false;
        return true;
    }));

    station::api::ApiServer api(kiosk);
    REQUIRE(api.start("127.0.0.1:0").ok());
    httplib::Client client("127.0.0.1", api.port());
    client.set_read_timeout(15, 0);
    auto login = [&](const std::string& user, const std::string& pin) {
        auto r = client.Post("/api/v1/login", nlohmann::json{{"user", user}, {"pin", pin}}.dump(), "application/json");
        REQUIRE(r);
        REQUIRE(r->status == 200);
        return httplib::Headers{{"Authorization", "Bearer " + nlohmann::json::parse(r->body)["token"].get<std::string>()}};
    };
    auto admin = login("demo", "2468");
    auto staff = login("wang", "1357");
    auto editor = login("li", "2468");

    CHECK(client.Get("/api/v1/devices")->status == 401);
    CHECK(client.Get("/api/v1/devices", editor)->status == 403);
    auto listed = client.Get("/api/v1/devices", staff);
    REQUIRE(listed->status == 200);
    auto body = nlohmann::json::parse(listed->body);
    REQUIRE(body["devices"].size() == 8);
    CHECK(body["devices"][0]["device"] == "printer");
    // After the four devices: the display's power backend and the two screens' windows (none here:
    // no window was opened).
    CHECK(body["devices"][4]["device"] == "display");
    CHECK(body["devices"][5]["device"] == "touch_screen");
    CHECK(body["devices"][5]["window"] == false);
    CHECK(body["devices"][5]["status"] == "offline");
    CHECK(body["devices"][6]["device"] == "public_display");
    CHECK(body["devices"][6]["configured"] == true);  // "auto" by default
    // Last, the data folder's disk with its free space.
    CHECK(body["devices"][7]["device"] == "disk");
    CHECK(body["devices"][7]["free_bytes"].get<uint64_t>() > 0);
    CHECK(body["devices"][7]["total_bytes"].get<uint64_t>() >= body["devices"][7]["free_bytes"].get<uint64_t>());
    CHECK(body["devices"][7]["status"] != "");
    CHECK(body["devices"][0]["status"] == "ok");
    CHECK(body["devices"][0].contains("since"));
    CHECK(body["devices"][0].contains("reason"));

    CHECK(client.Post("/api/v1/devices/printer/test", staff, "{}", "application/json")->status == 403);
    CHECK(client.Post("/api/v1/devices/nonesuch/test", admin, "{}", "application/json")->status == 404);
    auto tested = client.Post("/api/v1/devices/printer/test", admin, "{}", "application/json");
    REQUIRE(tested->status == 200);
    CHECK(kiosk.devices().simulators()->printer->record().cuts == 1);
    kiosk.devices().simulators()->printer->set_fault(sim::SimFault::PaperOut);
    auto refused = client.Post("/api/v1/devices/printer/test", admin, "{}", "application/json");
    REQUIRE(refused->status == 409);
    CHECK(nlohmann::json::parse(refused->body)["error"].get<std::string>().find("paper") != std::string::npos);
    api.stop();
    kiosk.stop_services();
}
