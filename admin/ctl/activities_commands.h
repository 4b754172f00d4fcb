// `stationctl activities ...`: the station's activities (GET/POST /api/v1/activities):
//   activities list [--all] [--json]        upcoming ones, soonest first (--all: past and cancelled
//                                           too); --json gives {"activities": [...]} as the kiosk does
//   activities create --title T --place P --starts "YYYY-MM-DD HH:MM" --ends HH:MM|"YYYY-MM-DD HH:MM"
//                     --capacity N [--min N] [--description D] [--json]
// Times are this computer's local time (the station's). --user and --pin (or the saved token) as
// everywhere; listing needs staff, editor, admin or device, creating staff, editor or admin.
// Exit codes: 0 done, 1 the kiosk said no (its reason on stderr) or could not be reached, 2 usage
// (a malformed time names the flag and what it got, and nothing is sent).
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "admin/ctl/credentials.h"

namespace station::ctl {

// "YYYY-MM-DD HH:MM" (or with a 'T') in local time → ms since the epoch; nullopt when malformed or
// not a real date (2026-02-30).
std::optional<int64_t> parse_local_minute(const std::string& text);

class ActivitiesCommands {
public:
    explicit ActivitiesCommands(CLI::App& app);
    bool parsed() const;
    int run(const std::string& server);

private:
    int list(admin::ApiClient& client);
    int create(admin::ApiClient& client);

    CLI::App* activities_ = nullptr;
    CLI::App* list_ = nullptr;
    CLI::App* create_ = nullptr;
    Credentials credentials_;
    bool all_ = false, json_ = false;
    std::string title_, place_, starts_, ends_, description_;
    int capacity_ = 0, minimum_ = 0;
};

}  // namespace station::ctl
