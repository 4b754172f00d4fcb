// Shared by the kiosk's content tests: a headless --demo kiosk as a child process, trusting one
// editor key, with an HTTP client logged in as the demo account (role admin).
#pragma once
#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "process.h"
#include "temp_dir.h"

namespace station::test {

struct HttpReply {
    int status = 0;
    nlohmann::json body;
    std::string error() const {
        return body.is_object() ? body.value("error", std::string()) : std::string();
    }
};

class DemoKiosk {
public:
    // data: the kiosk's --data folder (kept across restarts); extra: more flags.
    DemoKiosk(const std::filesystem::path& data, const std::vector<std::string>& extra)
        : process_(argv(data, extra)) {
        using namespace std::chrono_literals;
        REQUIRE_MESSAGE(process_.wait_for_stderr("api: listening", 30s), process_.err_so_far());
        std::smatch m;
        std::string err = process_.err_so_far();
        REQUIRE(std::regex_search(err, m, std::regex(R"(listening on (http://127\.0\.0\.1:([0-9]+))/)")));
        url_ = m[1];
        port_ = std::stoi(m[2]);
        auto login = call("POST", "/api/v1/login", R"({"user":"demo","pin":"2468"})", "application/json");
        REQUIRE(login.status == 200);
        token_ = login.body["token"];
    }
    const std::string& url() const { return url_; }
    const std::string& token() const { return token_; }
    ChildProcess& process() { return process_; }

    HttpReply call(const std::string& method, const std::string& path, const std::string& body = "",
                   const std::string& type = "application/octet-stream", bool auth = true) {
        httplib::Client client("127.0.0.1", port_);
        client.set_read_timeout(60, 0);
        httplib::Headers headers;
        if (auth && !token_.empty()) headers.emplace("Authorization", "Bearer " + token_);
        httplib::Result r = method == "GET"   ? client.Get(path, headers)
                            : method == "PUT" ? client.Put(path, headers, body, type)
                                              : client.Post(path, headers, body, type);
        HttpReply reply;
        if (!r) return reply;
        reply.status = r->status;
        reply.body = nlohmann::json::parse(r->body, nullptr, false);
        return reply;
    }
    nlohmann::json content() {
        auto r = call("GET", "/api/v1/content");
        REQUIRE(r.status == 200);
        return r.body;
    }
    std::int64_t active_version() {
        auto c = content();
        return c["active"].is_object() ? c["active"]["version"].get<std::int64_t>() : 0;
    }

private:
    static std::vector<std::string> argv(const std::filesystem::path& data,
                                         const std::vector<std::string>& extra) {
        std::vector<std::string> a = {bin_path("station-kiosk"),
                                      "--demo",
                                      "--headless",
                                      "--data",
                                      data.string(),
                                      "--api",
                                      "127.0.0.1:0"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
    ChildProcess process_;
    std::string url_, token_;
    int port_ = 0;
};

}  // namespace station::test
