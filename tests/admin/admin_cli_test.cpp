// stationctl and station-admin as staff and scripts run them.
#include <doctest/doctest.h>

#include <csignal>
#include <regex>

#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::test::bin_path;
using station::test::run_process;

TEST_CASE("stationctl --help and station-admin --help answer and exit 0") {
    auto ctl = run_process({bin_path("stationctl"), "--help"});
    CHECK(ctl.exit_code == 0);
    CHECK(ctl.out.find("status") != std::string::npos);
    CHECK(ctl.out.find("--server") != std::string::npos);
    auto admin = run_process({bin_path("station-admin"), "--help"});
    CHECK(admin.exit_code == 0);
    CHECK(admin.out.find("--connect") != std::string::npos);
}

TEST_CASE("stationctl refuses a malformed server address with exit 2") {
    auto r = run_process({bin_path("stationctl"), "--server", "kiosk-7", "status"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("expected a kiosk address like http://127.0.0.1:8600") != std::string::npos);
}

TEST_CASE("stationctl status says when the kiosk cannot be reached") {
    // Port 9 (discard) on loopback: nothing listens there in the test environment.
    auto r = run_process({bin_path("stationctl"), "--server", "http://127.0.0.1:9", "status"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("cannot reach http://127.0.0.1:9") != std::string::npos);
}

TEST_CASE("stationctl status reads a headless kiosk's health") {
    station::test::TempDir dir;
    station::test::ChildProcess kiosk({bin_path("station-kiosk"), "--demo", "--headless", "--data",
                                       (dir / "d").string(), "--api", "127.0.0.1:0"});
    REQUIRE(kiosk.wait_for_stderr("running headless", 30s));
    std::smatch m;
    std::string log = kiosk.err_so_far();
    REQUIRE(std::regex_search(log, m, std::regex(R"(listening on (http://127\.0\.0\.1:[0-9]+)/)")));
    auto r = run_process({bin_path("stationctl"), "--server", m[1].str(), "status"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("示范党群服务站") != std::string::npos);
    CHECK(r.out.find("[demo mode]") != std::string::npos);
    auto json = run_process({bin_path("stationctl"), "--server", m[1].str(), "status", "--json"});
    CHECK(json.exit_code == 0);
    CHECK(json.out.find("\"status\":\"ok\"") != std::string::npos);
    CHECK(kiosk.stop(SIGTERM) == 0);
}

TEST_CASE("station-admin refuses a malformed --connect address with exit 2") {
    auto r = run_process({bin_path("station-admin"), "--connect", "nonsense"});
    CHECK(r.exit_code == 2);
}
