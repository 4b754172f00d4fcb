// DeviceManager: the station's devices (receipt printer, ID-card reader, QR scanner, physical help
// button), opened from config [devices] or, in --demo, from simulators in DATA/sim that speak the
// same bytes (drivers/sim). Owned by Station; started by Station::start_services().
//
//   DeviceStatus       one device's health for screens, the API and stationctl
//   CardRead           what the UI may know of a card read: the masked number, never the raw one
//   DeviceManager      one worker thread per configured device (DESIGN.md rule 3: never the UI
//                      thread); reconnects with drivers::Backoff after an unplug; help tickets
//
// Events published on station.events() (never personal data beyond a masked ID number):
//   device.health        {"device","status":"ok|degraded|offline","reason","since"}   on each change
//   device.card          {"device":"idcard","masked_id","card_type","request_id"|null,"identified"}
//   device.scan          {"device":"qr","length"}      (the payload goes only to on_scan handlers)
//   help.ticket_printed  {"request_id","ticket","confirmed"}  through HelpDesk::ticket_outcome: journalled,
//   help.ticket_failed   {"request_id","ticket","reason"}     on the event stream; the call stands, the
//                                                             screen says so and staff are notified
//
// Help integration: every help.called from the screen or the button queues a ticket on the
// printer's worker (a printer fault never blocks or fails a call); a button press becomes
// HelpDesk::call({source: "button"}); a card read while the kiosk's latest call is open becomes
// HelpDesk::identify() (the desk keeps a masked number and a salted hash).
//
// Threads: every public method is thread-safe. Handlers (on_card, on_scan) run on the device's
// worker and must not block; hand work to the UI with UiQueue::post().
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/common/device.h"
#include "drivers/idcard/idcard.h"
#include "drivers/printer/printer.h"
#include "kiosk/core/result.h"

namespace station {

namespace drivers::sim {
struct DemoDevices;
}

class Station;

struct DeviceStatus {
    std::string device;            // "printer", "idcard", "qr", "button"
    std::string uri;               // what is opened; "" when not configured
    bool configured = false;       // false: no such device at this station (status "offline")
    std::string status = "offline";  // "ok", "degraded", "offline"
    std::string reason;            // "" when ok; Chinese then English, e.g. "纸将尽 paper near end"
    int64_t since_ms = 0;          // when status or reason last changed (station clock)
    std::string last_error;        // the latest failure (open, print, read), for technicians
    nlohmann::json to_json() const;  // the API's form: device, status, reason, since, uri, configured, last_error
};

struct CardRead {
    std::string masked_id;         // "3101**********123X"
    std::string card_type;         // drivers::card_type_name(): "resident_id", ...
    int64_t request_id = 0;        // the open call it identified; 0 when none was open
    std::string resident_hash;     // keyed hash of the number (activities.h resident_key): the same
                                   // person gives the same value; personal, never logged
};

// Timing knobs; the defaults are the production values.
struct DeviceTimings {
    std::chrono::milliseconds backoff_first{250};   // reopen pacing (drivers::Backoff)
    std::chrono::milliseconds backoff_cap{1500};    // reopened within this (+ open time) of returning
    std::chrono::milliseconds scan_wait{250};       // qr / button read slice (bounds stop())
};

class DeviceManager {
public:
    explicit DeviceManager(Station& station, DeviceTimings timings = {});
    ~DeviceManager();                                 // stop()
    DeviceManager(const DeviceManager&) = delete;
    DeviceManager& operator=(const DeviceManager&) = delete;

    // Starts a worker per configured device (demo: the simulators first, in data_dir/sim) and
    // subscribes to help.called. The error names the simulator folder. Idempotent.
    Result<Ok> start();
    void stop();                                      // joins every worker (bounded by I/O timeouts)

    std::vector<DeviceStatus> snapshot() const;       // printer, idcard, qr, button, in that order
    std::optional<DeviceStatus> status(const std::string& device) const;  // nullopt: unknown name

    // Queues a test page on the printer's worker. Resolves with Ok, or an Error naming the fault
    // (not configured, offline, paper out, ...); never waits on the caller's thread.
    std::future<Result<Ok>> print_test_page();
    // Queues an activity sign-up confirmation (drivers::signup_confirmation_job); resolves the same way.
    std::future<Result<Ok>> print_signup(const drivers::SignupConfirmation& signup);
    // Queues an activity's sign-up list (drivers::activity_roster_job); resolves the same way.
    std::future<Result<Ok>> print_roster(const drivers::ActivityRoster& roster);

    using CardHandler = std::function<void(const CardRead&)>;
    using ScanHandler = std::function<void(const std::string& payload)>;  // validated UTF-8
    int on_card(CardHandler handler);                 // returns an id for remove_handler()
    int on_scan(ScanHandler handler);
    void remove_handler(int id);

    // The simulators in --demo (to place a card, press the button, unplug); null otherwise.
    drivers::sim::DemoDevices* simulators() { return simulators_.get(); }

private:
    struct PrinterTask;
    enum Slot { kPrinter, kIdCard, kQr, kButton, kSlots };

    void run_printer();
    void run_idcard();
    void run_qr();
    void run_button();
    void on_help_called(const nlohmann::json& request);
    void handle_card(drivers::IdCard& card);
    void set_health(Slot slot, const drivers::DeviceHealth& health, const std::string& error = {});
    bool sleep_unless_stopping(std::chrono::milliseconds duration);  // false when stopping
    bool stopping() const { return stopping_.load(); }
    void fail_printer_tasks(const std::string& reason);
    // Queues a job built on the printer's worker (for its options); resolves with Ok or the fault.
    std::future<Result<Ok>> queue_print(std::string what,
                                        std::function<drivers::Result<drivers::PrintJob>(const drivers::PrinterOptions&)> build);

    Station& station_;
    DeviceTimings timings_;
    drivers::PrinterOptions printer_options_;
    std::unique_ptr<drivers::sim::DemoDevices> simulators_;
    std::vector<std::thread> threads_;                // started and joined by start()/stop() only
    std::atomic<bool> stopping_{false};
    std::atomic<bool> started_{false};
    std::atomic<int64_t> kiosk_call_id_{0};           // the latest open-able call from screen/button
    int subscription_ = 0;

    mutable std::mutex status_mutex_;                 // guards statuses_
    DeviceStatus statuses_[kSlots];

    std::mutex queue_mutex_;                          // guards printer_tasks_; stopping_ waits on it
    std::condition_variable queue_changed_;
    std::deque<std::unique_ptr<PrinterTask>> printer_tasks_;

    std::mutex handler_mutex_;                        // guards card_handlers_, scan_handlers_, next_handler_
    std::map<int, CardHandler> card_handlers_;
    std::map<int, ScanHandler> scan_handlers_;
    int next_handler_ = 1;
};

}  // namespace station
