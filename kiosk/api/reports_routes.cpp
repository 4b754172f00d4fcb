// The API's report route (issue 7):
//   GET /api/v1/reports?from=YYYY-MM-DD&to=YYYY-MM-DD   staff, editor, admin → Report::to_json()
// (kiosk/core/reports.h: per day calls, time to acknowledge median/p90, share within the SLA,
// satisfaction, suggestions by topic). Both dates are required; 400 names the one that is wrong.
#include <httplib.h>

#include "kiosk/api/api_internal.h"
#include "kiosk/api/api_server.h"
#include "kiosk/core/reports.h"

namespace station::api {

void ApiServer::add_report_routes() {
    server_->Get("/api/v1/reports", [this](const httplib::Request& request, httplib::Response& response) {
        if (!authorize(*tokens_, request, response, {"staff", "editor", "admin"})) return;
        for (const char* field : {"from", "to"})
            if (!request.has_param(field))
                return send_error(response, 400, std::string(field) + ": required, a date YYYY-MM-DD");
        auto report = build_report(station_, request.get_param_value("from"), request.get_param_value("to"));
        if (!report) return send_error(response, 400, report.error().message);
        send_json(response, 200, report->to_json());
    });
}

}  // namespace station::api
