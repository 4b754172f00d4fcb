// The API's signage routes (issue 5), registered by ApiServer with add_signage_routes():
//   POST   /api/v1/alerts {"text", "title"?, "mode"?: "fullscreen"|"banner", "minutes"?: N}
//                                  staff, editor, admin → 201
//                                  {"id","title","text","mode","created_at","expires_at"}
//   GET    /api/v1/alerts          staff, editor, admin → {"alerts": [...]} (active ones, oldest first)
//   DELETE /api/v1/alerts/{id}     staff, editor, admin → {"id","withdrawn": true}; 404 unknown id
//   GET    /api/v1/proof-of-play?since=TIME[&limit=N]
//                                  staff, editor, admin → {"plays":
//                                  [{"item","zone","started_at","duration_ms",...}]} TIME: ms since the epoch
//                                  or ISO 8601 local time; a bad one is a 400
#pragma once

namespace httplib {
class Server;
}

namespace station {
class Station;
}

namespace station::api {

class TokenStore;

void add_signage_routes(httplib::Server& server, Station& station, TokenStore& tokens);

}  // namespace station::api
