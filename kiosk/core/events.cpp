#include "kiosk/core/events.h"

#include <algorithm>
#include <utility>

namespace station {

int EventBus::subscribe(Handler handler) {
    std::lock_guard<std::mutex> guard(mutex_);
    handlers_.emplace_back(next_id_, std::move(handler));
    return next_id_++;
}

void EventBus::unsubscribe(int id) {
    std::lock_guard<std::mutex> guard(mutex_);
    std::erase_if(handlers_, [id](const auto& entry) { return entry.first == id; });
}

void EventBus::publish(const Event& event) {
    std::vector<std::pair<int, Handler>> handlers;
    {
        std::lock_guard<std::mutex> guard(mutex_);
        handlers = handlers_;
    }
    // Called outside the lock, so a handler may subscribe, unsubscribe or publish.
    for (auto& [id, handler] : handlers) handler(event);
}

UiQueue::UiQueue(std::function<void()> wake) : wake_(std::move(wake)) {}

void UiQueue::set_waker(std::function<void()> wake) {
    std::lock_guard<std::mutex> guard(mutex_);
    wake_ = std::move(wake);
}

void UiQueue::post(std::function<void()> task) {
    std::function<void()> wake;
    {
        std::lock_guard<std::mutex> guard(mutex_);
        tasks_.push_back(std::move(task));
        wake = wake_;
    }
    if (wake) wake();
}

void UiQueue::request_frame() {
    std::function<void()> wake;
    {
        std::lock_guard<std::mutex> guard(mutex_);
        if (frame_requested_) return;  // one wake is enough until the UI takes it
        frame_requested_ = true;
        wake = wake_;
    }
    if (wake) wake();
}

bool UiQueue::take_frame_request() {
    std::lock_guard<std::mutex> guard(mutex_);
    return std::exchange(frame_requested_, false);
}

size_t UiQueue::drain() {
    std::vector<std::function<void()>> tasks;
    {
        std::lock_guard<std::mutex> guard(mutex_);
        tasks.swap(tasks_);
    }
    for (auto& task : tasks) task();
    return tasks.size();
}

}  // namespace station
