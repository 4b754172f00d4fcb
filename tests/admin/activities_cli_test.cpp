// `stationctl activities list|create` against a headless kiosk: --json as {"activities": [...]},
// the words of the text listing, times in local time, and refusals (a malformed time before
// anything is sent, the kiosk's own 400 naming the field) that change nothing.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

#include "headless_kiosk.h"
#include "kiosk/core/station.h"
#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::test::bin_path;
using station::test::run_process;

namespace {

constexpr int64_t kJune1st0930 = 1906507800000;  // 2030-06-01 09:30 in Shanghai

void shanghai_time() {
    setenv("TZ", "CST-8", 1);  // stationctl and the kiosk inherit it
    tzset();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A station with an editor account (the kiosk runs without --demo: no demo activities).
void seed(const std::filesystem::path& data) {
    station::StationOptions options;
    options.data_dir = data;
    options.demo = false;
    auto opened = station::Station::open(options);
    REQUIRE(opened.ok());
    REQUIRE((*opened)->staff().add("li", "李编辑", "8642", "editor").ok());
}

}  // namespace

TEST_CASE("stationctl activities create then list shows it with sign-ups against the minimum") {
    shanghai_time();
    station::test::TempDir dir;
    seed(dir / "d");
    station::test::HeadlessKiosk kiosk((dir / "d").string(), /*demo=*/false);  // no demo activities
    station::test::EnvChanges env = {{"XDG_CONFIG_HOME", (dir / "config").string()}, {"STATION_PIN", std::nullopt}};
    auto ctl = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {bin_path("stationctl"), "--server", kiosk.url});
        return run_process(args, env, 30s);
    };
    const std::vector<std::string> editor = {"--user", "li", "--pin", "8642"};
    auto with = [](std::vector<std::string> args, const std::vector<std::string>& more) {
        args.insert(args.end(), more.begin(), more.end());
        return args;
    };

    auto empty = ctl(with({"activities", "list", "--json"}, editor));
    INFO(empty.err);
    REQUIRE(empty.exit_code == 0);
    CHECK(nlohmann::json::parse(empty.out) == nlohmann::json{{"activities", nlohmann::json::array()}});

    auto created = ctl(with({"activities", "create", "--title", "戏曲欣赏会", "--place", "二楼活动室", "--starts",
                             "2030-06-01 09:30", "--ends", "11:00", "--capacity", "20", "--min", "5", "--description",
                             "沪剧选段", "--json"},
                            editor));
    INFO(created.err);
    REQUIRE(created.exit_code == 0);
    auto activity = nlohmann::json::parse(created.out);
    CHECK(activity["title"] == "戏曲欣赏会");
    CHECK(activity["starts_at"] == kJune1st0930);
    CHECK(activity["ends_at"] == kJune1st0930 + 90 * 60'000);
    CHECK(activity["capacity"] == 20);
    CHECK(activity["min_signups"] == 5);

    auto listed = ctl(with({"activities", "list", "--json"}, editor));
    REQUIRE(listed.exit_code == 0);
    auto list = nlohmann::json::parse(listed.out);
    REQUIRE(list["activities"].size() == 1);
    CHECK(list["activities"][0]["id"] == activity["id"]);
    CHECK(list["activities"][0]["signups"] == 0);
    CHECK(list["activities"][0]["goes_ahead"] == false);
    CHECK(list["activities"][0]["description"] == "沪剧选段");

    auto text = ctl(with({"activities", "list"}, editor));
    REQUIRE(text.exit_code == 0);
    CHECK(contains(text.out, "2030-06-01 09:30-11:00  戏曲欣赏会  @ 二楼活动室  0/20 signed up"));
    CHECK(contains(text.out, "minimum 5 not reached (5 short)"));

    // Refusals change nothing: a date that does not exist (never sent), an end before the start
    // and a capacity of 0 (the kiosk's 400, its words on stderr), and no credentials at all.
    auto bad_date = ctl(with({"activities", "create", "--title", "x", "--place", "y", "--starts", "2030-02-30 09:30",
                              "--ends", "11:00", "--capacity", "5"},
                             editor));
    CHECK(bad_date.exit_code == 2);
    CHECK(contains(bad_date.err, "--starts"));
    CHECK(contains(bad_date.err, "2030-02-30 09:30"));
    auto bad_end = ctl(with({"activities", "create", "--title", "x", "--place", "y", "--starts", "2030-06-02 09:30",
                             "--ends", "2030-06-02 25:00", "--capacity", "5"},
                            editor));
    CHECK(bad_end.exit_code == 2);
    CHECK(contains(bad_end.err, "--ends"));
    auto zero = ctl(with({"activities", "create", "--title", "x", "--place", "y", "--starts", "2030-06-02 09:30",
                          "--ends", "10:00", "--capacity", "0"},
                         editor));
    CHECK(zero.exit_code == 1);
    CHECK(contains(zero.err, "capacity"));
    auto backwards = ctl(with({"activities", "create", "--title", "x", "--place", "y", "--starts", "2030-06-02 09:30",
                               "--ends", "08:00", "--capacity", "5"},
                              editor));
    CHECK(backwards.exit_code == 1);
    CHECK(contains(backwards.err, "ends_at"));
    auto anonymous = ctl({"activities", "list"});
    CHECK(anonymous.exit_code == 2);
    CHECK(contains(anonymous.err, "--user: required"));
    auto after = nlohmann::json::parse(ctl(with({"activities", "list", "--json", "--all"}, editor)).out);
    CHECK(after["activities"].size() == 1);
}
