#include "kiosk/core/devices.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>

#include "drivers/button/help_button.h"
#include "drivers/idcard/idcard.h"
#include "drivers/qr/qr_scanner.h"
#include "drivers/sim/simulator.h"
#include "kiosk/core/activities.h"
#include "kiosk/core/help_desk.h"
#include "kiosk/core/station.h"

namespace station {

namespace dr = station::drivers;
using std::chrono::milliseconds;

// One job for the printer's worker: build the bytes for the printer's options, then report.
struct DeviceManager::PrinterTask {
    std::string what;  // "ticket A012", for logs
    std::function<dr::Result<dr::PrintJob>(const dr::PrinterOptions&)> build;
    std::function<void(const dr::Result<dr::PrintOutcome>&)> done;  // on the printer's worker
};

namespace {

const char* kSlotNames[] = {"printer", "idcard", "qr", "button"};

// Unplugged or silent: the driver object is of no further use; reopen after a back-off.
bool must_reopen(const dr::Error& error) {
    return error.code == dr::ErrorCode::Unplugged || error.code == dr::ErrorCode::Timeout ||
           error.code == dr::ErrorCode::Io;
}

const char* kSlotLabels[] = {"打印机", "读卡器", "扫码器", "呼叫按钮"};  // said on screens and to staff

// Why a device is offline, Chinese then English like the drivers' reasons.
std::string offline_reason(int slot, const dr::Error& error) {
    const std::string zh = kSlotLabels[slot], en = kSlotNames[slot];
    switch (error.code) {
        case dr::ErrorCode::Unplugged:
        case dr::ErrorCode::Unavailable:
            return zh + "未连接 " + en + " not connected";
        case dr::ErrorCode::Timeout:
            return zh + "无响应 " + en + " not answering";
        default:
            return error.message.empty() ? zh + "故障 " + en + " fault" : error.message;
    }
}

}  // namespace

nlohmann::json DeviceStatus::to_json() const {
    return {{"device", device}, {"status", status},         {"reason", reason},        {"since", since_ms},
            {"uri", uri},       {"configured", configured}, {"last_error", last_error}};
}

DeviceManager::DeviceManager(Station& station, DeviceTimings timings) : station_(station), timings_(timings) {
    const auto& config = station_.config().devices;
    printer_options_.paper = config.paper_width_mm == 80 ? dr::PaperWidth::Mm80 : dr::PaperWidth::Mm58;
    printer_options_.chinese =
        config.printer_chinese == "raster" ? dr::ChineseOutput::Raster : dr::ChineseOutput::Native;
    const std::string uris[kSlots] = {config.printer, config.idcard, config.qr, config.button};
    for (int slot = 0; slot < kSlots; ++slot) {
        statuses_[slot].device = kSlotNames[slot];
        statuses_[slot].uri = uris[slot];
        statuses_[slot].configured = !uris[slot].empty();
        statuses_[slot].reason = statuses_[slot].configured ? "正在连接 connecting" : "未配置 not configured";
        statuses_[slot].since_ms = station_.clock().now_ms();
    }
}

DeviceManager::~DeviceManager() {
    stop();
}

Result<Ok> DeviceManager::start() {
    if (started_.exchange(true)) return Ok{};
    stopping_ = false;
    // Signals are the main thread's (--headless waits for SIGTERM there): the workers and the
    // simulators' threads started below inherit a mask that blocks them.
    sigset_t blocked, previous;
    sigfillset(&blocked);
    for (int sync_signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP})
        sigdelset(&blocked, sync_signal);
    pthread_sigmask(SIG_BLOCK, &blocked, &previous);
    struct RestoreMask {
        sigset_t mask;
        ~RestoreMask() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
    } restore{previous};
    if (station_.demo() && !simulators_) {
        std::filesystem::path folder = station_.data_dir() / "sim";
        std::error_code ec;
        std::filesystem::create_directories(folder, ec);
        auto demo = dr::sim::DemoDevices::start(folder.string());
        if (!demo) {
            started_ = false;
            return Error{folder.string() +
                         ": cannot start the device simulators: " + demo.error().describe()};
        }
        simulators_ = std::make_unique<dr::sim::DemoDevices>(std::move(*demo));
        std::lock_guard<std::mutex> guard(status_mutex_);
        const std::string uris[kSlots] = {simulators_->printer->uri(), simulators_->idcard->uri(),
                                          simulators_->qr->uri(), simulators_->button->uri()};
        for (int slot = 0; slot < kSlots; ++slot) {
            statuses_[slot].uri = uris[slot];
            statuses_[slot].configured = true;
            statuses_[slot].reason = "正在连接 connecting";
        }
    }
    subscription_ = station_.events().subscribe([this](const Event& event) {
        if (event.type == "help.called" && event.data.contains("request"))
            on_help_called(event.data["request"]);
    });
    void (DeviceManager::*runs[kSlots])() = {&DeviceManager::run_printer, &DeviceManager::run_idcard,
                                             &DeviceManager::run_qr, &DeviceManager::run_button};
    for (int slot = 0; slot < kSlots; ++slot)
        if (status(kSlotNames[slot])->configured) threads_.emplace_back(runs[slot], this);
    return Ok{};
}

void DeviceManager::stop() {
    if (!started_.exchange(false)) return;
    station_.events().unsubscribe(subscription_);
    {
        std::lock_guard<std::mutex> guard(queue_mutex_);
        stopping_ = true;
    }
    queue_changed_.notify_all();
    for (auto& thread : threads_) thread.join();
    threads_.clear();
    fail_printer_tasks("设备管理已停止 device manager stopped");
}

std::vector<DeviceStatus> DeviceManager::snapshot() const {
    std::lock_guard<std::mutex> guard(status_mutex_);
    return {statuses_, statuses_ + kSlots};
}

std::optional<DeviceStatus> DeviceManager::status(const std::string& device) const {
    std::lock_guard<std::mutex> guard(status_mutex_);
    for (const auto& s : statuses_)
        if (s.device == device) return s;
    return std::nullopt;
}

int DeviceManager::on_card(CardHandler handler) {
    std::lock_guard<std::mutex> guard(handler_mutex_);
    card_handlers_[next_handler_] = std::move(handler);
    return next_handler_++;
}

int DeviceManager::on_scan(ScanHandler handler) {
    std::lock_guard<std::mutex> guard(handler_mutex_);
    scan_handlers_[next_handler_] = std::move(handler);
    return next_handler_++;
}

void DeviceManager::remove_handler(int id) {
    std::lock_guard<std::mutex> guard(handler_mutex_);
    card_handlers_.erase(id);
    scan_handlers_.erase(id);
}

void DeviceManager::set_health(Slot slot, const dr::DeviceHealth& health, const std::string& error) {
    nlohmann::json data;
    {
        std::lock_guard<std::mutex> guard(status_mutex_);
        DeviceStatus& s = statuses_[slot];
        if (!error.empty()) s.last_error = error;
        std::string state = dr::health_state_name(health.state);
        if (s.status == state && s.reason == health.reason) return;
        s.status = state;
        s.reason = health.reason;
        s.since_ms = station_.clock().now_ms();
        data = {{"device", s.device}, {"status", s.status}, {"reason", s.reason}, {"since", s.since_ms}};
    }
    spdlog::info("device {}: {}{}{}", kSlotNames[slot], data["status"].get<std::string>(),
                 health.reason.empty() ? "" : ": ", health.reason);
    station_.events().publish({"device.health", data, data["since"].get<int64_t>()});
}

bool DeviceManager::sleep_unless_stopping(milliseconds duration) {
    std::unique_lock<std::mutex> lock(queue_mutex_);
    queue_changed_.wait_for(lock, duration, [this] { return stopping(); });
    return !stopping();
}

// ---- Printer ---------------------------------------------------------------------------------

void DeviceManager::fail_printer_tasks(const std::string& reason) {
    std::deque<std::unique_ptr<PrinterTask>> failed;
    {
        std::lock_guard<std::mutex> guard(queue_mutex_);
        failed.swap(printer_tasks_);
    }
    for (auto& task : failed) task->done(dr::make_error(dr::ErrorCode::Unavailable, "printer", "", reason));
}

std::future<Result<Ok>> DeviceManager::queue_print(std::string what,
                                                  std::function<dr::Result<dr::PrintJob>(const dr::PrinterOptions&)> build) {
    auto promise = std::make_shared<std::promise<Result<Ok>>>();
    auto future = promise->get_future();
    if (!status("printer")->configured) {
        promise->set_value(Error{"printer: 未配置打印机 no printer configured ([devices] printer)"});
        return future;
    }
    auto task = std::make_unique<PrinterTask>();
    task->what = std::move(what);
    task->build = std::move(build);
    task->done = [promise](const dr::Result<dr::PrintOutcome>& outcome) {
        if (outcome)
            promise->set_value(Ok{});
        else
            promise->set_value(Error{"printer: " + outcome.error().message});
    };
    {
        std::lock_guard<std::mutex> guard(queue_mutex_);
        if (stopping() || !started_) {
            promise->set_value(Error{"printer: 设备管理未运行 device manager not running"});
            return future;
        }
        printer_tasks_.push_back(std::move(task));
    }
    queue_changed_.notify_all();
    return future;
}

std::future<Result<Ok>> DeviceManager::print_test_page() {
    return queue_print("test page", [](const dr::PrinterOptions& options) { return dr::test_page_job(options); });
}

std::future<Result<Ok>> DeviceManager::print_signup(const drivers::SignupConfirmation& signup) {
    return queue_print("sign-up confirmation", [signup](const dr::PrinterOptions& options) {
        return dr::signup_confirmation_job(signup, options);
    });
}

std::future<Result<Ok>> DeviceManager::print_roster(const drivers::ActivityRoster& roster) {
    return queue_print("activity roster", [roster](const dr::PrinterOptions& options) {
        return dr::activity_roster_job(roster, options);
    });
}

void DeviceManager::on_help_called(const nlohmann::json& request) {
    const std::string source = request.value("source", std::string());
    if (source != "screen" && source != "button") return;  // staff calls on behalf: no one at this kiosk
    const int64_t id = request.value("id", int64_t(0));
    kiosk_call_id_ = id;
    if (!station_.config().devices.print_tickets || !status("printer")->configured) return;

    dr::HelpTicket ticket;
    ticket.station_name = station_.config().station.name;
    ticket.ticket_number = request.value("ticket", std::string());
    ticket.time_text = format_local(from_ms(request.value("created_at", int64_t(0))), "%Y-%m-%d %H:%M");
    ticket.category = request.value("category_label", std::string());
    if (ticket.category.empty()) ticket.category = "一键求助";
    const std::string& url = station_.config().devices.ticket_url;
    ticket.qr_payload = url.empty()
                            ? "station://" + station_.config().station.id + "/requests/" + std::to_string(id)
                            : url + std::to_string(id);

    auto task = std::make_unique<PrinterTask>();
    task->what = "ticket " + ticket.ticket_number;
    task->build = [ticket](const dr::PrinterOptions& options) {
        return dr::help_ticket_job(ticket, options);
    };
    task->done = [this, id, number = ticket.ticket_number](const dr::Result<dr::PrintOutcome>& outcome) {
        // Journalled by the desk, so the event stream and staff consoles hear it too.
        if (outcome) {
            (void)station_.help_desk().ticket_outcome(id, true, "", outcome->confirmed());
            return;
        }
        spdlog::warn("help ticket {} (request {}) not printed: {}", number, id, outcome.error().describe());
        (void)station_.help_desk().ticket_outcome(id, false, outcome.error().message);
    };
    {
        std::lock_guard<std::mutex> guard(queue_mutex_);
        if (stopping() || !started_) return;
        printer_tasks_.push_back(std::move(task));
    }
    queue_changed_.notify_all();
}

void DeviceManager::run_printer() {
    const std::string uri = status("printer")->uri;
    dr::Backoff backoff(timings_.backoff_first, timings_.backoff_cap);
    std::unique_ptr<dr::EscPosPrinter> printer;
    const milliseconds poll(station_.config().devices.status_poll_ms);
    while (!stopping()) {
        if (!printer) {
            auto opened = dr::EscPosPrinter::open(uri, printer_options_);
            if (!opened) {
                set_health(kPrinter, {dr::HealthState::Offline, offline_reason(kPrinter, opened.error())},
                           opened.error().describe());
                // Nobody waits for a printer that is not there: the call stands, the screen says so.
                fail_printer_tasks(offline_reason(kPrinter, opened.error()));
                if (!sleep_unless_stopping(backoff.next())) break;
                continue;
            }
            printer = std::move(*opened);
            backoff.reset();
            set_health(kPrinter, printer->health());
        }
        std::unique_ptr<PrinterTask> task;
        {
            std::unique_lock<std::mutex> lock(queue_mutex_);
            queue_changed_.wait_for(lock, poll, [this] { return stopping() || !printer_tasks_.empty(); });
            if (stopping()) break;
            if (!printer_tasks_.empty()) {
                task = std::move(printer_tasks_.front());
                printer_tasks_.pop_front();
            }
        }
        std::optional<dr::Error> error;
        if (task) {
            auto job = task->build(printer->options());
            if (!job) {
                task->done(job.error());
                continue;
            }
            auto outcome = printer->print(*job);
            if (!outcome)
                error = outcome.error();
            else if (outcome->after_error)
                error = *outcome->after_error;
            task->done(outcome);
        } else if (auto checked = printer->status(); !checked) {
            error = checked.error();
        }
        if (error && must_reopen(*error)) {
            set_health(kPrinter, {dr::HealthState::Offline, offline_reason(kPrinter, *error)},
                       error->describe());
            printer.reset();
        } else {
            set_health(kPrinter, printer->health(), error ? error->describe() : std::string());
        }
    }
}

// ---- ID-card reader --------------------------------------------------------------------------

void DeviceManager::handle_card(dr::IdCard& card) {
    CardRead read{card.masked_id(), dr::card_type_name(card.card_type), 0};
    HelpDesk& desk = station_.help_desk();
    if (int64_t id = kiosk_call_id_.load(); id != 0) {
        auto request = desk.get(id);
        if (request && request->open()) {
            auto identified = desk.identify(id, card.id_number, Actor::resident());
            if (identified)
                read.request_id = id;
            else
                spdlog::warn("card read: request {} not identified: {}", id, identified.error());
        }
    }
    read.resident_hash = hash_resident_id(resident_id_salt(station_.db()), card.id_number);  // for sign-ups
    std::fill(card.id_number.begin(), card.id_number.end(), '\0');  // personal: gone as soon as used
    station_.events().publish(
        {"device.card",
         {{"device", "idcard"},
          {"masked_id", read.masked_id},
          {"card_type", read.card_type},
          {"request_id", read.request_id ? nlohmann::json(read.request_id) : nlohmann::json()},
          {"identified", read.request_id != 0}},
         station_.clock().now_ms()});
    std::vector<CardHandler> handlers;
    {
        std::lock_guard<std::mutex> guard(handler_mutex_);
        for (auto& [_, handler] : card_handlers_) handlers.push_back(handler);
    }
    for (auto& handler : handlers) handler(read);
}

void DeviceManager::run_idcard() {
    const std::string uri = status("idcard")->uri;
    dr::Backoff backoff(timings_.backoff_first, timings_.backoff_cap);
    std::unique_ptr<dr::IdCardReader> reader;
    while (!stopping()) {
        if (!reader) {
            auto opened = dr::IdCardReader::open(uri);
            if (!opened) {
                set_health(kIdCard, {dr::HealthState::Offline, offline_reason(kIdCard, opened.error())},
                           opened.error().describe());
                if (!sleep_unless_stopping(backoff.next())) break;
                continue;
            }
            reader = std::move(*opened);
            backoff.reset();
        }
        dr::PollResult polled = reader->poll();  // paced to 300 ms by the driver
        if (polled.outcome == dr::PollOutcome::CardRead && polled.card) handle_card(*polled.card);
        std::string error = polled.error ? polled.error->describe() : std::string();
        if (polled.outcome == dr::PollOutcome::Failed && polled.error && must_reopen(*polled.error)) {
            set_health(kIdCard, {dr::HealthState::Offline, offline_reason(kIdCard, *polled.error)}, error);
            reader.reset();
            continue;
        }
        dr::DeviceHealth health = reader->health();
        // A card that cannot be read is the card's fault, not the reader's: say so, stay usable.
        if (polled.outcome == dr::PollOutcome::Failed && health.state == dr::HealthState::Ok && polled.error)
            health = {dr::HealthState::Degraded, polled.error->message};
        set_health(kIdCard, health, error);
    }
}

// ---- QR scanner and help button --------------------------------------------------------------

void DeviceManager::run_qr() {
    const std::string uri = status("qr")->uri;
    dr::Backoff backoff(timings_.backoff_first, timings_.backoff_cap);
    std::unique_ptr<dr::SerialQrScanner> scanner;
    while (!stopping()) {
        if (!scanner) {
            auto opened = dr::SerialQrScanner::open(uri);
            if (!opened) {
                set_health(kQr, {dr::HealthState::Offline, offline_reason(kQr, opened.error())},
                           opened.error().describe());
                if (!sleep_unless_stopping(backoff.next())) break;
                continue;
            }
            scanner = std::move(*opened);
            backoff.reset();
            set_health(kQr, {dr::HealthState::Ok, ""});
        }
        auto scan = scanner->next_scan(timings_.scan_wait);
        if (scan) {
            station_.events().publish(
                {"device.scan", {{"device", "qr"}, {"length", scan->size()}}, station_.clock().now_ms()});
            std::vector<ScanHandler> handlers;
            {
                std::lock_guard<std::mutex> guard(handler_mutex_);
                for (auto& [_, handler] : scan_handlers_) handlers.push_back(handler);
            }
            for (auto& handler : handlers) handler(*scan);
            set_health(kQr, {dr::HealthState::Ok, ""});
        } else if (scan.error().code == dr::ErrorCode::Timeout) {
            continue;  // nothing scanned
        } else if (must_reopen(scan.error())) {
            set_health(kQr, {dr::HealthState::Offline, offline_reason(kQr, scan.error())},
                       scan.error().describe());
            scanner.reset();
        } else {
            // A rejected scan (too long, not UTF-8): the scanner works; note it for technicians.
            set_health(kQr, {dr::HealthState::Ok, ""}, scan.error().describe());
        }
    }
}

void DeviceManager::run_button() {
    const std::string uri = status("button")->uri;
    dr::Backoff backoff(timings_.backoff_first, timings_.backoff_cap);
    std::unique_ptr<dr::SerialHelpButton> button;
    while (!stopping()) {
        if (!button) {
            auto opened = dr::SerialHelpButton::open(uri);
            if (!opened) {
                set_health(kButton, {dr::HealthState::Offline, offline_reason(kButton, opened.error())},
                           opened.error().describe());
                if (!sleep_unless_stopping(backoff.next())) break;
                continue;
            }
            button = std::move(*opened);
            backoff.reset();
            set_health(kButton, {dr::HealthState::Ok, ""});
        }
        // The driver's callback runs inside its read: count presses there, call the desk after.
        int presses = 0;
        auto polled = button->poll(timings_.scan_wait, [&presses] { ++presses; });
        if (!polled && polled.error().code != dr::ErrorCode::Timeout) {
            set_health(kButton, {dr::HealthState::Offline, offline_reason(kButton, polled.error())},
                       polled.error().describe());
            if (must_reopen(polled.error())) button.reset();
            continue;
        }
        for (int i = 0; i < presses; ++i) {
            CallOptions options;
            options.source = "button";
            auto called = station_.help_desk().call(options, Actor::resident());
            if (!called)
                spdlog::error("help button: the call was not recorded: {}", called.error());
            else
                spdlog::info("help button: call {} ({})", called->ticket, called->id);
        }
        set_health(kButton, {dr::HealthState::Ok, ""});
    }
}

}  // namespace station
