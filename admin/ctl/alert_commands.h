// `stationctl alert ...`: emergency notices on the kiosk's screens (the signage part's alerts API),
// logging in with --user/--pin or the token saved by `stationctl login`:
//   alert send TEXT [--title T] [--mode banner|fullscreen] [--minutes N] [--json]  → the alert
//   alert withdraw ID [--json]
//   alert list [--json]                          {"alerts": [...]} with --json
// Exit codes: 0 done, 1 the kiosk said no (its reason on stderr) or could not be reached, 2 usage.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

#include "admin/ctl/credentials.h"

namespace station::ctl {

class AlertCommands {
public:
    explicit AlertCommands(CLI::App& app);
    bool parsed() const;
    int run(const std::string& server);

private:
    CLI::App* alert_ = nullptr;
    CLI::App* send_ = nullptr;
    CLI::App* withdraw_ = nullptr;
    CLI::App* list_ = nullptr;
    Credentials credentials_;
    std::string text_, title_, mode_, id_;
    int minutes_ = 0;
    bool json_ = false;
};

}  // namespace station::ctl
