// `stationctl report --from YYYY-MM-DD --to YYYY-MM-DD [--csv] [--json]`: the station's report
// per day (calls, time to acknowledge median/p90, share within the SLA, satisfaction, suggestions
// by topic; GET /api/v1/reports). Text by default; --csv for a spreadsheet; --json as the kiosk
// gives it. Exit codes: 0 done, 1 the kiosk said no or could not be reached, 2 usage.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

#include "admin/ctl/credentials.h"

namespace station::ctl {

class ReportCommand {
public:
    explicit ReportCommand(CLI::App& app);
    bool parsed() const;
    int run(const std::string& server);

private:
    CLI::App* report_ = nullptr;
    Credentials credentials_;
    std::string from_, to_;
    bool csv_ = false, json_ = false;
};

}  // namespace station::ctl
