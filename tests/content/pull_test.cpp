// Pull from a static HTTP origin: a cpp-httplib static file server on 127.0.0.1 stands in for
// nginx (same Range semantics: 206 with the requested bytes).
#include <doctest/doctest.h>

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "content/pull.h"
#include "content/store.h"
#include "content_fixture.h"
#include "process.h"
#include "temp_dir.h"

using namespace station::content;
using namespace station::content::test;
using station::test::TempDir;

namespace {

class Origin {
public:
    explicit Origin(const std::filesystem::path& dir) {
        server_.set_mount_point("/", dir.string());
        server_.Get("/plain/(.*)", [dir](const httplib::Request& req, httplib::Response& res) {
            // An origin that ignores Range: always the whole file with 200.
            res.set_content(read_all(dir / req.matches[1].str()), "application/octet-stream");
            res.status = 200;
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~Origin() {
        server_.stop();
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

private:
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
};

struct Channel {
    TempDir dir;
    KeyPair keys = generate_key_pair("district");
    TrustedKeys trusted{{keys.public_key}};
    // Packs a version into the origin folder and points the channel at it.
    void publish(std::int64_t version, const std::map<std::string, std::string>& files) {
        write_folder(dir / ("src" + std::to_string(version)), version, files);
        std::filesystem::create_directories(dir / "www" / "ch");
        auto name = "v" + std::to_string(version) + ".spkg";
        pack_unprobed(dir / ("src" + std::to_string(version)), keys.secret, dir / "www" / "ch" / name);
        write_all(dir / "www" / "ch" / "district-7.json",
                  nlohmann::json{{"version", version}, {"package", name}}.dump());
    }
};

}  // namespace

TEST_CASE("pull: follows a channel, fetches only missing blobs, resumes with Range") {
    Channel ch;
    std::map<std::string, std::string> files = {{"a.png", pattern_bytes(300000, 1)}, {"b.png", pattern_bytes(200000, 2)}};
    ch.publish(1, files);
    Origin origin(ch.dir / "www");
    TempDir root;
    auto store = ContentStore::open(root / "store");
    REQUIRE(store);
    PullClient client({origin.url(), "/ch/district-7.json"}, ch.trusted);

    auto first = client.poll(*store);
    REQUIRE_MESSAGE(first, (first ? "" : first.error().message));
    CHECK(first->updated);
    CHECK(first->active.version == 1);
    CHECK(first->bytes_fetched == 500000);
    CHECK(read_all(store->active()->media_path("media/a.png")) == files["a.png"]);

    auto again = client.poll(*store);
    REQUIRE(again);
    CHECK(!again->updated);
    CHECK(again->bytes_fetched == 0);

    // Version 2 changes one file; a capped poll stops half-way and the next resumes.
    files["b.png"] = pattern_bytes(200000, 3);
    ch.publish(2, files);
    PullClient capped({origin.url(), "/ch/district-7.json", 10000, 120000}, ch.trusted);
    auto part = capped.poll(*store);
    REQUIRE_MESSAGE(part, (part ? "" : part.error().message));
    CHECK(!part->complete);
    CHECK(!part->updated);
    CHECK(part->bytes_fetched == 120000);
    CHECK(store->active_version() == 1);
    CHECK(store->status().pending->version == 2);
    auto rest = client.poll(*store);
    REQUIRE_MESSAGE(rest, (rest ? "" : rest.error().message));
    CHECK(rest->updated);
    CHECK(rest->bytes_fetched == 80000);  // only the rest of the one changed blob
    CHECK(rest->active.version == 2);
    CHECK(read_all(store->active()->media_path("media/b.png")) == files["b.png"]);
    CHECK(store->check_integrity());
}

TEST_CASE("pull: tampered packages, strangers and origins without Range change nothing") {
    Channel ch;
    ch.publish(1, {{"a.png", pattern_bytes(1000, 1)}});
    Origin origin(ch.dir / "www");
    TempDir root;
    auto store = ContentStore::open(root / "store");
    REQUIRE(store);
    REQUIRE(PullClient({origin.url(), "/ch/district-7.json"}, ch.trusted).poll(*store));

    ch.publish(2, {{"a.png", pattern_bytes(1000, 2)}});
    auto bytes = read_all(ch.dir / "www" / "ch" / "v2.spkg");
    bytes[bytes.size() - 10] ^= 1;
    write_all(ch.dir / "www" / "ch" / "v2.spkg", bytes);
    auto tampered = PullClient({origin.url(), "/ch/district-7.json"}, ch.trusted).poll(*store);
    REQUIRE(!tampered);
    CHECK_MESSAGE(tampered.error().message.find("does not match") != std::string::npos, tampered.error().message);
    CHECK(store->active_version() == 1);

    auto stranger = PullClient({origin.url(), "/ch/district-7.json"}, TrustedKeys{{generate_key_pair("x").public_key}})
                        .poll(*store);
    REQUIRE(!stranger);
    CHECK(stranger.error().message.find("does not trust") != std::string::npos);

    write_all(ch.dir / "www" / "ch" / "plain.json", R"({"version": 3, "package": "/plain/ch/v2.spkg"})");
    auto no_range = PullClient({origin.url(), "/ch/plain.json"}, ch.trusted).poll(*store);
    REQUIRE(!no_range);
    CHECK_MESSAGE(no_range.error().message.find("HTTP 200 to a Range request") != std::string::npos,
                  no_range.error().message);

    write_all(ch.dir / "www" / "ch" / "evil.json", R"({"version": 3, "package": "../../etc/passwd"})");
    CHECK(!PullClient({origin.url(), "/ch/evil.json"}, ch.trusted).poll(*store));
    auto missing = PullClient({origin.url(), "/ch/none.json"}, ch.trusted).poll(*store);
    REQUIRE(!missing);
    CHECK(missing.error().message.find("HTTP 404") != std::string::npos);
    CHECK(store->active_version() == 1);
    CHECK(store->check_integrity());
}

namespace {

int free_loopback_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t size = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size);
    ::close(fd);
    return ntohs(addr.sin_port);
}

}  // namespace

TEST_CASE("pull from a real nginx on loopback (skipped without nginx)") {
    if (std::system("test -x /usr/sbin/nginx") != 0) {
        MESSAGE("nginx not installed: skipped");
        return;
    }
    Channel ch;
    std::map<std::string, std::string> files = {{"a.png", pattern_bytes(400000, 1)}, {"b.png", pattern_bytes(100000, 2)}};
    ch.publish(1, files);
    auto prefix = ch.dir / "nginx";
    std::filesystem::create_directories(prefix / "logs");
    int port = free_loopback_port();
    std::string conf = "daemon off;\nmaster_process off;\nworker_processes 1;\npid " + (prefix / "nginx.pid").string() +
                       ";\nerror_log " + (prefix / "logs/error.log").string() +
                       ";\nevents { worker_connections 64; }\nhttp {\n  access_log off;\n"
                       "  client_body_temp_path " + (prefix / "body").string() + ";\n"
                       "  proxy_temp_path " + (prefix / "proxy").string() + ";\n"
                       "  fastcgi_temp_path " + (prefix / "fastcgi").string() + ";\n"
                       "  uwsgi_temp_path " + (prefix / "uwsgi").string() + ";\n"
                       "  scgi_temp_path " + (prefix / "scgi").string() + ";\n"
                       "  server {\n    listen 127.0.0.1:" + std::to_string(port) + ";\n    root " +
                       (ch.dir / "www").string() + ";\n  }\n}\n";
    write_all(prefix / "nginx.conf", conf);
    station::test::ChildProcess nginx({"/usr/sbin/nginx", "-p", prefix.string(), "-e", (prefix / "logs/error.log").string(),
                                       "-c", (prefix / "nginx.conf").string()});
    const std::string origin = "http://127.0.0.1:" + std::to_string(port);
    httplib::Client probe(origin);
    bool up = false;
    for (int i = 0; i < 200 && !up; ++i) {
        up = static_cast<bool>(probe.Get("/ch/district-7.json"));
        if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    if (!up) nginx.wait_for_stderr("\n", std::chrono::milliseconds(500));
    REQUIRE_MESSAGE(up, (read_all(prefix / "logs/error.log") + nginx.err_so_far()));

    TempDir root;
    auto store = ContentStore::open(root / "store");
    REQUIRE(store);
    auto first = PullClient({origin, "/ch/district-7.json"}, ch.trusted).poll(*store);
    REQUIRE_MESSAGE(first, (first ? "" : first.error().message));
    CHECK(first->updated);
    CHECK(first->bytes_fetched == 500000);

    files["a.png"] = pattern_bytes(400000, 9);
    ch.publish(2, files);
    auto part = PullClient({origin, "/ch/district-7.json", 10000, 150000}, ch.trusted).poll(*store);
    REQUIRE_MESSAGE(part, (part ? "" : part.error().message));
    CHECK(!part->complete);
    auto rest = PullClient({origin, "/ch/district-7.json"}, ch.trusted).poll(*store);
    REQUIRE_MESSAGE(rest, (rest ? "" : rest.error().message));
    CHECK(rest->updated);
    CHECK(part->bytes_fetched + rest->bytes_fetched == 400000);  // one changed blob, resumed by Range
    CHECK(read_all(store->active()->media_path("media/a.png")) == files["a.png"]);
    CHECK(store->check_integrity());
}
