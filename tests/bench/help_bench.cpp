// Help-desk figures, through a headless kiosk's HTTP API on loopback (plain sockets: the bench
// links no HTTP library):
//
//   help_call_to_event_ms_p50/p99  from writing POST /api/v1/requests to the request's
//                                  help.called event arriving on GET /api/v1/events (300 calls,
//                                  one at a time)
//   help_calls_per_s               201s per second from 4 keep-alive connections for 3 s, each
//                                  call committed with synchronous=FULL
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

// One HTTP/1.1 keep-alive connection to 127.0.0.1:port.
class Connection {
public:
    explicit Connection(int port) {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            close(fd_);
            fd_ = -1;
        }
        int one = 1;
        if (fd_ >= 0) setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~Connection() {
        if (fd_ >= 0) close(fd_);
    }
    bool ok() const { return fd_ >= 0; }

    bool send_request(const std::string& method, const std::string& path, const std::string& token,
                      const std::string& body, const std::string& extra_headers = "") {
        std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
        request += extra_headers;
        if (method == "POST")
            request +=
                "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
        request += "\r\n" + body;
        for (size_t sent = 0; sent < request.size();) {
            ssize_t n = write(fd_, request.data() + sent, request.size() - sent);
            if (n <= 0) return false;
            sent += size_t(n);
        }
        return true;
    }

    // Reads one response with a Content-Length body; status 0 on a broken connection.
    std::pair<int, std::string> read_response() {
        size_t header_end;
        while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos)
            if (!fill()) return {0, ""};
        std::string head = buffer_.substr(0, header_end);
        int status = std::atoi(head.c_str() + head.find(' ') + 1);
        size_t length = 0;
        std::smatch m;
        if (std::regex_search(head, m, std::regex("[Cc]ontent-[Ll]ength: *([0-9]+)")))
            length = std::stoul(m[1]);
        while (buffer_.size() < header_end + 4 + length)
            if (!fill()) return {0, ""};
        std::string body = buffer_.substr(header_end + 4, length);
        buffer_.erase(0, header_end + 4 + length);
        return {status, body};
    }

    std::pair<int, std::string> request(const std::string& method, const std::string& path,
                                        const std::string& token, const std::string& body = "") {
        if (!send_request(method, path, token, body)) return {0, ""};
        return read_response();
    }

    // Raw bytes as they come (for the event stream); "" when the connection ended.
    std::string read_some() {
        if (!buffer_.empty()) return std::exchange(buffer_, std::string());
        if (!fill()) return "";
        return std::exchange(buffer_, std::string());
    }

    void shutdown_both() {
        if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    }

private:
    bool fill() {
        char chunk[16384];
        ssize_t n = read(fd_, chunk, sizeof chunk);
        if (n <= 0) return false;
        buffer_.append(chunk, size_t(n));
        return true;
    }
    int fd_ = -1;
    std::string buffer_;
};

double percentile_of(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    size_t index = std::min(values.size() - 1, size_t(p / 100.0 * double(values.size() - 1) + 0.5));
    return values[index];
}

}  // namespace

void bench_help_desk() {
    station::test::TempDir data;
    // A free port chosen here, so the kiosk can run at --log-level warn: nobody drains its stderr
    // during the run, and an info line per call would fill the pipe and stall it.
    int port = 0;
    {
        int probe = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        if (bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
            getsockname(probe, reinterpret_cast<sockaddr*>(&address), &size) == 0)
            port = ntohs(address.sin_port);
        close(probe);
    }
    station::test::ChildProcess server({station::test::bin_path("station-kiosk"), "--headless", "--demo",
                                        "--data", (data / "d").string(), "--api",
                                        "127.0.0.1:" + std::to_string(port), "--log-level", "warn"});
    bool up = false;
    for (int i = 0; i < 300 && !up; ++i) {  // up to 30 s for the first start (migrations, demo account)
        Connection probe(port);
        up = probe.ok() && probe.request("GET", "/api/v1/health", "").first == 200;
        if (!up) std::this_thread::sleep_for(100ms);
    }
    if (!up) {
        std::fprintf(stderr, "bench: the headless kiosk did not start on port %d\n", port);
        return;
    }

    Connection control(port);
    auto login = control.request("POST", "/api/v1/login", "", R"({"user":"demo","pin":"2468"})");
    if (login.first != 200) {
        std::fprintf(stderr, "bench: login failed (%d)\n", login.first);
        return;
    }
    std::string token = nlohmann::json::parse(login.second)["token"];

    // The event stream: a reader thread notes when each request's help.called arrives.
    Connection stream(port);
    stream.send_request("GET", "/api/v1/events", token, "", "Accept: text/event-stream\r\n");
    std::mutex mutex;  // guards arrived and stream_open
    std::condition_variable changed;
    std::map<int64_t, SteadyClock::time_point> arrived;  // request id -> when its event was read
    bool stream_open = false;
    std::thread reader([&] {
        std::string pending;
        for (std::string bytes; !(bytes = stream.read_some()).empty();) {
            auto now = SteadyClock::now();
            pending += bytes;
            std::lock_guard<std::mutex> guard(mutex);
            if (pending.find("retry:") != std::string::npos) stream_open = true;
            for (size_t at; (at = pending.find("\ndata: ")) != std::string::npos;) {
                size_t end = pending.find('\n', at + 7);
                if (end == std::string::npos) break;
                auto event = nlohmann::json::parse(pending.substr(at + 7, end - at - 7), nullptr, false);
                pending.erase(0, end);
                if (event.is_object() && event.value("type", "") == "help.called")
                    arrived.emplace(event["request"]["id"].get<int64_t>(), now);
            }
            changed.notify_all();
        }
    });
    {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait_for(lock, 10s, [&] { return stream_open; });
    }

    std::vector<double> latencies;
    for (int i = 0; i < 300; ++i) {
        auto start = SteadyClock::now();
        auto reply =
            control.request("POST", "/api/v1/requests", token, R"({"category":"other","source":"staff"})");
        if (reply.first != 201) break;
        int64_t id = nlohmann::json::parse(reply.second)["id"];
        std::unique_lock<std::mutex> lock(mutex);
        if (!changed.wait_for(lock, 5s, [&] { return arrived.count(id) != 0; })) break;
        latencies.push_back(std::chrono::duration<double, std::milli>(arrived[id] - start).count());
    }
    std::printf("help_call_to_event_ms_p50: %.2f ms\n", percentile_of(latencies, 50));
    std::printf("help_call_to_event_ms_p99: %.2f ms\n", percentile_of(latencies, 99));
    std::fflush(stdout);

    std::atomic<int64_t> created{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    auto started = SteadyClock::now();
    for (int c = 0; c < 4; ++c)
        clients.emplace_back([&] {
            auto connection = std::make_unique<Connection>(port);
            for (int n = 0; n < 100000 && !stop; ++n) {
                auto reply = connection->request("POST", "/api/v1/requests", token, R"({"source":"staff"})");
                if (reply.first == 201) ++created;
                if (reply.first == 0)
                    connection = std::make_unique<Connection>(port);  // server closed keep-alive
            }
        });
    std::this_thread::sleep_for(3s);
    stop = true;
    for (auto& t : clients) t.join();
    double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
    std::printf("help_calls_per_s: %.0f calls/s\n", double(created) / seconds);
    std::fflush(stdout);

    stream.shutdown_both();
    reader.join();
    server.stop(SIGTERM);
}
