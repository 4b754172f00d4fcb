// Test support for tests/admin: a headless station-kiosk child process on a data folder, found by
// the address it logs ("api: listening on http://127.0.0.1:PORT/api/v1/", or https:// when its
// config gives it a certificate).
#pragma once
#include <doctest/doctest.h>

#include <regex>
#include <string>
#include <vector>

#include "admin/client/api_client.h"
#include "process.h"

namespace station::test {

struct HeadlessKiosk {
    std::unique_ptr<ChildProcess> process;
    std::string url;
    std::string pinned_certificate;  // client() pins this (an https kiosk's certificate SHA-256)
    // data_dir: the kiosk's --data; port 0 picks a free one; config_file: its --config, if any;
    // extra: more flags (e.g. --trust-key PUB for content pushes).
    explicit HeadlessKiosk(const std::string& data_dir, bool demo = true, int port = 0,
                           const std::string& config_file = "", const std::vector<std::string>& extra = {}) {
        std::vector<std::string> argv = {
            bin_path("station-kiosk"),          "--headless", "--data", data_dir, "--api",
            "127.0.0.1:" + std::to_string(port)};
        if (demo) argv.push_back("--demo");
        if (!config_file.empty()) {
            argv.push_back("--config");
            argv.push_back(config_file);
        }
        argv.insert(argv.end(), extra.begin(), extra.end());
        process = std::make_unique<ChildProcess>(argv);
        REQUIRE(process->wait_for_stderr("api: listening", std::chrono::seconds(30)));
        std::smatch m;
        std::string log = process->err_so_far();
        REQUIRE(std::regex_search(log, m, std::regex(R"(listening on (https?://127\.0\.0\.1:[0-9]+)/)")));
        url = m[1];
    }
    int port() const { return std::stoi(url.substr(url.rfind(':') + 1)); }
    // A client logged in as user/pin.
    admin::ApiClient client(const std::string& user = "demo", const std::string& pin = "2468") const {
        admin::ApiClient c(url);
        c.set_pinned_certificate(pinned_certificate);
        auto login = c.post("/api/v1/login", {{"user", user}, {"pin", pin}});
        REQUIRE(login.ok());
        c.set_token(login.body["token"].get<std::string>());
        return c;
    }
    int64_t call(const std::string& category = "medical") const {
        auto created = client().post("/api/v1/requests", {{"category", category}, {"source", "staff"}});
        REQUIRE(created.status == 201);
        return created.body["id"];
    }
};

}  // namespace station::test
