// The station's HTTP API (cpp-httplib), served by every kiosk, windowed or --headless. Paths
// under /api/v1 are a contract that installers and tools (stationctl, station-admin) rely on.
//
// Routes (all JSON; errors are {"error": "<field or state>: <problem>"}):
//   GET  /api/v1/health                       no auth
//   POST /api/v1/login {"user","pin"}         no auth → {"token","role","expires_at"}
//   POST /api/v1/requests {"category","source","request_key"?}    staff, admin, device → 201
//   GET  /api/v1/requests?state=open|closed|all&limit=N            staff, admin, device
//   GET  /api/v1/requests/{id}                                     staff, admin, device
//   POST /api/v1/requests/{id}/acknowledge | /arrive | /resolve {"note"?}   staff, admin
//   POST /api/v1/requests/{id}/cancel {"reason"}   staff, admin; device (resident) in the window
//   GET  /api/v1/devices                      staff, admin (devices_routes.cpp)
//   POST /api/v1/devices/{name}/test          admin: the printer prints a test page
//   GET  /api/v1/events                       server-sent events (help_routes.cpp), resumable
//                                             with Last-Event-ID or ?after=N
//   GET  /api/v1/users, POST /api/v1/users, POST /api/v1/users/{user}/pin   admin (users_routes.cpp)
//   GET  /api/v1/reports?from=D&to=D          staff, editor, admin (reports_routes.cpp)
//   GET  /api/v1/screenshot                   staff, editor, admin → image/png (screenshot_routes.cpp)
// Everything but health and login needs "Authorization: Bearer <token>": 401 without a valid
// one, 403 for a role that may not. With [api] tls_cert and tls_key the same routes are served over
// HTTPS only (tls_identity.h); start() logs the certificate's SHA-256 for clients to pin.
//
// Threads: httplib's worker pool answers requests; handlers reach the station only through its
// services' thread-safe operations. start() returns once the socket listens. stop() ends open
// event streams first, so it never hangs on them.
#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "kiosk/api/tls_identity.h"
#include "kiosk/core/station.h"

namespace httplib {
class Server;
}

namespace station::api {

class EventStreams;
class TokenStore;
struct Session;

class ApiServer {
public:
    explicit ApiServer(Station& station);
    ~ApiServer();  // stops and joins

    // Binds HOST:PORT (port 0 picks a free one) and serves on a background thread. The error
    // names the address and the reason (in use, not an address of this machine, or not loopback
    // while the config lacks [api] allow_lan = true).
    Result<Ok> start(const std::string& host_port);
    void stop();
    int port() const { return port_; }           // the bound port, after start()
    bool https() const { return tls_.has_value(); }  // serving HTTPS ([api] tls_cert/tls_key)
    // Where GET /api/v1/screenshot gets its PNG bytes for a screen ("touch_screen" or
    // "public_display"); called on an API worker thread, so it must be thread-safe. Unset (the
    // default): the route answers 503.
    using ScreenshotSource = std::function<Result<std::string>(const std::string& screen)>;
    void set_screenshot_source(ScreenshotSource source);
    const std::string& host() const { return host_; }

private:
    void add_routes();
    void add_help_routes();     // help_routes.cpp
    void add_device_routes();   // devices_routes.cpp
    void add_user_routes();     // users_routes.cpp
    void add_report_routes();   // reports_routes.cpp
    void add_screenshot_routes();  // screenshot_routes.cpp
    Station& station_;
    // Declared before server_, which is made from them (an SSLServer when tls_ is set).
    std::optional<TlsIdentity> tls_;  // set when the config asks for HTTPS
    std::string tls_error_;           // why the config's certificate cannot be used; start() fails
    std::unique_ptr<httplib::Server> server_;
    std::unique_ptr<TokenStore> tokens_;
    std::unique_ptr<EventStreams> streams_;
    std::mutex screenshot_mutex_;  // guards screenshot_source_
    ScreenshotSource screenshot_source_;
    std::thread thread_;
    std::string host_;
    int port_ = 0;
};

// Splits "HOST:PORT" ("[::1]:8600" for IPv6); nullopt when malformed.
std::optional<std::pair<std::string, int>> split_host_port(const std::string& text);
// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

}  // namespace station::api
