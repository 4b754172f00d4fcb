// TLS on the kiosk API and certificate pinning in stationctl and station-admin. Certificates are
// made at test time with the openssl command (package openssl), which also gives the reference
// fingerprint the tools must agree with.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <mutex>
#include <thread>

#include "admin/client/kiosk_link.h"
#include "admin/client/tls.h"
#include "headless_kiosk.h"
#include "process.h"
#include "relay.h"
#include "temp_dir.h"
#include "tls_support.h"

using namespace std::chrono_literals;
using station::test::bin_path;
using station::test::run_process;
using station::test::Certificate;
using station::test::make_certificate;
using station::test::tls_config;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

station::test::ProcessResult ctl(const std::vector<std::string>& args, const station::test::EnvChanges& env = {}) {
    std::vector<std::string> argv = {bin_path("stationctl")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, env, 30s);
}

}  // namespace

TEST_CASE("stationctl cert fingerprint prints the SHA-256 as openssl x509 -fingerprint -sha256 does") {
    station::test::TempDir dir;
    Certificate c = make_certificate(dir, "a");
    auto printed = ctl({"cert", "fingerprint", c.cert});
    REQUIRE(printed.exit_code == 0);
    CHECK(printed.out == c.sha256 + "\n");

    dir.write("garbage.pem", "not a certificate\n");
    auto garbage = ctl({"cert", "fingerprint", (dir / "garbage.pem").string()});
    CHECK(garbage.exit_code == 1);
    CHECK(contains(garbage.err, "garbage.pem: no PEM certificate"));
    auto missing = ctl({"cert", "fingerprint", (dir / "missing.pem").string()});
    CHECK(missing.exit_code == 1);
    CHECK(contains(missing.err, "missing.pem: cannot read"));
}

TEST_CASE("fingerprints are accepted with or without colons and in either case") {
    std::string canonical =
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
    CHECK(station::admin::normalize_fingerprint(canonical) == canonical);
    CHECK(station::admin::normalize_fingerprint("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789") ==
          canonical);
    CHECK(station::admin::normalize_fingerprint("sha256 Fingerprint=" + canonical) == canonical);
    CHECK_FALSE(station::admin::normalize_fingerprint("AB:CD").has_value());
    CHECK_FALSE(station::admin::normalize_fingerprint(canonical.substr(0, 94) + "G").has_value());
}

TEST_CASE("an HTTPS kiosk: the right pin works, a wrong pin or none is refused, plain http fails clearly") {
    station::test::TempDir dir;
    Certificate c = make_certificate(dir, "kiosk");
    Certificate other = make_certificate(dir, "other");
    station::test::HeadlessKiosk kiosk((dir / "d").string(), true, 0, tls_config(dir, c));
    kiosk.pinned_certificate = c.sha256;
    REQUIRE(kiosk.url.rfind("https://", 0) == 0);
    CHECK(kiosk.process->wait_for_stderr(c.sha256, 10s));  // logged at start, for the operator
    int64_t id = kiosk.call("medical");
    auto user = std::vector<std::string>{"--server", kiosk.url, "--user", "demo", "--pin", "2468"};
    auto with = [&](std::vector<std::string> args, const std::vector<std::string>& more) {
        args.insert(args.end(), more.begin(), more.end());
        return args;
    };

    auto pinned = ctl(with({"requests", "list", "--json", "--pin-cert", c.sha256}, user));
    INFO(pinned.err);
    REQUIRE(pinned.exit_code == 0);
    auto body = nlohmann::json::parse(pinned.out);
    REQUIRE(body["requests"].size() == 1);
    CHECK(body["requests"][0]["id"] == id);
    // The same pin written without colons, in lower case.
    std::string bare;
    for (char ch : c.sha256)
        if (ch != ':') bare += char(std::tolower(static_cast<unsigned char>(ch)));
    CHECK(ctl(with({"requests", "list", "--pin-cert", bare}, user)).exit_code == 0);

    // A wrong pin: refused before anything is sent, with both fingerprints; the call stays as it was.
    auto wrong = ctl(with({"requests", "ack", std::to_string(id), "--pin-cert", other.sha256}, user));
    CHECK(wrong.exit_code == 1);
    CHECK(contains(wrong.err, "certificate mismatch"));
    CHECK(contains(wrong.err, c.sha256));
    CHECK(contains(wrong.err, other.sha256));
    auto after = kiosk.client().get("/api/v1/requests/" + std::to_string(id));
    REQUIRE(after.ok());
    CHECK(after.body["state"] == "called");

    // No pin: normal verification, which a self-signed certificate fails; the message says what to do.
    auto unpinned = ctl(with({"requests", "list"}, user));
    CHECK(unpinned.exit_code == 1);
    CHECK(contains(unpinned.err, "not trusted"));
    CHECK(contains(unpinned.err, "--pin-cert"));
    CHECK(contains(unpinned.err, c.sha256));
    auto status = ctl({"--server", kiosk.url, "status"});
    CHECK(status.exit_code == 1);
    CHECK(contains(status.err, "not trusted"));

    // Plain http to the TLS port.
    std::string http_url = "http://127.0.0.1:" + std::to_string(kiosk.port());
    auto plain = ctl({"requests", "list", "--server", http_url, "--user", "demo", "--pin", "2468"});
    CHECK(plain.exit_code == 1);
    CHECK(contains(plain.err, "cannot reach " + http_url));
    CHECK(contains(plain.err, "https://"));

    auto malformed = ctl(with({"requests", "list", "--pin-cert", "12:34"}, user));
    CHECK(malformed.exit_code == 2);
    CHECK(contains(malformed.err, "--pin-cert"));
}

TEST_CASE("stationctl login over https saves the certificate it saw, and a changed one is refused") {
    station::test::TempDir dir;
    Certificate first = make_certificate(dir, "first");
    Certificate second = make_certificate(dir, "second");
    station::test::EnvChanges env = {{"XDG_CONFIG_HOME", (dir / "config").string()}};
    auto kiosk = std::make_unique<station::test::HeadlessKiosk>((dir / "d").string(), true, 0,
                                                                tls_config(dir, first, "first.toml"));
    std::string url = kiosk->url;
    int port = kiosk->port();

    auto login = ctl({"login", "--server", url, "--user", "demo", "--pin", "2468", "--pin-cert", first.sha256}, env);
    INFO(login.err);
    REQUIRE(login.exit_code == 0);
    auto saved = nlohmann::json::parse(station::test::read_file(dir / "config" / "station" / "stationctl-tokens.json"));
    CHECK(saved[url]["pin_cert"] == first.sha256);
    CHECK(ctl({"requests", "list", "--server", url}, env).exit_code == 0);  // the saved pin, no flag

    // The kiosk comes back on the same address with another certificate.
    kiosk.reset();
    kiosk = std::make_unique<station::test::HeadlessKiosk>((dir / "d").string(), true, port,
                                                           tls_config(dir, second, "second.toml"));
    auto refused = ctl({"requests", "list", "--server", url}, env);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, first.sha256));
    CHECK(contains(refused.err, second.sha256));
    auto overridden = ctl({"requests", "list", "--server", url, "--pin-cert", second.sha256}, env);
    CHECK(overridden.exit_code == 1);  // a new pin needs a new login
    CHECK(contains(overridden.err, "stationctl login"));
    auto relogin = ctl({"login", "--server", url, "--user", "demo", "--pin", "2468"}, env);
    CHECK(relogin.exit_code == 1);  // without --pin-cert the saved pin still applies

    REQUIRE(ctl({"login", "--server", url, "--user", "demo", "--pin", "2468", "--pin-cert", second.sha256}, env)
                .exit_code == 0);
    CHECK(ctl({"requests", "list", "--server", url}, env).exit_code == 0);
}

TEST_CASE("a bad TLS config stops station-kiosk with exit 2 naming the key and the file") {
    station::test::TempDir dir;
    Certificate c = make_certificate(dir, "kiosk");
    Certificate other = make_certificate(dir, "other");
    auto start = [&](const std::string& toml) {
        dir.write("bad.toml", toml);
        return run_process({bin_path("station-kiosk"), "--headless", "--data", (dir / "d").string(), "--api",
                            "127.0.0.1:0", "--config", (dir / "bad.toml").string()},
                           {}, 30s);
    };
    auto no_key = start("[api]\ntls_cert = \"" + c.cert + "\"\n");
    CHECK(no_key.exit_code == 2);
    CHECK(contains(no_key.err, "key 'api.tls_key': missing"));
    CHECK(contains(no_key.err, c.cert));

    dir.write("garbage.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    auto garbage = start("[api]\ntls_cert = \"garbage.pem\"\ntls_key = \"" + c.key + "\"\n");  // relative
    CHECK(garbage.exit_code == 2);
    CHECK(contains(garbage.err, "key 'api.tls_cert'"));
    CHECK(contains(garbage.err, (dir / "garbage.pem").string()));

    auto mismatched = start("[api]\ntls_cert = \"" + c.cert + "\"\ntls_key = \"" + other.key + "\"\n");
    CHECK(mismatched.exit_code == 2);
    CHECK(contains(mismatched.err, "key 'api.tls_key'"));
    CHECK(contains(mismatched.err, "not the private key"));

    auto missing = start("[api]\ntls_cert = \"" + c.cert + "\"\ntls_key = \"" + (dir / "nope.key").string() + "\"\n");
    CHECK(missing.exit_code == 2);
    CHECK(contains(missing.err, "key 'api.tls_key': cannot read " + (dir / "nope.key").string()));
    CHECK_FALSE(std::filesystem::exists(dir / "d" / "station.db"));  // nothing was created
}

TEST_CASE("the console over https: pinned it shows a call, resumes its stream, and refuses a wrong pin") {
    station::test::TempDir dir;
    Certificate c = make_certificate(dir, "kiosk");
    Certificate other = make_certificate(dir, "other");
    station::test::HeadlessKiosk kiosk((dir / "d").string(), true, 0, tls_config(dir, c));
    kiosk.pinned_certificate = c.sha256;
    int64_t first = kiosk.call("medical");

    auto png = (dir / "calls.png").string();
    auto shown = run_process({bin_path("station-admin"), "--connect", kiosk.url, "--pin-cert", c.sha256, "--user",
                              "demo", "--pin", "2468", "--screenshot", png, "--size", "800x600"},
                             {}, 60s);
    INFO(shown.err);
    CHECK(shown.exit_code == 0);
    CHECK(std::filesystem::exists(png));
    auto refused = run_process({bin_path("station-admin"), "--connect", kiosk.url, "--pin-cert", other.sha256,
                                "--user", "demo", "--pin", "2468", "--screenshot", png, "--size", "800x600"},
                               {}, 60s);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, c.sha256));
    CHECK(contains(refused.err, other.sha256));

    // The event stream over TLS, through a relay the test cuts: Last-Event-ID brings the missed call.
    station::test::Relay relay(kiosk.port(), "https");
    station::admin::KioskLinkOptions options;
    options.url = relay.url();
    options.user = "demo";
    options.pin = "2468";
    options.pinned_certificate = c.sha256;
    options.thumbnails = false;
    options.reconnect_delay = 100ms;
    std::mutex mutex;
    int calls_seen = 0;  // help.called events from the stream, replays included
    options.on_event = [&](const std::string& type, const nlohmann::json&) {
        std::lock_guard<std::mutex> guard(mutex);
        if (type == "help.called") ++calls_seen;
    };
    station::admin::KioskLink link(options);
    auto wait = [&](const char* what, const std::function<bool(const station::admin::KioskSnapshot&)>& ready) {
        for (int i = 0; i < 400; ++i) {
            if (ready(link.snapshot())) return;
            std::this_thread::sleep_for(25ms);
        }
        FAIL("timed out waiting for " << what);
    };
    wait("the stream", [&](const auto& s) { return s.stream_open && s.loaded && s.open_requests.count(first); });
    int64_t second = kiosk.call("meal");
    wait("the second call", [&](const auto& s) { return s.open_requests.count(second) == 1; });
    relay.cut();
    wait("the stream to drop", [](const auto& s) { return !s.stream_open; });
    int64_t third = kiosk.call("repair");
    relay.restore();
    wait("the missed call", [&](const auto& s) { return s.open_requests.count(third) == 1; });
    wait("the missed event", [&](const auto&) {
        std::lock_guard<std::mutex> guard(mutex);
        return calls_seen >= 2;
    });
    CHECK(link.snapshot().stream_connects >= 2);
    std::lock_guard<std::mutex> guard(mutex);
    CHECK(calls_seen == 2);  // the second live, the third replayed after Last-Event-ID
}
