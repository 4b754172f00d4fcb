// The API's routes for the elderly-first screens' data (issue 8), registered by ApiServer with
// add_activities_routes():
//   GET  /api/v1/activities                 staff, editor, admin, device →
//        {"activities": [{"id","title","description","place","starts_at","ends_at","capacity",
//                         "min_signups","signups","cancelled","goes_ahead"}]}   (upcoming, soonest first;
//        ?all=1 includes past and cancelled ones)
//   POST /api/v1/activities {"title","place","starts_at","ends_at","capacity","description"?,"min_signups"?}
//        staff, editor, admin → 201 the activity; a bad body → 400 naming the field, nothing stored
//   GET  /api/v1/activities/{id}/signups    staff, admin → {"signups": [{"masked_id","via","at"}]}; 404
//        unknown
//   POST /api/v1/activities/{id}/print      staff, admin: the sign-up list on the receipt printer
//        (masked ids only), audited → {"id","printed": true,"signups": N}; 404 unknown; 409 the
//        printer's fault in words (not configured, paper out, ...); 504 not done within 20 s
//   GET  /api/v1/suggestions?since=MS       staff, editor, admin →
//        {"suggestions": [{"id","topic","topic_label","phrases","contact_requested","help_request_id","at"}]}
//   Times are milliseconds since the Unix epoch.
#pragma once

namespace httplib {
class Server;
}

namespace station {
class Station;
}

namespace station::api {

class TokenStore;

void add_activities_routes(httplib::Server& server, Station& station, TokenStore& tokens);

}  // namespace station::api
