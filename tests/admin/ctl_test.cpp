// `stationctl requests ...` against a headless demo kiosk, as staff at a desk would run it.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <regex>

#include "admin/client/api_client.h"
#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::test::bin_path;
using station::test::run_process;

namespace {

struct Kiosk {
    station::test::TempDir dir;
    station::test::ChildProcess process{{bin_path("station-kiosk"), "--demo", "--headless", "--data",
                                         (dir / "d").string(), "--api", "127.0.0.1:0"}};
    std::string url;
    Kiosk() {
        REQUIRE(process.wait_for_stderr("api: listening", 30s));
        std::smatch m;
        REQUIRE(std::regex_search(process.err_so_far(), m,
                                  std::regex(R"(listening on (http://127\.0\.0\.1:[0-9]+)/)")));
        url = m[1];
    }
    int64_t call(const std::string& category) {
        station::admin::ApiClient client(url);
        auto login = client.post("/api/v1/login", {{"user", "demo"}, {"pin", "2468"}});
        REQUIRE(login.ok());
        client.set_token(login.body["token"]);
        auto created = client.post("/api/v1/requests", {{"category", category}, {"source", "staff"}});
        REQUIRE(created.status == 201);
        return created.body["id"];
    }
    station::test::ProcessResult ctl(std::vector<std::string> args) {
        std::vector<std::string> argv = {bin_path("stationctl")};
        argv.insert(argv.end(), args.begin(), args.end());
        for (const char* a : {"--server", url.c_str(), "--user", "demo", "--pin", "2468"}) argv.push_back(a);
        return run_process(argv, {}, 30s);
    }
};

}  // namespace

TEST_CASE("stationctl requests list --json gives {\"requests\": [...]}") {
    Kiosk k;
    int64_t id = k.call("medical");
    auto r = k.ctl({"requests", "list", "--json"});
    REQUIRE(r.exit_code == 0);
    auto body = nlohmann::json::parse(r.out);
    REQUIRE(body["requests"].size() == 1);
    CHECK(body["requests"][0]["id"] == id);
    CHECK(body["requests"][0]["ticket"] == "A001");
    auto text = k.ctl({"requests", "list"});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("A001") != std::string::npos);
    CHECK(text.out.find("就医") != std::string::npos);
}

TEST_CASE("stationctl requests ack, arrive, resolve move a request along") {
    Kiosk k;
    int64_t id = k.call("repair");
    std::string ids = std::to_string(id);
    auto ack = k.ctl({"requests", "ack", ids, "--json"});
    REQUIRE(ack.exit_code == 0);
    CHECK(nlohmann::json::parse(ack.out)["state"] == "acknowledged");
    CHECK(k.ctl({"requests", "arrive", ids}).exit_code == 0);
    auto resolved = k.ctl({"requests", "resolve", ids, "--note", "换了灯泡", "--json"});
    REQUIRE(resolved.exit_code == 0);
    CHECK(nlohmann::json::parse(resolved.out)["state"] == "resolved");
    auto closed = k.ctl({"requests", "list", "--state", "closed", "--json"});
    CHECK(nlohmann::json::parse(closed.out)["requests"].size() == 1);

    auto again = k.ctl({"requests", "resolve", ids});  // illegal: the kiosk says why
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("state") != std::string::npos);
}

TEST_CASE("stationctl requests: a wrong PIN exits 1, a missing id exits 2") {
    Kiosk k;
    auto wrong = run_process(
        {bin_path("stationctl"), "requests", "list", "--server", k.url, "--user", "demo", "--pin", "0000"});
    CHECK(wrong.exit_code == 1);
    CHECK(wrong.err.find("login") != std::string::npos);
    auto missing = run_process(
        {bin_path("stationctl"), "requests", "ack", "--server", k.url, "--user", "demo", "--pin", "2468"});
    CHECK(missing.exit_code == 2);
}
