#include "admin/ctl/requests_commands.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "admin/client/api_client.h"
#include "admin/client/report_format.h"
#include "admin/ctl/credentials.h"

namespace station::ctl {
namespace {

std::string hhmm(int64_t ms) { return admin::local_time_text(ms, "%H:%M"); }


// One line per request: ticket, state, category, time called, escalation, who comes, id.
void print_request(const nlohmann::json& r) {
    std::string who;
    if (r.contains("acknowledged_by") && r["acknowledged_by"].is_object())
        who = r["acknowledged_by"].value("name", r["acknowledged_by"].value("user", ""));
    std::string category = r.value("category_label", "");
    std::printf("%-5s %-13s %-6s %s  level %d  %-10s id %lld\n", r.value("ticket", "?").c_str(),
                r.value("state", "?").c_str(), category.empty() ? "-" : category.c_str(),
                hhmm(r.value("created_at", int64_t(0))).c_str(),
                r.contains("escalation") ? r["escalation"].value("level", 0) : 0,
                who.empty() ? "-" : who.c_str(), static_cast<long long>(r.value("id", int64_t(0))));
}

}  // namespace

RequestsCommands::RequestsCommands(CLI::App& app) {
    requests_ =
        app.add_subcommand("requests", "Help requests (一键通达): list, acknowledge, arrive, resolve");
    requests_->require_subcommand(1);
    requests_->fallthrough();  // --server may follow the subcommand
    auto add_login = [this](CLI::App* command) {
        command->fallthrough();
        add_credential_options(command, credentials_);
        command->add_flag("--json", json_, "Print the kiosk's JSON");
    };
    list_ = requests_->add_subcommand("list", "List help requests, newest first");
    list_->add_option("--state", state_, "open (default), closed or all")
        ->check(CLI::IsMember({"open", "closed", "all"}));
    add_login(list_);
    ack_ = requests_->add_subcommand("ack", "Acknowledge: I am on my way");
    arrive_ = requests_->add_subcommand("arrive", "I am with the resident");
    resolve_ = requests_->add_subcommand("resolve", "The request is dealt with");
    resolve_->add_option("--note", note_, "What was done (kept 180 days)");
    for (CLI::App* command : {ack_, arrive_, resolve_}) {
        command->add_option("ID", id_, "Request id (see `requests list`)")
            ->required()
            ->check(CLI::PositiveNumber);
        add_login(command);
    }
}

bool RequestsCommands::parsed() const {
    return requests_->parsed();
}

int RequestsCommands::run(const std::string& server) {
    station::admin::ApiClient client(server);
    if (int code = authenticate(client, credentials_)) return code;

    if (list_->parsed()) {
        auto reply = client.get("/api/v1/requests?state=" + state_);
        if (!reply.ok()) {
            std::fprintf(stderr, "stationctl: %s\n", reply.error.c_str());
            return 1;
        }
        if (json_) {
            std::cout
                << nlohmann::json{{"requests", reply.body.value("requests", nlohmann::json::array())}}.dump()
                << "\n";
            return 0;
        }
        const auto& list = reply.body["requests"];
        if (list.empty()) std::printf("no %s help requests\n", state_ == "all" ? "" : state_.c_str());
        for (const auto& r : list) print_request(r);
        return 0;
    }
    std::string action = ack_->parsed() ? "acknowledge" : arrive_->parsed() ? "arrive" : "resolve";
    nlohmann::json body = nlohmann::json::object();
    if (action == "resolve" && !note_.empty()) body["note"] = note_;
    auto reply = client.post("/api/v1/requests/" + std::to_string(id_) + "/" + action, body);
    if (!reply.ok()) {
        std::fprintf(stderr, "stationctl: %s\n", reply.error.c_str());
        return 1;
    }
    if (json_)
        std::cout << reply.body.dump() << "\n";
    else
        print_request(reply.body);
    return 0;
}

}  // namespace station::ctl
