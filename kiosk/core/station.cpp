#include "kiosk/core/station.h"

#include <spdlog/spdlog.h>

#include "kiosk/core/content_service.h"
#include "kiosk/core/data_dir.h"
#include "kiosk/core/display_layout.h"
#include "kiosk/core/display_power.h"
#include "kiosk/core/devices.h"
#include "kiosk/core/escalation.h"
#include "kiosk/core/help_desk.h"

namespace station {

void seed_demo_screens_data(Station& station);  // screens_demo.cpp

Station::Station(StationOptions options) : options_(std::move(options)) {
    if (!options_.clock) options_.clock = std::make_shared<SystemClock>();
}

Station::~Station() { stop_services(); }

void Station::start_services() {
    notifier_->start();
    escalation_->start();
    if (auto started = devices_->start(); !started) spdlog::error("devices: {}", started.error().message);
    content_->start();
    display_power_->start();
}

content::ContentStore& Station::content() { return content_->store(); }

void Station::stop_services() {
    if (devices_) devices_->stop();
    if (content_) content_->stop();
    if (display_power_) display_power_->stop();
    if (escalation_) escalation_->stop();
    if (notifier_) notifier_->stop();
}

Result<std::unique_ptr<Station>> Station::open(StationOptions options) {
    if (auto prepared = prepare_data_dir(options.data_dir); !prepared) return prepared.error();
    std::unique_ptr<Station> station(new Station(std::move(options)));

    auto db = Database::open(station->data_dir() / "station.db", station_migrations());
    if (!db) return db.error();
    station->db_ = std::move(db.value());
    station->staff_ = std::make_unique<StaffDirectory>(*station->db_, station->clock());

    const StationConfig& config = station->config();
    NotifierOptions notify;
    notify.targets = config.notify;
    notify.transport = station->options_.webhook_transport;
    notify.station_id = config.station.id;
    notify.station_name = config.station.name;
    station->notifier_ = std::make_unique<Notifier>(*station->db_, station->clock(), notify);
    try {
        station->help_desk_ = std::make_unique<HelpDesk>(*station);
    } catch (const std::exception& e) {
        return Error{station->db_->file().string() + ": cannot start the help desk: " + e.what()};
    }
    Notifier* notifier = station->notifier_.get();
    HelpDesk* desk = station->help_desk_.get();
    station->help_desk_->set_outbox_writer([notifier, desk](SQLite::Database& sql, const std::string& type,
                                                            const HelpRequest& request, const std::string&) {
        notifier->enqueue_locked(sql, type, request.escalation_level, desk->notification_text(type, request),
                                 desk->to_json(request, false));
    });
    // Queued notifications are delivered once the transaction that queued them has committed.
    if (!config.notify.empty())
        station->events().subscribe([notifier](const Event& event) {
            if (event.type.rfind("help.", 0) == 0) notifier->wake();
        });
    station->escalation_ = std::make_unique<Escalation>(*station->help_desk_, station->clock(), station->events());
    ContentServiceOptions content_options;
    content_options.root = station->data_dir() / "content";
    content_options.store.keep_versions = config.content.keep_versions;
    content_options.store.quota_bytes = std::uint64_t(config.content.quota_mb) << 20;
    for (const auto& key : config.content.trusted_keys) content_options.trusted_key_files.emplace_back(key);
    for (const auto& key : station->options_.trust_keys) content_options.trusted_key_files.push_back(key);
    content_options.channel_url = config.content.channel;
    content_options.poll_interval_s = config.content.poll_interval_s;
    content_options.usb_mounts = config.content.usb_mounts;
    auto content = ContentService::open(std::move(content_options), station->events(), station->clock());
    if (!content) return content.error();
    station->content_ = std::move(content.value());
    station->display_power_ = std::make_unique<DisplayPower>(config.display_power, station->events(), station->clock());
    station->screens_ = std::make_unique<ScreenStates>(station->events(), station->clock(), config.display);
    station->devices_ = std::make_unique<DeviceManager>(*station);

    if (station->demo()) {
        if (station->staff_->seed_demo_account()) station->audit("system", "staff.seed_demo", kDemoUsername);
        spdlog::warn("demo mode: staff account '{}' with PIN {} (demo only; removed when started "
                     "without --demo)", kDemoUsername, kDemoPin);
        seed_demo_screens_data(*station);  // activities and DATA/guide.toml (screens_demo.cpp)
    } else if (int removed = station->staff_->remove_demo_accounts(); removed > 0) {
        spdlog::warn("removed {} demo staff account(s): not in demo mode", removed);
        station->audit("system", "staff.remove_demo", kDemoUsername);
    }
    return station;
}

void Station::audit(const std::string& actor, const std::string& action, const std::string& subject,
                    const nlohmann::json& detail) {
    auto lock = db_->lock();
    write_audit(db_->sql(), clock().now_ms(), actor, action, subject, detail);
}

void Station::write_audit(SQLite::Database& sql, int64_t at_ms, const std::string& actor, const std::string& action,
                          const std::string& subject, const nlohmann::json& detail) {
    SQLite::Statement insert(sql,
                             "INSERT INTO audit_log (at_ms, actor, action, subject, detail) "
                             "VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, at_ms);
    insert.bind(2, actor);
    insert.bind(3, action);
    insert.bind(4, subject);
    insert.bind(5, detail.dump());
    insert.exec();
}

}  // namespace station
