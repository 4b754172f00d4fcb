// Issue 6 on the kiosk: an editor inits, packs, verifies and pushes to two demo kiosks, sees them
// switch, pushes a delta and rolls back; every refusal with its message; USB import.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "../content/content_fixture.h"
#include "content/crypto.h"
#include "content/package.h"
#include "content_kiosk_support.h"
#include "kiosk/core/config.h"
#include "kiosk/core/content_service.h"
#include "kiosk/core/station.h"

using namespace std::chrono_literals;
using station::test::DemoKiosk;
using station::test::run_process;
using station::test::TempDir;
namespace sc = station::content;
namespace fs = std::filesystem;

namespace {

station::test::ProcessResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), station::test::bin_path("stationctl"));
    return run_process(args, {}, 60s);
}

std::string text_of(const fs::path& file) {
    return station::test::read_file(file);
}

// Sends `request` as is on a fresh connection and returns everything the server answers.
std::string raw_request(int port, const std::string& request) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == ssize_t(request.size()));
    std::string answer;
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
        answer.append(buffer, size_t(n));
        if (answer.find("\r\n\r\n") != std::string::npos && answer.find('}') != std::string::npos) break;
    }
    ::close(fd);
    return answer;
}

// The head of a package file (header + manifest + signature), as stationctl sends it.
std::string head_of(const std::string& package) {
    auto size = sc::parse_package_header(package.substr(0, sc::kPackageHeaderBytes));
    REQUIRE(size);
    return package.substr(0, sc::kPackageHeaderBytes + *size + 64);
}

struct Editor {
    TempDir dir;
    sc::KeyPair keys = sc::generate_key_pair("editor");
    fs::path pub;
    Editor() {
        auto written = sc::write_key_files(keys, dir.path());
        REQUIRE(written);
        pub = (*written)[1];
    }
    // A package of `files` at `version`, signed by `key` (default: the editor's).
    std::string package(std::int64_t version, const std::map<std::string, std::string>& files,
                        const sc::SecretKey* key = nullptr) {
        fs::path folder = dir / ("c" + std::to_string(version) + "-" + std::to_string(counter_));
        fs::path out = dir / ("p" + std::to_string(counter_++) + ".spkg");
        sc::test::write_folder(folder, version, files);
        sc::test::pack_unprobed(folder, key ? *key : keys.secret, out);
        return text_of(out);
    }
    // The package with its manifest edited and re-signed by the editor (hostile but signed).
    std::string resigned(const std::string& package, const std::string& from, const std::string& to) {
        auto size = *sc::parse_package_header(package.substr(0, sc::kPackageHeaderBytes));
        std::string json = package.substr(sc::kPackageHeaderBytes, size);
        auto at = json.find(from);
        REQUIRE_MESSAGE(at != std::string::npos, from);
        json.replace(at, from.size(), to);
        sc::SignedManifest sm;
        sm.bytes = json;
        sm.signature = sc::sign(keys.secret, json);
        return sm.head();
    }

private:
    int counter_ = 0;
};

}  // namespace

TEST_CASE("content: init pack verify push to two kiosks then a delta and a rollback (issue 6 done-when)") {
    TempDir dir;
    REQUIRE(ctl({"keys", "gen", "editor", "--dir", (dir / "keys").string()}).exit_code == 0);
    std::string key = (dir / "keys" / "editor.key").string(), pub = (dir / "keys" / "editor.pub").string();
    fs::path folder = dir / "content";
    REQUIRE(ctl({"content", "init", folder.string()}).exit_code == 0);
    DemoKiosk a(dir / "a", {"--trust-key", pub});
    DemoKiosk b(dir / "b", {"--trust-key", pub});
    // --demo starts with its own demo content: the editor's versions come after it.
    const std::int64_t base = a.active_version();
    REQUIRE(b.active_version() == base);
    auto set_version = [&](std::int64_t from, std::int64_t to) {
        std::string toml = text_of(folder / "content.toml");
        std::string was = "version = " + std::to_string(from) + " ";
        auto at = toml.find(was);
        REQUIRE(at != std::string::npos);
        toml.replace(at, was.size(), "version = " + std::to_string(to) + " ");
        std::ofstream(folder / "content.toml", std::ios::trunc) << toml;
    };
    set_version(1, base + 1);
    auto packed = ctl({"content", "pack", folder.string(), "--key", key, "-o", (dir / "v1.spkg").string()});
    REQUIRE_MESSAGE(packed.exit_code == 0, packed.err);
    REQUIRE(ctl({"content", "verify", (dir / "v1.spkg").string(), "--trust", pub}).exit_code == 0);

    std::string to = a.url() + "," + b.url();
    auto pushed = ctl({"content", "push", (dir / "v1.spkg").string(), "--to", to, "--user", "demo", "--pin",
                       "2468", "--json"});
    REQUIRE_MESSAGE(pushed.exit_code == 0, pushed.err);
    auto first = nlohmann::json::parse(pushed.out);
    REQUIRE(first.is_array());
    REQUIRE(first.size() == 2);
    for (const auto& k : first) {
        CHECK(k["version"] == base + 1);
        CHECK(k["blobs_sent"] == 3);
    }
    for (DemoKiosk* k : {&a, &b}) {
        auto c = k->content();
        CHECK(c["active"]["version"] == base + 1);
        CHECK(c["pending"].is_null());
        CHECK(k->process().wait_for_stderr("content: version " + std::to_string(base + 1) + " active (push)",
                                           10s));
    }

    // One file changes (bytes after a PNG's IEND are ignored by decoders); only it travels.
    {
        std::ofstream(folder / "media" / "health-talk.png", std::ios::binary | std::ios::app)
            << "changed by the editor";
        set_version(base + 1, base + 2);
    }
    packed = ctl({"content", "pack", folder.string(), "--key", key, "-o", (dir / "v2.spkg").string()});
    REQUIRE_MESSAGE(packed.exit_code == 0, packed.err);
    auto changed_size = fs::file_size(folder / "media" / "health-talk.png");
    pushed = ctl({"content", "push", (dir / "v2.spkg").string(), "--to", to, "--user", "demo", "--pin",
                  "2468", "--json"});
    REQUIRE_MESSAGE(pushed.exit_code == 0, pushed.err);
    for (const auto& k : nlohmann::json::parse(pushed.out)) {
        CHECK(k["version"] == base + 2);
        CHECK(k["blobs_sent"] == 1);
        CHECK(k["bytes_sent"] == changed_size);
    }
    for (DemoKiosk* k : {&a, &b}) {
        auto c = k->content();
        CHECK(c["active"]["version"] == base + 2);
        CHECK(c["previous"]["version"] == base + 1);
    }

    for (DemoKiosk* k : {&a, &b}) {
        auto rolled =
            ctl({"content", "rollback", "--to", k->url(), "--user", "demo", "--pin", "2468", "--json"});
        REQUIRE_MESSAGE(rolled.exit_code == 0, rolled.err);
        CHECK(k->active_version() == base + 1);
        CHECK(k->process().wait_for_stderr(
            "content: version " + std::to_string(base + 1) + " active (rollback)", 10s));
    }
}

// Strangers, tampering, traversal, oversized manifests, replays and a full disk.
TEST_CASE("content: the kiosk refuses every bad push with a message naming what") {
    Editor editor;
    TempDir dir;
    dir.write("station.toml", "[content]\nquota_mb = 8\n");
    DemoKiosk k(dir / "data",
                {"--trust-key", editor.pub.string(), "--config", (dir / "station.toml").string()});
    std::map<std::string, std::string> files = {{"a.png", sc::test::pattern_bytes(200000, 1)},
                                                {"b.png", sc::test::pattern_bytes(1000, 2)}};
    const std::int64_t base = k.active_version();  // --demo's own content, or 0
    std::string v1 = editor.package(base + 1, files);
    std::string v1_head = head_of(v1);

    auto other = sc::generate_key_pair("stranger");
    std::string stranger = head_of(editor.package(base + 1, files, &other.secret));
    std::string flipped_sig = v1_head;
    flipped_sig[flipped_sig.size() - 5] ^= 0x01;
    std::string flipped_manifest = v1_head;
    flipped_manifest[40] ^= 0x01;
    std::string oversized = v1_head.substr(0, 8);
    std::uint32_t huge = sc::kMaxManifestBytes + 1;
    for (int i = 0; i < 4; ++i) oversized += static_cast<char>((huge >> (8 * i)) & 0xFF);
    oversized += v1_head.substr(12, 4) + "{}";

    struct Case {
        const char* name;
        std::string body;
        int status;
        const char* expect;
    } cases[] = {
        {"signed by a key this kiosk does not trust", stranger, 400, "does not trust"},
        {"signature tampered", flipped_sig, 400, "signature"},
        {"manifest tampered", flipped_manifest, 400, ""},
        {"path traversal (re-signed)",
         editor.resigned(v1, "\"path\":\"media/a.png\"", "\"path\":\"../../etc/x.png\""), 400,
         "'..' in path"},
        {"absolute path (re-signed)",
         editor.resigned(v1, "\"path\":\"media/a.png\"", "\"path\":\"/etc/x.png\""), 400, "absolute path"},
        {"oversized manifest", oversized, 400, "over the 4194304 byte limit"},
        {"not a package", "hello", 400, "header"},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.name));
        auto r = k.call("POST", "/api/v1/content/push", c.body);
        CHECK(r.status == c.status);
        CHECK_MESSAGE(r.error().find(c.expect) != std::string::npos, r.error());
        CHECK_MESSAGE(!r.error().empty(), c.name);
    }
    // A body larger than any package head is refused from its Content-Length, before it is read.
    {
        std::string port = k.url().substr(k.url().rfind(':') + 1);
        std::string answer = raw_request(std::stoi(port),
                                         "POST /api/v1/content/push HTTP/1.1\r\nHost: x\r\n"
                                         "Authorization: Bearer " +
                                             k.token() +
                                             "\r\n"
                                             "Content-Type: application/octet-stream\r\n"
                                             "Content-Length: " +
                                             std::to_string(sc::kMaxManifestBytes + 4096) + "\r\n\r\n");
        CHECK_MESSAGE(answer.rfind("HTTP/1.1 413", 0) == 0, answer);
        CHECK_MESSAGE(answer.find("manifest at most 4 MiB") != std::string::npos, answer);
        std::string other = raw_request(std::stoi(port),
                                        "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\n"
                                        "Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n");
        CHECK_MESSAGE(other.rfind("HTTP/1.1 413", 0) == 0, other);  // 1 MiB elsewhere, as before
    }
    // Without a token, or with no editor role: nothing changes.
    CHECK(k.call("POST", "/api/v1/content/push", v1_head, "application/octet-stream", false).status == 401);
    CHECK(k.active_version() == base);
    CHECK(k.content()["pending"].is_null());

    // A blob whose bytes do not match its hash is refused and discarded.
    auto offer = k.call("POST", "/api/v1/content/push", v1_head);
    REQUIRE(offer.status == 200);
    REQUIRE(offer.body["missing"].size() == 2);
    std::string sha = offer.body["missing"][0]["sha256"];
    std::uint64_t size = offer.body["missing"][0]["size"];
    auto bad = k.call("PUT", "/api/v1/content/blobs/" + sha + "?offset=0", std::string(size, 'x'));
    CHECK(bad.status == 400);
    CHECK_MESSAGE(bad.error().find("SHA-256") != std::string::npos, bad.error());
    auto early = k.call("POST", "/api/v1/content/activate");
    CHECK(early.status == 409);
    CHECK(!early.error().empty());
    CHECK(k.active_version() == base);

    // Push v1 for real, then v2; v1 again is a replay unless it is an explicit rollback.
    fs::path v1_file = dir / "v1.spkg";
    sc::test::write_all(v1_file, v1);
    sc::PushOptions options;
    options.token = k.token();
    auto outcome = sc::push_package(v1_file, k.url(), options);
    REQUIRE_MESSAGE(outcome, outcome.error().message);
    files["b.png"] = sc::test::pattern_bytes(1000, 3);
    fs::path v2_file = dir / "v2.spkg";
    sc::test::write_all(v2_file, editor.package(base + 2, files));
    REQUIRE(sc::push_package(v2_file, k.url(), options));
    CHECK(k.active_version() == base + 2);
    auto replay = k.call("POST", "/api/v1/content/push", v1_head);
    CHECK(replay.status == 409);
    CHECK_MESSAGE(
        replay.error().find("older than the active version " + std::to_string(base + 2)) != std::string::npos,
        replay.error());
    auto explicit_rollback = k.call("POST", "/api/v1/content/push?rollback=1", v1_head);
    CHECK(explicit_rollback.status == 200);
    CHECK(k.call("POST", "/api/v1/content/activate").status == 200);
    CHECK(k.active_version() == base + 1);

    // 9 MB more than the 8 MB quota: refused before a byte is sent.
    files["c.png"] = sc::test::pattern_bytes(9 << 20, 4);
    std::string big = editor.package(base + 3, files);
    auto full = k.call("POST", "/api/v1/content/push", head_of(big));
    CHECK(full.status == 507);
    CHECK_MESSAGE(full.error().find("quota") != std::string::npos, full.error());
    CHECK(k.content()["pending"].is_null());
    CHECK(k.active_version() == base + 1);
}

TEST_CASE("content: packages on a USB stick are listed with version and key and imported by staff") {
    Editor editor;
    TempDir dir;
    fs::create_directories(dir / "media" / "stick" / "station");
    dir.write("station.toml", "[content]\nusb_mounts = [\"" + (dir / "media").string() + "/*/\"]\n");
    DemoKiosk k(dir / "data",
                {"--trust-key", editor.pub.string(), "--config", (dir / "station.toml").string()});
    const std::int64_t base = k.active_version();  // --demo's own content, or 0
    std::map<std::string, std::string> files = {{"a.png", sc::test::pattern_bytes(5000, 1)}};
    fs::path v1 = dir / "media" / "stick" / "district-v1.spkg";
    fs::path v2 = dir / "media" / "stick" / "station" / "district-v2.spkg";
    fs::path foreign = dir / "media" / "stick" / "foreign.spkg";
    sc::test::write_all(v1, editor.package(base + 1, files));
    files["a.png"] = sc::test::pattern_bytes(5000, 2);
    sc::test::write_all(v2, editor.package(base + 2, files));
    auto other = sc::generate_key_pair("stranger");
    sc::test::write_all(foreign, editor.package(base + 3, files, &other.secret));
    sc::test::write_all(dir / "elsewhere.spkg", editor.package(base + 4, files));

    auto listed = k.call("GET", "/api/v1/content/usb");
    REQUIRE(listed.status == 200);
    auto packages = listed.body["packages"];
    REQUIRE(packages.size() == 3);
    std::map<std::string, nlohmann::json> by_name;
    for (const auto& p : packages) by_name[fs::path(p["file"].get<std::string>()).filename()] = p;
    CHECK(by_name["district-v1.spkg"]["version"] == base + 1);
    CHECK(by_name["district-v1.spkg"]["author"]["key_id"] == editor.keys.public_key.id());
    CHECK(by_name["district-v1.spkg"]["trusted"] == true);
    CHECK(by_name["district-v2.spkg"]["version"] == base + 2);
    CHECK(by_name["foreign.spkg"]["trusted"] == false);
    CHECK(by_name["foreign.spkg"]["author"]["key_id"] == other.public_key.id());
    CHECK(by_name["foreign.spkg"]["error"].get<std::string>().find("does not trust") != std::string::npos);

    auto import = [&](const fs::path& file, bool rollback = false) {
        nlohmann::json body = {{"file", file.string()}};
        if (rollback) body["rollback"] = true;
        return k.call("POST", "/api/v1/content/usb/import", body.dump(), "application/json");
    };
    auto r = import(v2);
    REQUIRE_MESSAGE(r.status == 200, r.error());
    CHECK(r.body["active"]["version"] == base + 2);
    CHECK(k.active_version() == base + 2);
    CHECK(k.process().wait_for_stderr("content: version " + std::to_string(base + 2) + " active (usb)", 10s));

    r = import(v1);
    CHECK(r.status == 409);
    CHECK_MESSAGE(
        r.error().find("older than the active version " + std::to_string(base + 2)) != std::string::npos,
        r.error());
    r = import(foreign);
    CHECK(r.status == 400);
    CHECK_MESSAGE(r.error().find("does not trust") != std::string::npos, r.error());
    r = import(dir / "elsewhere.spkg");
    CHECK(r.status == 404);
    CHECK_MESSAGE(r.error().find("not a package on a mounted USB stick") != std::string::npos, r.error());
    r = import(dir / "media" / "stick" / ".." / ".." / "elsewhere.spkg");
    CHECK(r.status == 404);
    r = k.call("POST", "/api/v1/content/usb/import", R"({"file": 7})", "application/json");
    CHECK(r.status == 400);
    CHECK(k.active_version() == base + 2);
    r = import(v1, true);
    CHECK(r.status == 200);
    CHECK(k.active_version() == base + 1);
}

TEST_CASE("content: every activation publishes content.activated with the version") {
    Editor editor;
    TempDir dir;
    station::StationOptions options;
    options.data_dir = dir / "data";
    options.trust_keys = {editor.pub};
    auto opened = station::Station::open(options);
    REQUIRE_MESSAGE(opened, opened.error().message);
    station::Station& station = **opened;
    std::vector<nlohmann::json> events;
    station.events().subscribe([&](const station::Event& e) {
        if (e.type == "content.activated") events.push_back(e.data);
    });
    std::map<std::string, std::string> files = {{"a.png", sc::test::pattern_bytes(3000, 1)}};
    for (std::int64_t version : {1, 2}) {
        files["a.png"] = sc::test::pattern_bytes(3000, unsigned(version));
        std::string package = editor.package(version, files);
        auto offer = station.content_service().offer(head_of(package), false);
        REQUIRE(offer.status == 200);
        auto size = *sc::parse_package_header(package.substr(0, sc::kPackageHeaderBytes));
        std::size_t at = sc::kPackageHeaderBytes + size + 64;
        for (const auto& m : offer.body["missing"]) {
            std::uint64_t n = m["size"];
            std::string bytes = package.substr(at, n);
            at += n;
            auto put = station.content_service().put_blob(
                m["sha256"], 0, [&](const auto& receive) { return receive(bytes.data(), bytes.size()); });
            REQUIRE(put.status == 200);
        }
        REQUIRE(station.content_service().activate().status == 200);
    }
    REQUIRE(station.content_service().rollback().status == 200);
    REQUIRE(events.size() == 3);
    CHECK(events[0]["version"] == 1);
    CHECK(events[0]["previous"].is_null());
    CHECK(events[0]["source"] == "push");
    CHECK(events[1]["version"] == 2);
    CHECK(events[1]["previous"] == 1);
    CHECK(events[2]["version"] == 1);
    CHECK(events[2]["source"] == "rollback");
    auto active = station.content().active();
    REQUIRE(active);
    CHECK(active->info.version == 1);
    CHECK(fs::exists(dir / "data" / "content" / "current"));
}

TEST_CASE("content: [content] config is checked and a bad key stops the kiosk naming the file") {
    TempDir dir;
    auto keys = sc::generate_key_pair("editor");
    REQUIRE(sc::write_key_files(keys, dir.path()));
    dir.write(
        "ok.toml",
        "[content]\ntrusted_keys = [\"editor.pub\"]\nchannel = \"http://cdn.example/c/district-7.json\"\n"
        "poll_interval_s = 60\nquota_mb = 500\nkeep_versions = 4\nusb_mounts = [\"/media/*/\"]\n");
    auto ok = station::load_config(dir / "ok.toml");
    REQUIRE_MESSAGE(ok, ok.error().message);
    CHECK(ok->content.trusted_keys == std::vector<std::string>{(dir / "editor.pub").string()});
    CHECK(ok->content.poll_interval_s == 60);
    CHECK(ok->content.quota_mb == 500);
    CHECK(ok->content.keep_versions == 4);
    CHECK(station::StationConfig().content.usb_mounts.size() == 2);

    struct Case {
        const char* text;
        const char* expect;
    } cases[] = {
        {"[content]\ntrusted_keys = [\"missing.pub\"]\n", "bad.toml:2: key 'content.trusted_keys': "},
        {"[content]\ntrusted_keys = [\"editor.key\"]\n", "secret key"},
        {"[content]\nchannel = \"ftp://x/y\"\n",
         "bad.toml:2: key 'content.channel': expected the channel file's"},
        {"[content]\nkeep_versions = 1\n", "key 'content.keep_versions': must be between 2 and 20"},
        {"[content]\nusb_mounts = [\"media\"]\n",
         "key 'content.usb_mounts': item 1: expected an absolute path"},
        {"[content]\nusb_mounts = \"/media\"\n", "expected an array of strings"},
        {"[content]\nquota = 5\n", "unknown key 'content.quota'"},
    };
    for (const auto& c : cases) {
        dir.write("bad.toml", c.text);
        auto r = station::load_config(dir / "bad.toml");
        REQUIRE(!r);
        CHECK_MESSAGE(r.error().message.find(c.expect) != std::string::npos, r.error().message);
    }

    dir.write("junk.pub", "not a key\n");
    auto run = run_process({station::test::bin_path("station-kiosk"), "--headless", "--data",
                            (dir / "d").string(), "--trust-key", (dir / "junk.pub").string()},
                           {}, 30s);
    CHECK(run.exit_code == 2);
    CHECK(run.err.find("--trust-key " + (dir / "junk.pub").string()) != std::string::npos);
    CHECK(!fs::exists(dir / "d"));
}

TEST_CASE("content: the kiosk follows a pull channel on a static HTTP origin (Range) verified like a push") {
    Editor editor;
    TempDir dir;
    fs::create_directories(dir / "origin" / "channels");
    httplib::Server origin;  // a static origin: files with Range, as nginx or MinIO serve them
    REQUIRE(origin.set_mount_point("/", (dir / "origin").string()));
    int port = origin.bind_to_any_port("127.0.0.1");
    std::thread serving([&] { origin.listen_after_bind(); });
    while (!origin.is_running()) std::this_thread::sleep_for(1ms);
    auto publish = [&](std::int64_t version, const std::string& package) {
        std::string name = "district-v" + std::to_string(version) + ".spkg";
        sc::test::write_all(dir / "origin" / name, package);
        nlohmann::json channel = {{"version", version}, {"package", "/" + name}};
        sc::test::write_all(dir / "origin" / "channels" / "c.tmp", channel.dump());
        fs::rename(dir / "origin" / "channels" / "c.tmp", dir / "origin" / "channels" / "district.json");
    };
    std::map<std::string, std::string> files = {{"a.png", sc::test::pattern_bytes(300000, 1)},
                                                {"b.png", sc::test::pattern_bytes(2000, 2)}};
    // --demo installs its own version 1 first; the channel's versions come after it.
    publish(11, editor.package(11, files));
    dir.write("station.toml", "[content]\nchannel = \"http://127.0.0.1:" + std::to_string(port) +
                                  "/channels/district.json\"\npoll_interval_s = 3600\n");
    {
        DemoKiosk k(dir / "data",
                    {"--trust-key", editor.pub.string(), "--config", (dir / "station.toml").string()});
        CHECK(k.process().wait_for_stderr("content: version 11 active (pull)", 30s));
        CHECK(k.active_version() == 11);
        auto c = k.content();
        CHECK(c["pull"]["channel_version"] == 11);
        CHECK(c["pull"]["error"] == "");

        // A stranger's package on the channel is refused; the kiosk keeps what it has.
        auto other = sc::generate_key_pair("stranger");
        publish(12, editor.package(12, files, &other.secret));
        CHECK(k.call("POST", "/api/v1/content/pull").status == 202);
        bool refused = false;
        for (int i = 0; i < 200 && !refused; ++i) {
            refused =
                k.content()["pull"]["error"].get<std::string>().find("does not trust") != std::string::npos;
            if (!refused) std::this_thread::sleep_for(50ms);
        }
        CHECK(refused);
        CHECK(k.active_version() == 11);

        files["b.png"] = sc::test::pattern_bytes(2000, 3);
        publish(13, editor.package(13, files));
        CHECK(k.call("POST", "/api/v1/content/pull").status == 202);
        CHECK(k.process().wait_for_stderr("content: version 13 active (pull)", 30s));
        CHECK(k.active_version() == 13);
        CHECK(k.content()["previous"]["version"] == 11);
    }
    origin.stop();
    serving.join();
}
