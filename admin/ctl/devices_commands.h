// `stationctl devices ...`: the kiosk's devices (printer, ID-card reader, QR scanner, help button)
// through its HTTP API, for staff and technicians. Logs in with --user/--pin (or $STATION_PIN), or uses the
// token saved by `stationctl login`.
//   devices [--json]                 one line per device: name, status, reason, since; with --json
//                                    the kiosk's {"devices": [...]}
//   devices test printer [--json]    prints a test page (admin); fails naming the fault
// Exit codes: 0 done, 1 the kiosk said no (the reason on stderr) or could not be reached, 2 usage.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

#include "admin/ctl/credentials.h"

namespace station::ctl {

class DevicesCommands {
public:
    explicit DevicesCommands(CLI::App& app);   // registers the `devices` subcommand tree on app
    bool parsed() const;                       // true when the command line chose `devices ...`
    int run(const std::string& server);        // server: checked "http://HOST:PORT"

private:
    CLI::App* devices_ = nullptr;
    CLI::App* test_ = nullptr;
    Credentials credentials_;
    std::string device_;
    bool json_ = false;
};

}  // namespace station::ctl
