// stationctl's street-office commands against a headless demo kiosk: login with a saved token,
// users add|reset-pin|list, report --json|--csv, alert send|withdraw, and the login lockout.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include "headless_kiosk.h"
#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::test::bin_path;
using station::test::run_process;

namespace {

struct Fixture {
    station::test::TempDir dir;
    station::test::HeadlessKiosk kiosk{(dir / "d").string()};
    // stationctl with --server and this test's own config home (for the saved token).
    station::test::ProcessResult ctl(std::vector<std::string> args, bool as_demo = true) {
        std::vector<std::string> argv = {bin_path("stationctl")};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.push_back("--server");
        argv.push_back(kiosk.url);
        if (as_demo)
            for (const char* a : {"--user", "demo", "--pin", "2468"}) argv.push_back(a);
        return run_process(
            argv, {{"XDG_CONFIG_HOME", (dir / "config").string()}, {"STATION_PIN", std::nullopt}}, 30s);
    }
};

}  // namespace

TEST_CASE("stationctl login saves a 0600 token that later commands use without --user") {
    Fixture f;
    auto none = f.ctl({"requests", "list"}, false);
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("stationctl login") != std::string::npos);

    auto login = f.ctl({"login"});
    REQUIRE(login.exit_code == 0);
    auto file = f.dir / "config" / "station" / "stationctl-tokens.json";
    struct stat info {};
    REQUIRE(::stat(file.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK(station::test::read_file(file).find("2468") == std::string::npos);  // never the PIN

    f.kiosk.call("repair");
    auto list = f.ctl({"requests", "list", "--json"}, false);
    REQUIRE(list.exit_code == 0);
    CHECK(nlohmann::json::parse(list.out)["requests"].size() == 1);
    CHECK(f.ctl({"devices", "--json"}, false).exit_code == 0);
    CHECK(f.ctl({"logout"}, false).exit_code == 0);
    CHECK(f.ctl({"requests", "list"}, false).exit_code == 2);
}

TEST_CASE("stationctl users add, list, reset-pin (admin), with --json") {
    Fixture f;
    auto add = f.ctl({"users", "add", "zhao", "--name", "赵阿姨", "--role", "staff", "--new-pin", "4321"});
    REQUIRE(add.exit_code == 0);
    auto list = f.ctl({"users", "list", "--json"});
    REQUIRE(list.exit_code == 0);
    auto users = nlohmann::json::parse(list.out)["users"];
    bool found = false;
    for (const auto& u : users)
        found = found || (u["user"] == "zhao" && u["name"] == "赵阿姨" && u["role"] == "staff");
    CHECK(found);
    auto text = f.ctl({"users", "list"});
    CHECK(text.out.find("赵阿姨") != std::string::npos);

    auto taken = f.ctl({"users", "add", "zhao", "--name", "Z", "--new-pin", "1111"});
    CHECK(taken.exit_code == 1);
    CHECK(taken.err.find("already taken") != std::string::npos);
    CHECK(f.ctl({"users", "add", "qian", "--name", "Q"}).exit_code == 2);  // no new PIN

    // zhao (staff) may not manage users: 403 names the role.
    auto as_staff = run_process({bin_path("stationctl"), "users", "list", "--server", f.kiosk.url, "--user",
                                 "zhao", "--pin", "4321"});
    CHECK(as_staff.exit_code == 1);
    CHECK(as_staff.err.find("role") != std::string::npos);

    auto reset = f.ctl({"users", "reset-pin", "zhao", "--new-pin", "8765"});
    CHECK(reset.exit_code == 0);
    CHECK(run_process({bin_path("stationctl"), "requests", "list", "--server", f.kiosk.url, "--user", "zhao",
                       "--pin", "8765"})
              .exit_code == 0);
}

TEST_CASE("stationctl report: today's calls as text, --json and --csv, bad dates exit 2") {
    Fixture f;
    int64_t id = f.kiosk.call("meal");
    CHECK(f.ctl({"requests", "ack", std::to_string(id)}).exit_code == 0);
    f.kiosk.call("medical");
    auto health = f.kiosk.client().get("/api/v1/requests?state=all");
    std::string today = health.body["requests"][0]["service_day"];

    auto json = f.ctl({"report", "--from", today, "--to", today, "--json"});
    REQUIRE(json.exit_code == 0);
    auto report = nlohmann::json::parse(json.out);
    CHECK(report["days"].size() == 1);
    CHECK(report["days"][0]["calls"] == 2);
    CHECK(report["days"][0]["acknowledged"] == 1);
    CHECK(report["total"]["calls"] == 2);

    auto csv = f.ctl({"report", "--from", today, "--to", today, "--csv"});
    REQUIRE(csv.exit_code == 0);
    CHECK(csv.out.rfind(
              "day,calls,cancelled,acknowledged,ack_median_s,ack_p90_s,within_sla_share,satisfaction", 0) ==
          0);
    CHECK(csv.out.find("\n" + today + ",2,0,1,") != std::string::npos);
    CHECK(csv.out.find("\ntotal,2,0,1,") != std::string::npos);

    auto text = f.ctl({"report", "--from", today, "--to", today});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find(today) != std::string::npos);

    auto bad = f.ctl({"report", "--from", "2026-02-30", "--to", today});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("from") != std::string::npos);
}

TEST_CASE("stationctl alert send and withdraw through the kiosk's alerts API") {
    Fixture f;
    auto probe = f.kiosk.client().get("/api/v1/alerts");
    if (probe.status == 404) {
        // The signage part has not landed its alerts API on this tree: the CLI says what the kiosk said.
        auto sent = f.ctl({"alert", "send", "今天下午停水"});
        CHECK(sent.exit_code == 1);
        CHECK(sent.err.find("no such path") != std::string::npos);
        return;
    }
    auto sent = f.ctl({"alert", "send", "今天下午停水", "--title", "停水通知", "--mode", "fullscreen",
                       "--minutes", "30", "--json"});
    REQUIRE(sent.exit_code == 0);
    auto alert = nlohmann::json::parse(sent.out);
    CHECK(alert["text"] == "今天下午停水");
    CHECK(alert["mode"] == "fullscreen");
    std::string id = alert["id"].is_string() ? alert["id"].get<std::string>() : alert["id"].dump();
    auto list = f.ctl({"alert", "list", "--json"});
    CHECK(nlohmann::json::parse(list.out)["alerts"].size() == 1);
    auto withdrawn = f.ctl({"alert", "withdraw", id, "--json"});
    REQUIRE(withdrawn.exit_code == 0);
    CHECK(nlohmann::json::parse(withdrawn.out)["withdrawn"] == true);
    CHECK(f.ctl({"alert", "send", "x", "--mode", "sideways"}).exit_code == 2);
}

TEST_CASE("stationctl: five wrong PINs lock the name, the sixth try says how long") {
    Fixture f;
    for (int i = 0; i < 5; ++i) {
        auto wrong = run_process({bin_path("stationctl"), "requests", "list", "--server", f.kiosk.url,
                                  "--user", "demo", "--pin", "0000"});
        CHECK(wrong.exit_code == 1);
    }
    auto locked = f.ctl({"requests", "list"});
    CHECK(locked.exit_code == 1);
    CHECK(locked.err.find("try again in 15 minutes") != std::string::npos);
}
