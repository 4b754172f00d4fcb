// `stationctl requests ...`: help requests (一键通达) through the kiosk's HTTP API, for staff at a
// desk or a script. Logs in with --user/--pin (or $STATION_PIN), or uses the token saved by `stationctl
// login`.
//   requests list [--state open|closed|all] [--json]   {"requests": [...]} with --json
//   requests ack ID | arrive ID | resolve ID [--note TEXT]   [--json] prints the request
// Exit codes: 0 done, 1 the kiosk said no (the reason on stderr) or could not be reached.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

#include "admin/ctl/credentials.h"

namespace station::ctl {

class RequestsCommands {
public:
    explicit RequestsCommands(CLI::App& app);  // registers the `requests` subcommand tree on app
    bool parsed() const;                       // true when the command line chose `requests ...`
    int run(const std::string& server);        // server: checked "http://HOST:PORT"

private:
    CLI::App* requests_ = nullptr;
    CLI::App* list_ = nullptr;
    CLI::App* ack_ = nullptr;
    CLI::App* arrive_ = nullptr;
    CLI::App* resolve_ = nullptr;
    Credentials credentials_;
    std::string state_ = "open";
    std::string note_;
    long long id_ = 0;
    bool json_ = false;
};

}  // namespace station::ctl
