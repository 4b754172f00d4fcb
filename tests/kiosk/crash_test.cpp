// Crash test (DESIGN.md rule 2, "nothing confirmed is lost"): SIGKILL a headless kiosk while a
// console streams help calls into it; after every restart each call that got a 201 is there,
// exactly once, with the ticket it was confirmed with, and the database passes integrity_check.
//
// The normal suite kills 5 times. The long run kills 200 times:
//     STATION_LONG_TESTS=1 ./build/tests/test_kiosk -tc='*SIGKILL*'
// (about 4-5 minutes on two shared cores; last run: 200 kills, 9955 of 10155 calls confirmed, all found
// once).
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <map>
#include <random>
#include <regex>
#include <thread>

#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::test::bin_path;
using station::test::ChildProcess;

namespace {

struct Confirmed {
    int64_t id;
    std::string ticket;
};

int listening_port(const std::string& log) {
    static const std::regex pattern(R"(api: listening on http://[^:]+:([0-9]+)/)");
    std::smatch m;
    return std::regex_search(log, m, pattern) ? std::stoi(m[1]) : 0;
}

std::unique_ptr<ChildProcess> start_kiosk(const std::string& data_dir, int& port) {
    auto kiosk = std::make_unique<ChildProcess>(std::vector<std::string>{
        bin_path("station-kiosk"), "--headless", "--demo", "--data", data_dir, "--api", "127.0.0.1:0"});
    REQUIRE_MESSAGE(kiosk->wait_for_stderr("api: listening", 30s), kiosk->err_so_far());
    port = listening_port(kiosk->err_so_far());
    REQUIRE(port > 0);
    return kiosk;
}

std::string login(int port) {
    httplib::Client client("127.0.0.1", port);
    auto r = client.Post("/api/v1/login", R"({"user":"demo","pin":"2468"})", "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return nlohmann::json::parse(r->body)["token"];
}

}  // namespace

TEST_CASE("every call confirmed with 201 survives SIGKILL, exactly once") {
    const char* long_run = std::getenv("STATION_LONG_TESTS");
    const int kills = long_run && std::string(long_run) == "1" ? 200 : 5;
    station::test::TempDir dir;
    const std::string data_dir = (dir / "data").string();
    std::map<std::string, Confirmed> confirmed;  // request_key -> what the 201 said
    std::mt19937 random(12345);
    int attempted = 0;

    for (int round = 0; round < kills; ++round) {
        int port = 0;
        auto kiosk = start_kiosk(data_dir, port);
        std::string token = login(port);
        std::atomic<bool> stop{false};
        std::vector<std::pair<std::string, Confirmed>> this_round;
        std::thread console([&] {
            httplib::Client client("127.0.0.1", port);
            client.set_read_timeout(5, 0);
            httplib::Headers headers = {{"Authorization", "Bearer " + token}};
            for (int n = 0; n < 100000 && !stop; ++n) {  // ends when the kiosk dies
                std::string key = "r" + std::to_string(round) + "-" + std::to_string(n);
                ++attempted;
                auto r = client.Post("/api/v1/requests", headers,
                                     nlohmann::json{{"source", "staff"}, {"request_key", key}}.dump(),
                                     "application/json");
                if (!r) break;
                if (r->status != 201) continue;
                auto body = nlohmann::json::parse(r->body);
                this_round.push_back({key, {body["id"].get<int64_t>(), body["ticket"].get<std::string>()}});
            }
        });
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int>(30, 300)(random)));
        CHECK(kiosk->stop(SIGKILL) == 128 + SIGKILL);
        stop = true;
        console.join();
        for (auto& [key, value] : this_round) confirmed.emplace(key, value);
    }
    MESSAGE(kills << " kills, " << confirmed.size() << " confirmed calls of " << attempted << " attempted");
    REQUIRE(confirmed.size() > 0);

    {  // the database holds each confirmed call once, with its ticket and its event
        SQLite::Database db((dir / "data" / "station.db").string(), SQLite::OPEN_READWRITE);
        CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
        std::map<std::string, Confirmed> stored;
        SQLite::Statement rows(
            db, "SELECT request_key, id, ticket FROM help_requests WHERE request_key IS NOT NULL");
        while (rows.executeStep())
            CHECK(stored
                      .emplace(rows.getColumn(0).getString(),
                               Confirmed{rows.getColumn(1).getInt64(), rows.getColumn(2).getString()})
                      .second);  // UNIQUE makes a second row impossible; check anyway
        for (const auto& [key, call] : confirmed) {
            CAPTURE(key);
            auto found = stored.find(key);
            REQUIRE(found != stored.end());
            CHECK(found->second.id == call.id);
            CHECK(found->second.ticket == call.ticket);
        }
        CHECK(db.execAndGet("SELECT COUNT(*) FROM help_requests").getInt64() <= attempted);
        CHECK(db.execAndGet("SELECT COUNT(*) FROM (SELECT service_day, ticket FROM help_requests "
                            "GROUP BY service_day, ticket HAVING COUNT(*) > 1)")
                  .getInt() == 0);
        CHECK(db.execAndGet("SELECT COUNT(*) FROM help_requests r WHERE (SELECT COUNT(*) FROM help_events e "
                            "WHERE e.request_id = r.id AND e.type = 'help.called') != 1")
                  .getInt() == 0);
    }

    {  // a restarted kiosk serves them, and a retried key is not called twice
        int port = 0;
        auto kiosk = start_kiosk(data_dir, port);
        std::string token = login(port);
        httplib::Client client("127.0.0.1", port);
        httplib::Headers headers = {{"Authorization", "Bearer " + token}};
        const auto& [key, call] = *confirmed.rbegin();
        auto r = client.Get(("/api/v1/requests/" + std::to_string(call.id)).c_str(), headers);
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(nlohmann::json::parse(r->body)["ticket"] == call.ticket);
        auto retry =
            client.Post("/api/v1/requests", headers,
                        nlohmann::json{{"source", "staff"}, {"request_key", key}}.dump(), "application/json");
        REQUIRE(retry);
        CHECK(retry->status == 200);
        CHECK(nlohmann::json::parse(retry->body)["id"] == call.id);
        CHECK(kiosk->stop(SIGTERM) == 0);
    }
}
