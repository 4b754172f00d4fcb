#include "admin/ctl/alert_commands.h"

#include <cstdio>
#include <iostream>

namespace station::ctl {
namespace {

void print_alert(const nlohmann::json& a) {
    std::printf("%-6s %-10s %s%s%s\n", a.contains("id") ? a["id"].dump().c_str() : "?",
                a.value("mode", "banner").c_str(), a.value("title", "").c_str(),
                a.value("title", "").empty() ? "" : ": ", a.value("text", "").c_str());
}

}  // namespace

AlertCommands::AlertCommands(CLI::App& app) {
    alert_ = app.add_subcommand("alert", "Emergency notices on the kiosk's screens: send, withdraw, list");
    alert_->require_subcommand(1);
    alert_->fallthrough();
    send_ = alert_->add_subcommand("send", "Show a notice now");
    send_->add_option("TEXT", text_, "What the notice says")->required();
    send_->add_option("--title", title_, "Heading (default: the kiosk's)");
    send_->add_option("--mode", mode_, "banner (default) or fullscreen")
        ->check(CLI::IsMember({"banner", "fullscreen"}));
    send_->add_option("--minutes", minutes_, "Withdraw by itself after this many minutes")
        ->check(CLI::PositiveNumber);
    withdraw_ = alert_->add_subcommand("withdraw", "Take a notice down");
    withdraw_->add_option("ID", id_, "Alert id (see `alert list`)")->required();
    list_ = alert_->add_subcommand("list", "Notices showing now");
    for (CLI::App* command : {send_, withdraw_, list_}) {
        command->fallthrough();
        add_credential_options(command, credentials_);
        command->add_flag("--json", json_, "Print the kiosk's JSON");
    }
}

bool AlertCommands::parsed() const {
    return alert_->parsed();
}

int AlertCommands::run(const std::string& server) {
    admin::ApiClient client(server);
    if (int code = authenticate(client, credentials_)) return code;
    admin::ApiReply reply;
    if (send_->parsed()) {
        nlohmann::json body = {{"text", text_}};
        if (!title_.empty()) body["title"] = title_;
        if (!mode_.empty()) body["mode"] = mode_;
        if (minutes_ > 0) body["minutes"] = minutes_;
        reply = client.post("/api/v1/alerts", body);
    } else if (withdraw_->parsed()) {
        reply = client.del("/api/v1/alerts/" + id_);
    } else {
        reply = client.get("/api/v1/alerts");
    }
    if (!reply.ok()) {
        std::fprintf(stderr, "stationctl: alert: %s\n", reply.error.c_str());
        return 1;
    }
    if (json_) {
        std::cout << reply.body.dump() << "\n";
        return 0;
    }
    if (send_->parsed()) {
        std::printf("sent: ");
        print_alert(reply.body);
    } else if (withdraw_->parsed()) {
        std::printf("withdrawn: %s\n", id_.c_str());
    } else {
        const auto alerts = reply.body.value("alerts", nlohmann::json::array());
        if (alerts.empty()) std::printf("no notices showing\n");
        for (const auto& a : alerts) print_alert(a);
    }
    return 0;
}

}  // namespace station::ctl
