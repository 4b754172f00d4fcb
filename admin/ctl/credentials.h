// How stationctl proves who it is: --user with --pin (or $STATION_PIN) logs in for this run;
// without --user, the token saved by `stationctl login` for that server is used. Tokens are kept
// in $XDG_CONFIG_HOME/station/stationctl-tokens.json (default ~/.config), mode 0600, one per server.
//
// Over https://, `--pin-cert SHA256` (a common flag) pins the kiosk's certificate (admin/client/tls.h).
// `stationctl login` saves the fingerprint it saw with the token, and later commands that use the
// saved token insist on it: a kiosk whose certificate changed is refused until the user logs in
// again with the new --pin-cert.
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

// The common --pin-cert, canonical (tls.h) or ""; main() sets it once after parsing.
void set_pin_cert_option(std::string fingerprint);

// Gives `client` the certificate pin for a run without a saved token: --pin-cert, else none.
void apply_pin_cert_option(admin::ApiClient& client);

// Adds --user and --pin to `command` (optional: a saved token stands in for them).
void add_credential_options(CLI::App* command, Credentials& credentials);

// Gives `client` a token: logs in with the credentials, or uses the saved one (with its pinned
// certificate). Returns 0, or the exit code after printing why not (2: nothing to log in with;
// 1: the kiosk said no, or --pin-cert contradicts the saved login's pin).
int authenticate(admin::ApiClient& client, Credentials credentials);

// authenticate() for commands that reach several kiosks at once (content push): logs in to
// `server` with the credentials, or takes its saved token, and says which certificate to pin
// (--pin-cert, or the one the saved login saw). code 0: token and pinned ("" = none) are set;
// otherwise 2 (nothing to log in with) or 1 (refused, unreachable, pin contradiction) and `error`
// says why, without the "stationctl: " prefix. Prints nothing.
struct KioskLogin {
    std::string token;
    std::string pinned;
    std::string error;
    int code = 0;
};
KioskLogin login_to(const std::string& server, Credentials credentials);

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
