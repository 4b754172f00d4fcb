// Station: the services of one station, with or without a window. station-kiosk builds one at
// start; `--headless` runs only this. Owns the database, the event bus, the clock and the staff
// directory; later services (help desk, devices, content, API) hang off it.
#pragma once
#include <filesystem>
#include <memory>

#include "kiosk/core/clock.h"
#include "kiosk/core/config.h"
#include "kiosk/core/database.h"
#include "kiosk/core/events.h"
#include "kiosk/core/staff.h"

namespace station {

struct StationOptions {
    StationConfig config;
    std::filesystem::path data_dir;       // already resolved; created when missing
    bool demo = false;                    // simulated devices, demo content, demo account
    std::shared_ptr<Clock> clock;         // null: the system clock
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

    // Appends to the audit trail: who (staff username, "resident", "system") did what to what.
    void audit(const std::string& actor, const std::string& action, const std::string& subject,
               const nlohmann::json& detail = nlohmann::json::object());

private:
    explicit Station(StationOptions options);
    StationOptions options_;
    std::unique_ptr<Database> db_;
    EventBus events_;
    std::unique_ptr<StaffDirectory> staff_;
};

}  // namespace station
