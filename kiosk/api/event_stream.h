// EventStreams: what the API's GET /api/v1/events streams wait on. Each stream keeps its own
// cursor (the last event id it sent) and reads the events after it from the help desk's journal
// (SQLite), so a console reconnecting with Last-Event-ID misses nothing, even across restarts.
// This hub only tells the waiting streams that something newer exists, and ends them at shutdown.
//
// Threads: thread-safe; the streams run on httplib's workers, notify() on the publishing thread.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "kiosk/core/station.h"

namespace station::api {

class EventStreams {
public:
    explicit EventStreams(Station& station);  // subscribes to the station's help events
    ~EventStreams();                          // unsubscribes

    int64_t latest();  // newest event id known
    // Waits until an event newer than `after` exists, shutdown() is called, or `limit` passes.
    // Returns true when there is something newer.
    bool wait_newer(int64_t after, std::chrono::milliseconds limit);
    void shutdown();  // ends every stream (server stop); idempotent
    bool stopping();

private:
    Station& station_;
    int subscription_ = 0;
    std::mutex mutex_;  // guards latest_ and stopping_
    std::condition_variable changed_;
    int64_t latest_ = 0;
    bool stopping_ = false;
};

}  // namespace station::api
