// Webhooks: the robots' message formats, DingTalk signing, and delivery from the outbox to a
// local server that fails the first tries (back-off on a manual clock).
#include <doctest/doctest.h>
#include <httplib.h>

#include <memory>
#include <mutex>
#include <thread>

#include "kiosk/api/webhook_transport.h"
#include "kiosk/core/help_desk.h"
#include "kiosk/core/notifier.h"
#include "kiosk/core/station.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using station::Notifier;

namespace {

// A robot on 127.0.0.1 that answers 500 to the first `failures` posts, then {"errcode":0}.
class FakeRobot {
public:
    explicit FakeRobot(int failures) : failures_(failures) {
        server_.Post(R"(/.*)", [this](const httplib::Request& request, httplib::Response& response) {
            std::lock_guard<std::mutex> guard(mutex_);
            received_.push_back({request.target, request.body});
            if (int(received_.size()) <= failures_) {
                response.status = 500;
                return;
            }
            response.set_content(R"({"errcode":0,"errmsg":"ok"})", "application/json");
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        for (int i = 0; i < 5000 && !server_.is_running(); ++i) std::this_thread::sleep_for(1ms);
    }
    ~FakeRobot() {
        server_.stop();
        thread_.join();
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    std::vector<std::pair<std::string, std::string>> received() {
        std::lock_guard<std::mutex> guard(mutex_);
        return received_;
    }

private:
    httplib::Server server_;
    std::thread thread_;
    int port_ = 0;
    int failures_;
    std::mutex mutex_;                                           // guards received_
    std::vector<std::pair<std::string, std::string>> received_;  // target (path + query), body
};

struct Fixture {
    station::test::TempDir dir;
    std::shared_ptr<station::ManualClock> clock = std::make_shared<station::ManualClock>();
    std::unique_ptr<station::Station> station;
    explicit Fixture(std::vector<station::StationConfig::Notify> targets) {
        station::StationOptions options;
        options.data_dir = dir.path();
        options.clock = clock;
        options.config.notify = std::move(targets);
        options.webhook_transport = station::api::http_webhook_transport();
        auto opened = station::Station::open(options);
        REQUIRE(opened.ok());
        station = std::move(opened.value());
    }
};

}  // namespace

TEST_CASE("WeCom and DingTalk bodies are the robots' real text and markdown formats") {
    CHECK(Notifier::wecom_body("A001号求助", "text") ==
          nlohmann::json::parse(R"({"msgtype":"text","text":{"content":"A001号求助"}})"));
    CHECK(Notifier::wecom_body("### 站", "markdown") ==
          nlohmann::json::parse(R"({"msgtype":"markdown","markdown":{"content":"### 站"}})"));
    auto ding = Notifier::dingtalk_body("A001号求助");
    CHECK(ding["msgtype"] == "text");
    CHECK(ding["text"]["content"] == "A001号求助");
}

TEST_CASE("DingTalk sign is urlencode(base64(HMAC-SHA256(secret, timestamp\\nsecret)))") {
    // Expected value computed independently with Python's hmac, base64 and urllib.parse.quote_plus.
    CHECK(Notifier::dingtalk_sign("SEC000test", 1700000000000) ==
          "1hLl2KkRX3rps9FaitIUwaac%2BCtAFEaP345jvdrTL7c%3D");
    station::StationConfig::Notify target{"dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=abc",
                                          "SEC000test"};
    CHECK(Notifier::delivery_url(target, 1700000000000) ==
          "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign="
          "1hLl2KkRX3rps9FaitIUwaac%2BCtAFEaP345jvdrTL7c%3D");
    target.secret = "";
    CHECK(Notifier::delivery_url(target, 1700000000000) == target.url);
}

TEST_CASE("a webhook that fails twice is retried with doubling back-off and delivered once") {
    FakeRobot robot(2);
    Fixture f({{"wecom", robot.url("/cgi-bin/webhook/send?key=k1")}});
    auto& notifier = f.station->notifier();
    REQUIRE(f.station->help_desk().call({"medical", "screen", ""}, station::Actor::resident()).ok());
    CHECK(notifier.stats().pending == 1);

    CHECK(notifier.deliver_due() == 0);  // 500
    CHECK(*notifier.next_attempt_ms() == f.clock->now_ms() + 5'000);
    f.clock->advance(4s);
    CHECK(notifier.deliver_due() == 0);  // not due yet: no request
    CHECK(robot.received().size() == 1);
    f.clock->advance(1s);
    CHECK(notifier.deliver_due() == 0);  // 500 again
    CHECK(*notifier.next_attempt_ms() == f.clock->now_ms() + 10'000);
    f.clock->advance(10s);
    CHECK(notifier.deliver_due() == 1);  // delivered
    CHECK(notifier.stats().pending == 0);
    CHECK(notifier.stats().delivered == 1);
    CHECK_FALSE(notifier.next_attempt_ms().has_value());

    auto received = robot.received();
    REQUIRE(received.size() == 3);
    CHECK(received[2].first == "/cgi-bin/webhook/send?key=k1");
    auto body = nlohmann::json::parse(received[2].second);
    CHECK(body["msgtype"] == "text");
    std::string content = body["text"]["content"];
    CHECK(content.find("A001") != std::string::npos);
    CHECK(content.find("就医") != std::string::npos);
}

TEST_CASE("a DingTalk robot gets a fresh signature on every attempt") {
    FakeRobot robot(1);
    Fixture f({{"dingtalk", robot.url("/robot/send?access_token=t"), "SEC000test"}});
    REQUIRE(f.station->help_desk().call({}, station::Actor::resident()).ok());
    CHECK(f.station->notifier().deliver_due() == 0);
    f.clock->advance(5s);
    CHECK(f.station->notifier().deliver_due() == 1);
    auto received = robot.received();
    REQUIRE(received.size() == 2);
    int64_t second_ts = f.clock->now_ms();
    CHECK(received[1].first == "/robot/send?access_token=t&timestamp=" + std::to_string(second_ts) +
                                   "&sign=" + Notifier::dingtalk_sign("SEC000test", second_ts));
    CHECK(received[0].first != received[1].first);
}

TEST_CASE("the outbox survives a restart: an undelivered message is sent by the next run") {
    FakeRobot robot(0);
    station::test::TempDir dir;
    auto clock = std::make_shared<station::ManualClock>();
    station::StationOptions options;
    options.data_dir = dir.path();
    options.clock = clock;
    options.config.notify = {{"json", robot.url("/hook")}};
    {
        auto offline = options;  // no transport: as if the network were down
        auto opened = station::Station::open(offline);
        REQUIRE(opened.ok());
        REQUIRE((*opened)->help_desk().call({}, station::Actor::resident()).ok());
        CHECK((*opened)->notifier().deliver_due() == 0);
    }
    options.webhook_transport = station::api::http_webhook_transport();
    auto opened = station::Station::open(options);
    REQUIRE(opened.ok());
    clock->advance(10min);
    CHECK((*opened)->notifier().deliver_due() == 1);
    auto received = robot.received();
    REQUIRE(received.size() == 1);
    auto body = nlohmann::json::parse(received[0].second);
    CHECK(body["event"] == "help.called");
    CHECK(body["request"]["ticket"] == "A001");
    CHECK(body["station"]["id"] == "station-1");
}

TEST_CASE("the delivery worker sends what the help desk queued, without being asked") {
    FakeRobot robot(0);
    Fixture f({{"json", robot.url("/hook")}});
    f.station->start_services();
    REQUIRE(f.station->help_desk().call({}, station::Actor::resident()).ok());
    for (int i = 0; i < 1000 && robot.received().empty(); ++i) std::this_thread::sleep_for(10ms);
    CHECK(robot.received().size() == 1);
    f.station->stop_services();
}
