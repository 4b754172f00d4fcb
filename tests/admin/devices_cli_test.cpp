// `stationctl devices ...` against a headless demo kiosk, whose devices are the simulators.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <thread>

#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::test::bin_path;
using station::test::run_process;

namespace {

struct DemoKiosk {
    station::test::TempDir dir;
    station::test::ChildProcess process{{bin_path("station-kiosk"), "--demo", "--headless", "--data",
                                         (dir / "d").string(), "--api", "127.0.0.1:0"}};
    std::string url;
    DemoKiosk() {
        REQUIRE(process.wait_for_stderr("api: listening", 30s));
        std::smatch m;
        REQUIRE(std::regex_search(process.err_so_far(), m, std::regex(R"(listening on (http://127\.0\.0\.1:[0-9]+)/)")));
        url = m[1];
    }
    station::test::ProcessResult ctl(std::vector<std::string> args, const std::string& pin = "2468") {
        std::vector<std::string> argv = {bin_path("stationctl")};
        argv.insert(argv.end(), args.begin(), args.end());
        for (const char* a : {"--server", url.c_str(), "--user", "demo", "--pin", pin.c_str()}) argv.push_back(a);
        return run_process(argv, {}, 30s);
    }
};

}  // namespace

TEST_CASE("stationctl devices --json lists the four simulated devices, ok, then the display, the screens and the disk") {
    DemoKiosk k;
    nlohmann::json devices;
    auto four_ok = [&devices] {
        if (devices.size() != 8) return false;
        for (int i = 0; i < 4; ++i)
            if (devices[i]["status"] != "ok") return false;
        return true;
    };
    for (int attempt = 0; attempt < 60; ++attempt) {  // the workers open the simulators in ~ms
        auto r = k.ctl({"devices", "--json"});
        REQUIRE(r.exit_code == 0);
        devices = nlohmann::json::parse(r.out)["devices"];
        if (four_ok()) break;
        std::this_thread::sleep_for(50ms);
    }
    REQUIRE(devices.size() == 8);
    for (int i = 0; i < 4; ++i) {
        CHECK(devices[i]["status"] == "ok");
        CHECK(devices[i]["configured"] == true);
    }
    // A headless kiosk: no power backend configured, and no window on either screen.
    CHECK(devices[4]["device"] == "display");
    CHECK(devices[4]["configured"] == false);
    CHECK(devices[5]["device"] == "touch_screen");
    CHECK(devices[5]["window"] == false);
    CHECK(devices[6]["device"] == "public_display");
    CHECK(devices[6]["window"] == false);
    CHECK(devices[7]["device"] == "disk");
    auto text = k.ctl({"devices"});
    REQUIRE(text.exit_code == 0);
    for (const char* name : {"printer", "idcard", "qr", "button"}) CHECK(text.out.find(name) != std::string::npos);
}

TEST_CASE("stationctl devices test printer prints and other devices or wrong PINs exit 1") {
    DemoKiosk k;
    station::test::ProcessResult printed;
    for (int attempt = 0; attempt < 60; ++attempt) {
        printed = k.ctl({"devices", "test", "printer"});
        if (printed.exit_code == 0) break;
        std::this_thread::sleep_for(50ms);
    }
    CHECK(printed.exit_code == 0);
    CHECK(printed.out.find("printer") != std::string::npos);
    auto button = k.ctl({"devices", "test", "button"});
    CHECK(button.exit_code == 1);
    CHECK(button.err.find("button") != std::string::npos);
    CHECK(k.ctl({"devices"}, "0000").exit_code == 1);
    CHECK(run_process({bin_path("stationctl"), "devices", "--server", k.url}, {}, 30s).exit_code == 2);
}
