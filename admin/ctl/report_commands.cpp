#include "admin/ctl/report_commands.h"

#include <cstdio>
#include <iostream>

#include "admin/client/report_format.h"

namespace station::ctl {

ReportCommand::ReportCommand(CLI::App& app) {
    report_ = app.add_subcommand("report", "Calls per day, time to acknowledge, SLA share, satisfaction");
    report_->fallthrough();
    report_->add_option("--from", from_, "First day, YYYY-MM-DD")->required();
    report_->add_option("--to", to_, "Last day, YYYY-MM-DD (inclusive)")->required();
    auto* csv = report_->add_flag("--csv", csv_, "CSV: one line per day and a total");
    report_->add_flag("--json", json_, "Print the kiosk's JSON")->excludes(csv);
    add_credential_options(report_, credentials_);
}

bool ReportCommand::parsed() const {
    return report_->parsed();
}

int ReportCommand::run(const std::string& server) {
    admin::ApiClient client(server);
    if (int code = authenticate(client, credentials_)) return code;
    auto reply = client.get("/api/v1/reports?from=" + from_ + "&to=" + to_);
    if (!reply.ok()) {
        std::fprintf(stderr, "stationctl: report: %s\n", reply.error.c_str());
        return reply.status == 400 ? 2 : 1;
    }
    if (json_) {
        std::cout << reply.body.dump() << "\n";
        return 0;
    }
    if (csv_) {
        std::cout << admin::report_csv(reply.body);
        return 0;
    }
    std::printf("report %s .. %s (SLA: acknowledged within %d s)\n", from_.c_str(), to_.c_str(),
                reply.body.value("sla_s", 0));
    std::printf("%-10s %6s %9s %9s %9s %12s\n", "day", "calls", "median_s", "p90_s", "in_SLA",
                "satisfaction");
    auto row = [](const std::string& day, const nlohmann::json& f) {
        std::printf("%-10s %6d %9s %9s %9s %12s\n", day.c_str(), f.value("calls", 0),
                    admin::report_number(f["ack_median_s"], 1).c_str(),
                    admin::report_number(f["ack_p90_s"], 1).c_str(),
                    admin::report_number(f["within_sla_share"], 0, true).c_str(),
                    admin::report_number(f["satisfaction"], 2).c_str());
    };
    for (const auto& day : reply.body.value("days", nlohmann::json::array())) row(day.value("day", ""), day);
    row("total", reply.body.value("total", nlohmann::json::object()));
    const auto topics = reply.body["total"].value("suggestions_by_topic", nlohmann::json::object());
    for (const auto& [topic, count] : topics.items())
        std::printf("suggestions  %-16s %d\n", topic.c_str(), count.get<int>());
    return 0;
}

}  // namespace station::ctl
