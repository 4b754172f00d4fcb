// The API's content routes (issue 6), registered by ApiServer with add_content_routes(). The push
// protocol is content/push.h's, answered exactly as PushReceiver answers (stationctl content push
// speaks it); editor and admin roles.
//   POST /api/v1/content/push[?rollback=1]     body: package head → {"version", "missing": [...]}
//                                              400 bad/untrusted/tampered, 409 replay, 507 disk full
//   GET  /api/v1/content/blobs/{sha256}        → {"offset", "size", "complete"}
//   PUT  /api/v1/content/blobs/{sha256}?offset=N   streamed bytes → {"offset", "complete"}
//   POST /api/v1/content/activate              → {"active": {...}}   (publishes content.activated)
//   POST /api/v1/content/rollback              → {"active": {...}}   (publishes content.activated)
//   GET  /api/v1/content                       staff, editor, admin → {"active", "previous", "pending",
//                                              "versions", "blob_bytes", "pull": {...}, "push": {...}}
//                                              "push" while a push is arriving (offered, not yet activated,
//                                              bytes within the last 2 minutes): {"version", "bytes_received",
//                                              "bytes_total", "started_at", "updated_at"} (bytes of the blobs
//                                              the offer said were missing; ms since the epoch)
//   POST /api/v1/content/pull                 editor, admin → 202 {"polling": true}: polls the channel now
//                                              (409 when none is configured); GET /api/v1/content "pull" says
//                                              how it went
//   GET  /api/v1/content/usb                   staff, editor, admin → {"packages": [{"file", "version",
//                                              "author": {"key_id", "name"}, "trusted", "bytes", "error"}]}
//   POST /api/v1/content/usb/import {"file", "rollback"?: bool}
//                                              editor, admin → {"active": {...}}; 400 untrusted/bad,
//                                              404 not on a stick, 409 replay, 507 disk full
// Bodies: the API keeps its 1 MiB limit for every other route; a package head may be up to the
// manifest limit (4 MiB) and a blob PUT is streamed to disk (at most 64 MiB per request).
#pragma once

namespace httplib {
class Server;
}

namespace station {
class Station;
}

namespace station::api {

class TokenStore;

void add_content_routes(httplib::Server& server, Station& station, TokenStore& tokens);

}  // namespace station::api
