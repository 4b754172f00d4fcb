#include "admin/ctl/users_commands.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace station::ctl {

UsersCommands::UsersCommands(CLI::App& app) {
    users_ = app.add_subcommand("users", "Staff accounts (admin): list, add, reset-pin");
    users_->require_subcommand(1);
    users_->fallthrough();
    list_ = users_->add_subcommand("list", "Every account: username, name, role");
    add_ = users_->add_subcommand("add", "Add an account");
    add_->add_option("USER", username_, "Login name: 2-32 of a-z 0-9 _ . -")->required();
    add_->add_option("--name", name_, "Name residents hear, e.g. 王老师")->required();
    add_->add_option("--role", role_, "staff (default), editor, admin or device")
        ->check(CLI::IsMember({"staff", "editor", "admin", "device"}));
    reset_pin_ = users_->add_subcommand("reset-pin", "Give an account a new PIN (ends its sessions)");
    reset_pin_->add_option("USER", username_, "Login name")->required();
    for (CLI::App* command : {add_, reset_pin_})
        command->add_option("--new-pin", new_pin_,
                            "The account's new PIN, 4-12 digits (default: $STATION_NEW_PIN)");
    for (CLI::App* command : {list_, add_, reset_pin_}) {
        command->fallthrough();
        add_credential_options(command, credentials_);
        command->add_flag("--json", json_, "Print the kiosk's JSON");
    }
}

bool UsersCommands::parsed() const {
    return users_->parsed();
}

int UsersCommands::run(const std::string& server) {
    if (!list_->parsed() && new_pin_.empty())
        if (const char* env = std::getenv("STATION_NEW_PIN")) new_pin_ = env;
    if (!list_->parsed() && new_pin_.empty()) {
        std::fprintf(stderr, "stationctl: --new-pin: required (or set STATION_NEW_PIN)\n");
        return 2;
    }
    admin::ApiClient client(server);
    if (int code = authenticate(client, credentials_)) return code;
    admin::ApiReply reply;
    if (list_->parsed())
        reply = client.get("/api/v1/users");
    else if (add_->parsed())
        reply = client.post("/api/v1/users",
                            {{"user", username_}, {"name", name_}, {"role", role_}, {"pin", new_pin_}});
    else
        reply = client.post("/api/v1/users/" + username_ + "/pin", {{"pin", new_pin_}});
    if (!reply.ok()) {
        std::fprintf(stderr, "stationctl: users: %s\n", reply.error.c_str());
        return 1;
    }
    if (json_) {
        std::cout << reply.body.dump() << "\n";
        return 0;
    }
    if (list_->parsed()) {
        for (const auto& u : reply.body.value("users", nlohmann::json::array()))
            std::printf("%-16s %-8s %s%s\n", u.value("user", "?").c_str(), u.value("role", "?").c_str(),
                        u.value("name", "").c_str(), u.value("demo", false) ? "  [demo]" : "");
    } else if (add_->parsed()) {
        std::printf("added %s (%s, %s)\n", username_.c_str(), name_.c_str(), role_.c_str());
    } else {
        std::printf("new PIN set for %s; their open sessions have ended\n", username_.c_str());
    }
    return 0;
}

}  // namespace station::ctl
