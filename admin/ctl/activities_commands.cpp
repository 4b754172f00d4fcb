#include "admin/ctl/activities_commands.h"
#include "admin/client/report_format.h"

#include <cstdio>
#include <ctime>
#include <iostream>

#include "admin/client/report_format.h"

namespace station::ctl {

std::optional<int64_t> parse_local_minute(const std::string& text) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0;
    char separator = 0;
    int used = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d%n", &year, &month, &day, &separator, &hour, &minute, &used) !=
            6 ||
        used != static_cast<int>(text.size()) || (separator != ' ' && separator != 'T'))
        return std::nullopt;
    std::tm parts{};
    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    parts.tm_mday = day;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_isdst = -1;
    std::time_t seconds = std::mktime(&parts);
    // mktime moves 2026-02-30 to March: a date it had to change was not a real one.
    if (seconds == -1 || parts.tm_year != year - 1900 || parts.tm_mon != month - 1 || parts.tm_mday != day ||
        parts.tm_hour != hour || parts.tm_min != minute)
        return std::nullopt;
    return int64_t(seconds) * 1000;
}

ActivitiesCommands::ActivitiesCommands(CLI::App& app) {
    activities_ = app.add_subcommand("activities", "The station's activities: list, create");
    activities_->require_subcommand(1);
    activities_->fallthrough();
    list_ = activities_->add_subcommand("list", "Upcoming activities with sign-ups against the minimum");
    list_->add_flag("--all", all_, "Past and cancelled ones too");
    create_ = activities_->add_subcommand("create", "Create an activity residents can sign up for");
    create_->add_option("--title", title_, "Title, e.g. 智能手机课堂")->required();
    create_->add_option("--place", place_, "Place, e.g. 二楼活动室")->required();
    create_->add_option("--starts", starts_, "Start, local time: \"YYYY-MM-DD HH:MM\"")->required();
    create_->add_option("--ends", ends_, "End: HH:MM on the same day, or \"YYYY-MM-DD HH:MM\"")->required();
    create_->add_option("--capacity", capacity_, "Places")->required();
    create_->add_option("--min", minimum_, "Sign-ups needed for it to go ahead (default 0: no minimum)");
    create_->add_option("--description", description_, "More words for residents");
    for (CLI::App* command : {list_, create_}) {
        command->fallthrough();
        add_credential_options(command, credentials_);
        command->add_flag("--json", json_, "Print the kiosk's JSON");
    }
}

bool ActivitiesCommands::parsed() const { return activities_->parsed(); }

int ActivitiesCommands::run(const std::string& server) {
    admin::ApiClient client(server);
    if (create_->parsed()) {
        // Checked before logging in: a malformed time sends nothing.
        if (!parse_local_minute(starts_)) {
            std::fprintf(stderr, "stationctl: activities create: --starts: expected \"YYYY-MM-DD HH:MM\" (got '%s')\n",
                         starts_.c_str());
            return 2;
        }
        std::string ends = ends_.size() == 5 ? starts_.substr(0, 10) + " " + ends_ : ends_;
        if (!parse_local_minute(ends)) {
            std::fprintf(stderr,
                         "stationctl: activities create: --ends: expected HH:MM or \"YYYY-MM-DD HH:MM\" (got '%s')\n",
                         ends_.c_str());
            return 2;
        }
    }
    if (int code = authenticate(client, credentials_)) return code;
    return list_->parsed() ? list(client) : create(client);
}

int ActivitiesCommands::list(admin::ApiClient& client) {
    auto reply = client.get(std::string("/api/v1/activities") + (all_ ? "?all=1" : ""));
    if (!reply.ok()) {
        std::fprintf(stderr, "stationctl: activities list: %s\n", reply.error.c_str());
        return 1;
    }
    const auto activities = reply.body.value("activities", nlohmann::json::array());
    if (json_) {
        std::cout << nlohmann::json{{"activities", activities}}.dump() << "\n";
        return 0;
    }
    if (activities.empty()) std::cout << (all_ ? "no activities\n" : "no upcoming activities\n");
    for (const auto& a : activities) {
        int64_t starts = a.value("starts_at", int64_t(0)), ends = a.value("ends_at", int64_t(0));
        int signups = a.value("signups", 0), minimum = a.value("min_signups", 0);
        std::string state;
        if (a.value("cancelled", false))
            state = "cancelled";
        else if (minimum == 0)
            state = "no minimum";
        else if (a.value("goes_ahead", signups >= minimum))
            state = "minimum " + std::to_string(minimum) + " reached";
        else
            state = "minimum " + std::to_string(minimum) + " not reached (" + std::to_string(minimum - signups) +
                    " short)";
        std::cout << "#" << a.value("id", int64_t(0)) << "  " << admin::local_time_text(starts, "%Y-%m-%d %H:%M") << "-"
                  << admin::local_time_text(ends, "%H:%M") << "  " << a.value("title", "") << "  @ " << a.value("place", "")
                  << "  " << signups << "/" << a.value("capacity", 0) << " signed up, " << state << "\n";
    }
    return 0;
}

int ActivitiesCommands::create(admin::ApiClient& client) {
    int64_t starts = *parse_local_minute(starts_);
    int64_t ends = *parse_local_minute(ends_.size() == 5 ? starts_.substr(0, 10) + " " + ends_ : ends_);
    nlohmann::json body = {{"title", title_},   {"place", place_},       {"starts_at", starts},
                           {"ends_at", ends},   {"capacity", capacity_}, {"min_signups", minimum_}};
    if (!description_.empty()) body["description"] = description_;
    auto reply = client.post("/api/v1/activities", body);
    if (!reply.ok()) {
        std::fprintf(stderr, "stationctl: activities create: %s\n", reply.error.c_str());
        return 1;
    }
    if (json_) {
        std::cout << reply.body.dump() << "\n";
        return 0;
    }
    std::cout << "created activity #" << reply.body.value("id", int64_t(0)) << ": " << reply.body.value("title", "")
              << ", " << admin::local_time_text(starts, "%Y-%m-%d %H:%M") << "-" << admin::local_time_text(ends, "%H:%M") << "\n";
    return 0;
}

}  // namespace station::ctl
