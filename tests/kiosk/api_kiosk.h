// A station with its HTTP API on a free loopback port, a manual clock and the usual accounts, for
// the API tests (api_test, admin_api_test, screens_api_test, signage_api_test): each derives its
// Fixture from ApiKiosk and adds what only it needs.
//   accounts: wang/1357 staff, li/2468 editor, kiosk1/9090 device, and the admin: demo/2468 in a
//   demo station, root/8642 otherwise
#pragma once
#include <doctest/doctest.h>
#include <httplib.h>

#include <memory>
#include <string>

#include "kiosk/api/api_server.h"
#include "kiosk/core/station.h"
#include "temp_dir.h"

namespace station::test {

struct ApiKiosk {
    TempDir dir;
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    std::unique_ptr<Station> station;
    std::unique_ptr<api::ApiServer> api;
    bool demo;

    explicit ApiKiosk(bool demo_mode = true, bool with_accounts = true) : demo(demo_mode) {
        open();
        if (with_accounts) add_accounts();
    }
    // (Re)opens the station and its API on the same data folder, as a restart would.
    void open() {
        api.reset();
        station.reset();
        StationOptions options;
        options.data_dir = dir.path();
        options.clock = clock;
        options.demo = demo;
        auto opened = Station::open(options);
        REQUIRE(opened.ok());
        station = std::move(opened.value());
        api = std::make_unique<api::ApiServer>(*station);
        REQUIRE(api->start("127.0.0.1:0").ok());
    }
    void add_accounts() {
        REQUIRE(station->staff().add("wang", "王老师", "1357", "staff").ok());
        REQUIRE(station->staff().add("li", "李编辑", "2468", "editor").ok());
        REQUIRE(station->staff().add("kiosk1", "一号屏", "9090", "device").ok());
        if (!demo) REQUIRE(station->staff().add("root", "站长", "8642", "admin").ok());
    }
    httplib::Client client() const {
        httplib::Client c("127.0.0.1", api->port());
        c.set_read_timeout(10, 0);
        return c;
    }
    httplib::Result login_result(const std::string& user, const std::string& pin) {
        return client().Post("/api/v1/login", nlohmann::json{{"user", user}, {"pin", pin}}.dump(),
                             "application/json");
    }
    std::string login(const std::string& user, const std::string& pin) {
        auto r = login_result(user, pin);
        REQUIRE(r);
        REQUIRE(r->status == 200);
        return nlohmann::json::parse(r->body)["token"];
    }
    static httplib::Headers auth(const std::string& token) {
        httplib::Headers headers;
        if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
        return headers;
    }
    httplib::Result post(const std::string& path, const std::string& token, const std::string& body = "{}") {
        return client().Post(path.c_str(), auth(token), body, "application/json");
    }
    httplib::Result get(const std::string& path, const std::string& token) {
        return client().Get(path.c_str(), auth(token));
    }
    httplib::Result del(const std::string& path, const std::string& token) {
        return client().Delete(path.c_str(), auth(token));
    }
};

}  // namespace station::test
