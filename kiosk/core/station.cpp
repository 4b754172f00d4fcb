#include "kiosk/core/station.h"

#include <spdlog/spdlog.h>

#include "kiosk/core/data_dir.h"

namespace station {

Station::Station(StationOptions options) : options_(std::move(options)) {
    if (!options_.clock) options_.clock = std::make_shared<SystemClock>();
}

Station::~Station() = default;

Result<std::unique_ptr<Station>> Station::open(StationOptions options) {
    if (auto prepared = prepare_data_dir(options.data_dir); !prepared) return prepared.error();
    std::unique_ptr<Station> station(new Station(std::move(options)));

    auto db = Database::open(station->data_dir() / "station.db", station_migrations());
    if (!db) return db.error();
    station->db_ = std::move(db.value());
    station->staff_ = std::make_unique<StaffDirectory>(*station->db_, station->clock());

    if (station->demo()) {
        if (station->staff_->seed_demo_account()) station->audit("system", "staff.seed_demo", kDemoUsername);
        spdlog::warn("demo mode: staff account '{}' with PIN {} (demo only; removed when started "
                     "without --demo)", kDemoUsername, kDemoPin);
    } else if (int removed = station->staff_->remove_demo_accounts(); removed > 0) {
        spdlog::warn("removed {} demo staff account(s): not in demo mode", removed);
        station->audit("system", "staff.remove_demo", kDemoUsername);
    }
    return station;
}

void Station::audit(const std::string& actor, const std::string& action, const std::string& subject,
                    const nlohmann::json& detail) {
    auto lock = db_->lock();
    SQLite::Statement insert(db_->sql(),
                             "INSERT INTO audit_log (at_ms, actor, action, subject, detail) "
                             "VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, clock().now_ms());
    insert.bind(2, actor);
    insert.bind(3, action);
    insert.bind(4, subject);
    insert.bind(5, detail.dump());
    insert.exec();
}

}  // namespace station
