#include "kiosk/api/event_stream.h"

#include "kiosk/core/help_desk.h"

namespace station::api {

EventStreams::EventStreams(Station& station)
    : station_(station), latest_(station.help_desk().last_event_id()) {
    subscription_ = station_.events().subscribe([this](const Event& event) {
        if (!event.data.is_object() || !event.data.contains("event_id")) return;
        int64_t id = event.data["event_id"].get<int64_t>();
        {
            std::lock_guard<std::mutex> guard(mutex_);
            latest_ = std::max(latest_, id);
        }
        changed_.notify_all();
    });
}

EventStreams::~EventStreams() {
    station_.events().unsubscribe(subscription_);
}

int64_t EventStreams::latest() {
    std::lock_guard<std::mutex> guard(mutex_);
    return latest_;
}

bool EventStreams::wait_newer(int64_t after, std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, limit, [&] { return stopping_ || latest_ > after; });
    return !stopping_ && latest_ > after;
}

void EventStreams::shutdown() {
    {
        std::lock_guard<std::mutex> guard(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
}

bool EventStreams::stopping() {
    std::lock_guard<std::mutex> guard(mutex_);
    return stopping_;
}

}  // namespace station::api
