#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/events.h"

TEST_CASE("a post from a worker wakes the UI and runs on drain, in order") {
    std::atomic<int> wakes{0};
    station::UiQueue queue([&] { ++wakes; });
    std::vector<int> ran;
    std::thread worker([&] {
        for (int i = 0; i < 100; ++i) queue.post([&ran, i] { ran.push_back(i); });
    });
    worker.join();
    CHECK(wakes == 100);
    CHECK(ran.empty());  // nothing runs until the UI thread drains
    CHECK(queue.drain() == 100);
    REQUIRE(ran.size() == 100);
    for (int i = 0; i < 100; ++i) CHECK(ran[i] == i);
    CHECK(queue.drain() == 0);
}

TEST_CASE("the event bus delivers to every subscriber until it unsubscribes") {
    station::EventBus bus;
    std::vector<std::string> first, second;
    int a = bus.subscribe([&](const station::Event& e) { first.push_back(e.type); });
    bus.subscribe([&](const station::Event& e) { second.push_back(e.type); });
    bus.publish({"help.called", {{"ticket", "A001"}}, 0});
    bus.unsubscribe(a);
    bus.publish({"help.resolved", {}, 0});
    CHECK(first == std::vector<std::string>{"help.called"});
    CHECK(second == std::vector<std::string>{"help.called", "help.resolved"});
}

TEST_CASE("a subscriber may publish from its handler without deadlock") {
    station::EventBus bus;
    int seen = 0;
    bus.subscribe([&](const station::Event& e) {
        ++seen;
        if (e.type == "first") bus.publish({"second", {}, 0});
    });
    bus.publish({"first", {}, 0});
    CHECK(seen == 2);
}

TEST_CASE("events published from many threads all arrive") {
    station::EventBus bus;
    std::atomic<int> seen{0};
    bus.subscribe([&](const station::Event&) { ++seen; });
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 250; ++i) bus.publish({"tick", {}, 0});
        });
    for (auto& t : threads) t.join();
    CHECK(seen == 1000);
}

TEST_CASE("a manual clock moves only when told") {
    station::ManualClock clock;
    auto start = clock.now_ms();
    clock.advance(std::chrono::seconds(61));
    CHECK(clock.now_ms() - start == 61'000);
    clock.set(station::from_ms(0));
    CHECK(clock.now_ms() == 0);
}
