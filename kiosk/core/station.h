// Station: the services of one station, with or without a window. station-kiosk builds one at
// start; `--headless` runs only this. Owns the database, the event bus, the clock and the staff
// directory; later services (help desk, devices, content, API) hang off it.
#pragma once
#include <filesystem>
#include <memory>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/config.h"
#include "kiosk/core/database.h"
#include "kiosk/core/events.h"
#include "kiosk/core/notifier.h"
#include "kiosk/core/staff.h"

namespace station {

namespace content {
class ContentStore;
}
class ContentService;
class DisplayPower;
class ScreenStates;
class DeviceManager;
class Escalation;
class HelpDesk;

struct StationOptions {
    StationConfig config;
    std::filesystem::path data_dir;       // already resolved; created when missing
    bool demo = false;                    // simulated devices, demo content, demo account
    std::shared_ptr<Clock> clock;         // null: the system clock
    WebhookTransport webhook_transport;   // how the notifier POSTs; null: the outbox only fills
    std::vector<std::filesystem::path> trust_keys;  // --trust-key files (beside [content] trusted_keys)
};

class Station {
public:
    // Prepares the data folder, opens and migrates the database, seeds or removes the demo
    // account. Errors name the folder or file and the reason.
    static Result<std::unique_ptr<Station>> open(StationOptions options);
    ~Station();

    const StationConfig& config() const { return options_.config; }
    const std::filesystem::path& data_dir() const { return options_.data_dir; }
    bool demo() const { return options_.demo; }
    Clock& clock() { return *options_.clock; }
    Database& db() { return *db_; }
    EventBus& events() { return events_; }
    StaffDirectory& staff() { return *staff_; }
    HelpDesk& help_desk() { return *help_desk_; }       // 一键通达 requests (kiosk/core/help_desk.h)
    Escalation& escalation() { return *escalation_; }   // the ladder's worker
    Notifier& notifier() { return *notifier_; }         // webhooks from the outbox
    DeviceManager& devices() { return *devices_; }      // printer, card reader, scanner, button (devices.h)
    // Content packages at DATA/content: the store the player reads (ContentStore::active()), and
    // the service around it (push, pull, USB; publishes "content.activated" {"version", ...}).
    content::ContentStore& content();
    ContentService& content_service() { return *content_; }
    DisplayPower& display_power() { return *display_power_; }  // [display_power] schedule (display_power.h)
    // The touch window and the public display's window, as the window code placed them
    // (display_layout.h); GET /api/v1/devices lists them.
    ScreenStates& screens() { return *screens_; }

    // Starts the workers (escalation ladder and retention, webhook delivery, devices: simulated ones
    // in --demo; a device failure is logged, never fatal); stop_services() or
    // the destructor stops them. Not started for --screenshot, so a render changes nothing.
    void start_services();
    void stop_services();

    // Appends to the audit trail: who (staff username, "resident", "system") did what to what.
    void audit(const std::string& actor, const std::string& action, const std::string& subject,
               const nlohmann::json& detail = nlohmann::json::object());
    // The same row, written on a connection whose lock the caller holds (inside its transaction).
    static void write_audit(SQLite::Database& sql, int64_t at_ms, const std::string& actor, const std::string& action,
                            const std::string& subject, const nlohmann::json& detail);

private:
    explicit Station(StationOptions options);
    StationOptions options_;
    std::unique_ptr<Database> db_;
    EventBus events_;
    std::unique_ptr<StaffDirectory> staff_;
    std::unique_ptr<Notifier> notifier_;       // before help_desk_: the desk writes to its outbox
    std::unique_ptr<HelpDesk> help_desk_;
    std::unique_ptr<Escalation> escalation_;
    std::unique_ptr<ContentService> content_;
    std::unique_ptr<DisplayPower> display_power_;
    std::unique_ptr<ScreenStates> screens_;
    std::unique_ptr<DeviceManager> devices_;   // last: stopped and destroyed first (it calls the desk)
};

}  // namespace station
