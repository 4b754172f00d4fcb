// How stationctl proves who it is: --user with --pin (or $STATION_PIN) logs in for this run;
// without --user, the token saved by `stationctl login` for that server is used. Tokens are kept
// in $XDG_CONFIG_HOME/station/stationctl-tokens.json (default ~/.config), mode 0600, one per server.
#pragma once
#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

#include "admin/client/api_client.h"

namespace station::ctl {

struct Credentials {
    std::string user;
    std::string pin;
};

// Adds --user and --pin to `command` (optional: a saved token stands in for them).
void add_credential_options(CLI::App* command, Credentials& credentials);

// Gives `client` a token: logs in with the credentials, or uses the saved one. Returns 0, or the
// exit code after printing why not (2: nothing to log in with; 1: the kiosk said no).
int authenticate(admin::ApiClient& client, Credentials credentials);

std::filesystem::path token_file();  // where `stationctl login` saves tokens

// `stationctl login` / `logout`.
class LoginCommands {
public:
    explicit LoginCommands(CLI::App& app);
    bool parsed() const;
    int run(const std::string& server);

private:
    CLI::App* login_ = nullptr;
    CLI::App* logout_ = nullptr;
    Credentials credentials_;
};

}  // namespace station::ctl
