// The station's HTTP API (cpp-httplib), served by every kiosk, windowed or --headless. Paths
// under /api/v1 are a contract that installers and tools (stationctl, station-admin) rely on.
//
// Threads: httplib's worker pool answers requests; handlers reach the station only through its
// services' thread-safe operations. start() returns once the socket listens.
#pragma once
#include <memory>
#include <string>
#include <thread>

#include "kiosk/core/station.h"

namespace httplib {
class Server;
}

namespace station::api {

class ApiServer {
public:
    explicit ApiServer(Station& station);
    ~ApiServer();  // stops and joins

    // Binds HOST:PORT (port 0 picks a free one) and serves on a background thread. The error
    // names the address and the reason (in use, not an address of this machine).
    Result<Ok> start(const std::string& host_port);
    void stop();
    int port() const { return port_; }           // the bound port, after start()
    const std::string& host() const { return host_; }

private:
    void add_routes();
    Station& station_;
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
    std::string host_;
    int port_ = 0;
};

// Splits "HOST:PORT" ("[::1]:8600" for IPv6); nullopt when malformed.
std::optional<std::pair<std::string, int>> split_host_port(const std::string& text);

}  // namespace station::api
