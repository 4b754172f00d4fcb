// `stationctl users ...`: staff accounts (admin role):
//   users list [--json]                                   {"users": [...]} with --json
//   users add USER --name N [--role staff|editor|admin|device] [--new-pin P]
//   users reset-pin USER [--new-pin P]
// The new PIN comes from --new-pin or $STATION_NEW_PIN (kept out of the shell history); --user and
// --pin are the admin's own login, as everywhere.
// Exit codes: 0 done, 1 the kiosk said no (its reason on stderr) or could not be reached, 2 usage.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

#include "admin/ctl/credentials.h"

namespace station::ctl {

class UsersCommands {
public:
    explicit UsersCommands(CLI::App& app);
    bool parsed() const;
    int run(const std::string& server);

private:
    CLI::App* users_ = nullptr;
    CLI::App* list_ = nullptr;
    CLI::App* add_ = nullptr;
    CLI::App* reset_pin_ = nullptr;
    Credentials credentials_;
    std::string username_, name_, role_ = "staff", new_pin_;
    bool json_ = false;
};

}  // namespace station::ctl
