// Worker: one background thread that runs queued tasks in order. The UI hands it anything that
// touches disk, network or devices (DESIGN.md rule 3: the UI thread never waits) and gets results
// back through UiQueue.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace station {

class Worker {
public:
    explicit Worker(std::string name);  // starts the thread; `name` shows in logs and top
    ~Worker();                          // runs what is queued, then joins
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void post(std::function<void()> task);  // any thread; tasks run one at a time, in order
    void wait_idle();                       // blocks until the queue is empty and nothing runs (tests)

private:
    void run();
    std::string name_;
    std::mutex mutex_;                      // guards tasks_, busy_, stopping_
    std::condition_variable changed_;
    std::deque<std::function<void()>> tasks_;
    bool busy_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace station
