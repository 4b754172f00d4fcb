// Push end to end over HTTP: PushReceiver wired to cpp-httplib routes the way kiosk/api should
// (see content/push.h), push_package() as stationctl uses it.
#include <doctest/doctest.h>

#include <httplib.h>

#include <thread>

#include "content/push.h"
#include "content_fixture.h"
#include "process.h"
#include "temp_dir.h"

using namespace station::content;
using namespace station::content::test;
using station::test::TempDir;

namespace {

void reply(httplib::Response& res, const PushReply& r) {
    res.status = r.status;
    res.set_content(r.body.dump(), "application/json");
}

// A stand-in kiosk: a store, a receiver and the protocol's routes on 127.0.0.1.
class Kiosk {
public:
    Kiosk(const std::filesystem::path& root, const TrustedKeys& trusted)
        : store_(open_store(root)), receiver_(store_, trusted) {
        auto authorized = [](const httplib::Request& req, httplib::Response& res) {
            if (req.get_header_value("Authorization") == "Bearer editor-token") return true;
            res.status = 401;
            res.set_content(R"({"error":"log in first"})", "application/json");
            return false;
        };
        server_.Post("/api/v1/login", [](const httplib::Request& req, httplib::Response& res) {
            auto body = nlohmann::json::parse(req.body, nullptr, false);
            bool ok =
                body.is_object() && body.value("user", "") == "editor" && body.value("pin", "") == "2468";
            res.status = ok ? 200 : 401;
            res.set_content(ok ? R"({"token":"editor-token","role":"editor"})" : R"({"error":"wrong PIN"})",
                            "application/json");
        });
        server_.Post("/api/v1/content/push",
                     [this, authorized](const httplib::Request& req, httplib::Response& res) {
                         if (authorized(req, res))
                             reply(res, receiver_.offer(req.body, req.get_param_value("rollback") == "1"));
                     });
        server_.Get("/api/v1/content/blobs/([0-9a-f]{64})",
                    [this, authorized](const httplib::Request& req, httplib::Response& res) {
                        if (authorized(req, res)) reply(res, receiver_.blob_status(req.matches[1]));
                    });
        server_.Put("/api/v1/content/blobs/([0-9a-f]{64})",
                    [this, authorized](const httplib::Request& req, httplib::Response& res,
                                       const httplib::ContentReader& reader) {
                        if (!authorized(req, res)) return;
                        std::uint64_t offset = std::stoull(
                            req.get_param_value("offset").empty() ? "0" : req.get_param_value("offset"));
                        reply(res, receiver_.put_blob(req.matches[1], offset,
                                                      [&](const auto& receive) { return reader(receive); }));
                    });
        server_.Post("/api/v1/content/activate",
                     [this, authorized](const httplib::Request& req, httplib::Response& res) {
                         if (authorized(req, res)) reply(res, receiver_.activate());
                     });
        server_.Post("/api/v1/content/rollback",
                     [this, authorized](const httplib::Request& req, httplib::Response& res) {
                         if (authorized(req, res)) reply(res, receiver_.rollback());
                     });
        server_.Get("/api/v1/content",
                    [this, authorized](const httplib::Request& req, httplib::Response& res) {
                        if (authorized(req, res)) reply(res, receiver_.status());
                    });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~Kiosk() {
        server_.stop();
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    ContentStore& store() { return store_; }
    PushReceiver& receiver() { return receiver_; }

private:
    static ContentStore open_store(const std::filesystem::path& root) {
        auto store = ContentStore::open(root);
        if (!store) throw std::runtime_error(store.error().message);
        return std::move(*store);
    }
    ContentStore store_;
    PushReceiver receiver_;
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
};

PushOptions editor_options() {
    PushOptions options;
    options.token = "editor-token";
    options.chunk_bytes = 64 * 1024;
    return options;
}

}  // namespace

TEST_CASE("push: a full push then a delta where only the changed blob travels then resume") {
    TempDir dir;
    auto keys = generate_key_pair("editor");
    TrustedKeys trusted{{keys.public_key}};
    Kiosk kiosk(dir / "kiosk", trusted);
    std::map<std::string, std::string> files = {{"a.png", pattern_bytes(300000, 1)},
                                                {"b.png", pattern_bytes(100000, 2)}};
    write_folder(dir / "c1", 1, files);
    pack_unprobed(dir / "c1", keys.secret, dir / "v1.spkg");

    auto first = push_package(dir / "v1.spkg", kiosk.url(), editor_options());
    REQUIRE_MESSAGE(first, (first ? "" : first.error().message));
    CHECK(first->version == 1);
    CHECK(first->blobs_sent == 2);
    CHECK(first->bytes_sent == 400000);
    CHECK(first->to_json() == nlohmann::json{{"version", 1}, {"blobs_sent", 2}, {"bytes_sent", 400000}});

    files["b.png"] = pattern_bytes(100000, 3);
    write_folder(dir / "c2", 2, files);
    pack_unprobed(dir / "c2", keys.secret, dir / "v2.spkg");
    auto delta = push_package(dir / "v2.spkg", kiosk.url(), editor_options());
    REQUIRE_MESSAGE(delta, (delta ? "" : delta.error().message));
    CHECK(delta->version == 2);
    CHECK(delta->blobs_sent == 1);
    CHECK(delta->bytes_sent == 100000);
    CHECK(read_all(kiosk.store().active()->media_path("media/b.png")) == files["b.png"]);

    // An interrupted push: the kiosk already holds 30000 bytes of the new blob.
    files["a.png"] = pattern_bytes(300000, 4);
    write_folder(dir / "c3", 3, files);
    auto v3 = pack_unprobed(dir / "c3", keys.secret, dir / "v3.spkg");
    REQUIRE(kiosk.receiver().offer(v3.head(), false).status == 200);
    const std::string& changed = files["a.png"];
    auto partial = kiosk.receiver().put_blob(
        sha256_hex(changed), 0, [&](const auto& receive) { return receive(changed.data(), 30000); });
    REQUIRE(partial.status == 200);
    CHECK(partial.body["offset"] == 30000);
    auto resumed = push_package(dir / "v3.spkg", kiosk.url(), editor_options());
    REQUIRE_MESSAGE(resumed, (resumed ? "" : resumed.error().message));
    CHECK(resumed->bytes_sent == 270000);
    CHECK(kiosk.store().active_version() == 3);
    CHECK(kiosk.store().check_integrity());

    CHECK(kiosk.receiver().rollback().body["active"]["version"] == 2);
}

TEST_CASE("push: replays and strangers and wrong offsets and missing tokens are refused with reasons") {
    TempDir dir;
    auto keys = generate_key_pair("editor");
    TrustedKeys trusted{{keys.public_key}};
    Kiosk kiosk(dir / "kiosk", trusted);
    for (int v : {1, 2}) {
        write_folder(dir / ("c" + std::to_string(v)), v, {{"a.png", pattern_bytes(1000, v)}});
        pack_unprobed(dir / ("c" + std::to_string(v)), keys.secret,
                      dir / ("v" + std::to_string(v) + ".spkg"));
    }
    REQUIRE(push_package(dir / "v2.spkg", kiosk.url(), editor_options()));
    auto replay = push_package(dir / "v1.spkg", kiosk.url(), editor_options());
    REQUIRE(!replay);
    CHECK_MESSAGE(replay.error().message.find(
                      "offer: HTTP 409: version 1 is older than the active version 2") != std::string::npos,
                  replay.error().message);
    PushOptions rollback = editor_options();
    rollback.allow_rollback = true;
    auto explicit_rollback = push_package(dir / "v1.spkg", kiosk.url(), rollback);
    REQUIRE_MESSAGE(explicit_rollback, (explicit_rollback ? "" : explicit_rollback.error().message));
    CHECK(explicit_rollback->version == 1);

    auto stranger = generate_key_pair("stranger");
    write_folder(dir / "c9", 9, {{"a.png", "x"}});
    pack_unprobed(dir / "c9", stranger.secret, dir / "v9.spkg");
    auto untrusted = push_package(dir / "v9.spkg", kiosk.url(), editor_options());
    REQUIRE(!untrusted);
    CHECK(untrusted.error().message.find("HTTP 400") != std::string::npos);
    CHECK(untrusted.error().message.find("does not trust") != std::string::npos);

    auto anonymous = push_package(dir / "v2.spkg", kiosk.url(), PushOptions{});
    REQUIRE(!anonymous);
    CHECK(anonymous.error().message.find("HTTP 401") != std::string::npos);

    write_folder(dir / "c3", 3, {{"a.png", pattern_bytes(1000, 3)}});
    auto v3 = pack_unprobed(dir / "c3", keys.secret, dir / "v3.spkg");
    REQUIRE(kiosk.receiver().offer(v3.head(), false).status == 200);
    auto wrong =
        kiosk.receiver().put_blob(v3.manifest.blobs[0].sha256, 500, [](const auto&) { return true; });
    CHECK(wrong.status == 409);
    CHECK(wrong.body["offset"] == 0);
    auto unknown = kiosk.receiver().put_blob(std::string(64, 'a'), 0, [](const auto&) { return true; });
    CHECK(unknown.status == 404);
    CHECK(kiosk.receiver().activate().status == 409);  // its blob has not arrived
    CHECK(kiosk.store().active_version() == 1);
}

TEST_CASE("push: two kiosks in parallel both switch") {
    TempDir dir;
    auto keys = generate_key_pair("editor");
    TrustedKeys trusted{{keys.public_key}};
    Kiosk one(dir / "k1", trusted), two(dir / "k2", trusted);
    write_folder(dir / "c", 4, {{"a.png", pattern_bytes(500000, 1)}, {"b.png", pattern_bytes(500000, 2)}});
    pack_unprobed(dir / "c", keys.secret, dir / "v4.spkg");
    Result<PushOutcome> a = Error{}, b = Error{};
    std::thread t1([&] { a = push_package(dir / "v4.spkg", one.url(), editor_options()); });
    std::thread t2([&] { b = push_package(dir / "v4.spkg", two.url(), editor_options()); });
    t1.join();
    t2.join();
    REQUIRE(a);
    REQUIRE(b);
    CHECK(one.store().active_version() == 4);
    CHECK(two.store().active_version() == 4);
}

TEST_CASE("stationctl content push to two kiosks then a delta and status and rollback over the API") {
    using station::test::bin_path;
    using station::test::run_process;
    TempDir dir;
    auto keys = generate_key_pair("editor");
    TrustedKeys trusted{{keys.public_key}};
    Kiosk one(dir / "k1", trusted), two(dir / "k2", trusted);
    std::map<std::string, std::string> files = {{"a.png", pattern_bytes(200000, 1)},
                                                {"b.png", pattern_bytes(50000, 2)}};
    write_folder(dir / "c1", 1, files);
    pack_unprobed(dir / "c1", keys.secret, dir / "v1.spkg");
    files["b.png"] = pattern_bytes(50000, 3);
    write_folder(dir / "c2", 2, files);
    pack_unprobed(dir / "c2", keys.secret, dir / "v2.spkg");
    const std::string both = one.url() + "," + two.url();
    auto ctl = [&](std::vector<std::string> args) {
        args.insert(args.begin(), bin_path("stationctl"));
        return run_process(args);
    };

    auto first = ctl({"content", "push", (dir / "v1.spkg").string(), "--to", both, "--user", "editor",
                      "--pin", "2468", "--json"});
    REQUIRE_MESSAGE(first.exit_code == 0, first.err);
    auto list = nlohmann::json::parse(first.out);
    REQUIRE(list.size() == 2);
    CHECK(list[0]["bytes_sent"] == 250000);
    CHECK(list[1]["version"] == 1);

    auto delta = ctl({"content", "push", (dir / "v2.spkg").string(), "--to", one.url(), "--user", "editor",
                      "--pin", "2468", "--json"});
    REQUIRE_MESSAGE(delta.exit_code == 0, delta.err);
    CHECK(nlohmann::json::parse(delta.out) ==
          nlohmann::json{{"version", 2}, {"blobs_sent", 1}, {"bytes_sent", 50000}});

    auto status =
        ctl({"content", "status", "--to", one.url(), "--user", "editor", "--pin", "2468", "--json"});
    REQUIRE_MESSAGE(status.exit_code == 0, status.err);
    CHECK(nlohmann::json::parse(status.out)["previous"]["version"] == 1);
    auto back = ctl({"content", "rollback", "--to", one.url(), "--user", "editor", "--pin", "2468"});
    CHECK_MESSAGE(back.exit_code == 0, back.err);
    CHECK(back.out.find("version 1") != std::string::npos);
    CHECK(one.store().active_version() == 1);

    auto wrong_pin = ctl(
        {"content", "push", (dir / "v2.spkg").string(), "--to", both, "--user", "editor", "--pin", "0000"});
    CHECK(wrong_pin.exit_code == 1);
    CHECK(wrong_pin.err.find("login") != std::string::npos);
    CHECK(ctl({"content", "push", (dir / "v2.spkg").string(), "--to", "kiosk-7", "--user", "u", "--pin", "p"})
              .exit_code == 2);
}

TEST_CASE(
    "push: a blob whose bytes all arrived but whose commit did not (a crash) is committed on the next "
    "offer") {
    TempDir dir;
    auto keys = generate_key_pair("editor");
    TrustedKeys trusted{{keys.public_key}};
    auto store = ContentStore::open(dir / "kiosk");
    REQUIRE(store);
    PushReceiver receiver(*store, trusted);
    write_folder(dir / "c1", 1, {{"a.png", pattern_bytes(5000, 1)}, {"b.png", pattern_bytes(3000, 2)}});
    auto manifest = pack_unprobed(dir / "c1", keys.secret, dir / "v1.spkg");
    std::string package = read_all(dir / "v1.spkg");
    REQUIRE(receiver.offer(manifest.head(), false).status == 200);
    {  // every byte of blob 0 written, then the kiosk died before commit()
        auto upload = store->begin_upload(manifest.manifest.blobs[0]);
        REQUIRE(upload);
        REQUIRE(upload->append(
            0, std::string_view(package).substr(manifest.blob_offset(0), manifest.manifest.blobs[0].size)));
    }
    auto again = receiver.offer(manifest.head(), false);
    REQUIRE(again.status == 200);
    REQUIRE(again.body["missing"].size() == 1);  // only blob 1: blob 0 was committed by the offer
    CHECK(again.body["missing"][0]["sha256"] == manifest.manifest.blobs[1].sha256);
    CHECK(store->has_blob(manifest.manifest.blobs[0]));
}
