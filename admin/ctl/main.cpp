// stationctl: the command line for station staff, editors and technicians. It reaches a kiosk
// only through the kiosk's HTTP API. Exit codes: 0 success, 1 the kiosk said no or could not be
// reached, 2 bad usage.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "admin/client/api_client.h"
#include "admin/client/tls.h"
#include "admin/ctl/activities_commands.h"
#include "admin/ctl/alert_commands.h"
#include "admin/ctl/cert_commands.h"
#include "admin/ctl/content_commands.h"
#include "admin/ctl/device_commands.h"
#include "admin/ctl/credentials.h"
#include "admin/ctl/devices_commands.h"
#include "admin/ctl/keys_commands.h"
#include "admin/ctl/report_commands.h"
#include "admin/ctl/requests_commands.h"
#include "admin/ctl/users_commands.h"

namespace {

constexpr const char* kDefaultServer = "http://127.0.0.1:8600";

int status_command(const std::string& server, bool json) {
    station::admin::ApiClient client(server);
    station::ctl::apply_pin_cert_option(client);
    station::admin::ApiReply reply = client.get("/api/v1/health");
    if (!reply.ok()) {
        std::fprintf(stderr, "stationctl: %s\n", reply.error.c_str());
        return 1;
    }
    if (json) {
        std::cout << reply.body.dump() << "\n";
        return 0;
    }
    const auto& body = reply.body;
    std::cout << "station: " << body.value("/station/name"_json_pointer, std::string("?")) << " ("
              << body.value("/station/id"_json_pointer, std::string("?")) << ")\n"
              << "status:  " << body.value("status", std::string("?")) << "\n"
              << "version: " << body.value("version", std::string("?"))
              << (body.value("demo", false) ? "  [demo mode]" : "") << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"stationctl: manage a Station kiosk through its HTTP API"};
    app.set_version_flag("--version", "stationctl 0.1.0");
    app.require_subcommand(1);
    std::string server = kDefaultServer;
    bool json = false;
    std::string pin_cert;
    app.add_option("--server", server, "Kiosk API address (default: http://127.0.0.1:8600; https://HOST:PORT for TLS)");
    app.add_option("--pin-cert", pin_cert,
                   "https: accept only the kiosk certificate with this SHA-256 (`stationctl cert fingerprint`; "
                   "the kiosk logs it at start) instead of CA verification");

    auto* status = app.add_subcommand("status", "Is the kiosk up? Its name, id and version");
    status->add_flag("--json", json, "Print the kiosk's JSON reply");

    station::ctl::ContentCommands content_commands(app);
    station::ctl::KeysCommands keys_commands(app);
    station::ctl::CertCommands cert_commands(app);
    station::ctl::RequestsCommands requests_commands(app);
    station::ctl::DevicesCommands devices_commands(app);
    station::ctl::DeviceCommands device_commands(app);  // local diagnostics through the drivers
    station::ctl::LoginCommands login_commands(app);
    station::ctl::AlertCommands alert_commands(app);
    station::ctl::ReportCommand report_command(app);
    station::ctl::UsersCommands users_commands(app);
    station::ctl::ActivitiesCommands activities_commands(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "stationctl: %s\n\n%s", e.what(), app.help().c_str());
        return 2;
    }
    if (!pin_cert.empty()) {
        auto canonical = station::admin::normalize_fingerprint(pin_cert);
        if (!canonical) {
            std::fprintf(stderr, "stationctl: --pin-cert: expected a SHA-256 fingerprint, 64 hex digits with or "
                                 "without colons (got '%s')\n", pin_cert.c_str());
            return 2;
        }
        station::ctl::set_pin_cert_option(*canonical);
    }
    if (content_commands.parsed()) return content_commands.run();  // offline: no --server needed
    if (keys_commands.parsed()) return keys_commands.run();
    if (cert_commands.parsed()) return cert_commands.run();
    if (device_commands.parsed()) return device_commands.run();  // offline: this machine's devices
    if (auto problem = station::admin::ApiClient::url_problem(server)) {
        std::fprintf(stderr, "stationctl: --server: %s\n", problem->c_str());
        return 2;
    }
    if (status->parsed()) return status_command(server, json);
    if (requests_commands.parsed()) return requests_commands.run(server);
    if (devices_commands.parsed()) return devices_commands.run(server);
    if (login_commands.parsed()) return login_commands.run(server);
    if (alert_commands.parsed()) return alert_commands.run(server);
    if (report_command.parsed()) return report_command.run(server);
    if (users_commands.parsed()) return users_commands.run(server);
    if (activities_commands.parsed()) return activities_commands.run(server);
    return 2;
}
