// Events inside one station.
//
//  - EventBus: domain events ("help.called", "device.health") published by the services, on the
//    publisher's thread, to every subscriber (the UI, the API's event stream, the notifier).
//  - UiQueue: work handed from any thread to the UI thread. `post()` wakes the UI (the kiosk wires
//    the waker to SDL_PushEvent); the UI thread runs everything queued with `drain()`.
#pragma once
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace station {

struct Event {
    std::string type;     // dotted name, e.g. "help.called"
    nlohmann::json data;  // the event's facts; never personal data
    int64_t at_ms = 0;    // when it happened (station clock)
};

class EventBus {
public:
    using Handler = std::function<void(const Event&)>;
    // Handlers run on the publishing thread and must not block; they may publish in turn.
    int subscribe(Handler handler);  // returns an id for unsubscribe()
    void unsubscribe(int id);
    void publish(const Event& event);  // thread-safe

private:
    std::mutex mutex_;  // guards handlers_ and next_id_
    std::vector<std::pair<int, Handler>> handlers_;
    int next_id_ = 1;
};

class UiQueue {
public:
    explicit UiQueue(std::function<void()> wake = nullptr);  // wake: called after each post()
    void set_waker(std::function<void()> wake);              // before any worker posts
    void post(std::function<void()> task);                   // any thread
    size_t drain();                                          // UI thread: runs what is queued
    // A redraw with nothing to run (a new video frame): the UI draws one frame, not the two a
    // state change gets for ImGui to settle its layout. Any thread.
    void request_frame();
    bool take_frame_request();  // UI thread: true once per request(s)

private:
    std::mutex mutex_;  // guards tasks_ and wake_
    std::vector<std::function<void()>> tasks_;
    std::function<void()> wake_;
    bool frame_requested_ = false;
};

}  // namespace station
