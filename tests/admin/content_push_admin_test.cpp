// A content push seen from the admin side: the kiosk reports an arriving push in GET
// /api/v1/content as "push" (bytes received of the total), the console's 内容 tab draws it (golden),
// and `stationctl content push` pins an https:// kiosk's certificate as every other command does
// (--pin-cert, or the pin saved by `stationctl login`), the blob transfer included.
#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <stb_image.h>

#include <cstdlib>
#include <filesystem>

#include "../content/content_fixture.h"
#include "admin/client/tls.h"
#include "content/crypto.h"
#include "content/push.h"
#include "headless_kiosk.h"
#include "process.h"
#include "temp_dir.h"
#include "tls_support.h"

using namespace std::chrono_literals;
using station::test::bin_path;
using station::test::run_process;
namespace sc = station::content;
namespace fs = std::filesystem;

namespace {

// 2030-05-30 09:30 in Shanghai, for the console's header in the golden.
constexpr int64_t kConsoleClock = 1906507800000 - 2 * 86'400'000;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// An editor's key (its public half trusted by the kiosks below) and packages of pattern bytes.
struct Editor {
    station::test::TempDir& dir;
    sc::KeyPair keys = sc::generate_key_pair("editor");
    fs::path pub;
    explicit Editor(station::test::TempDir& d) : dir(d) {
        auto written = sc::write_key_files(keys, dir.path());
        REQUIRE(written);
        pub = (*written)[1];
    }
    // A package at `version` with one blob per size; its path.
    std::string package(std::int64_t version, const std::vector<std::size_t>& sizes) {
        std::map<std::string, std::string> files;
        for (std::size_t i = 0; i < sizes.size(); ++i)
            files["p" + std::to_string(version) + "-" + std::to_string(i) + ".png"] =
                sc::test::pattern_bytes(sizes[i], unsigned(version * 10 + i));
        fs::path folder = dir / ("c" + std::to_string(version));
        fs::path out = dir / ("v" + std::to_string(version) + ".spkg");
        sc::test::write_folder(folder, version, files);
        sc::test::pack_unprobed(folder, keys.secret, out);
        return out.string();
    }
};

void shanghai_time() {
    setenv("TZ", "CST-8", 1);
    tzset();
}

double mean_difference(const std::string& a, const std::string& b) {
    int w1, h1, w2, h2, c;
    unsigned char* x = stbi_load(a.c_str(), &w1, &h1, &c, 4);
    unsigned char* y = stbi_load(b.c_str(), &w2, &h2, &c, 4);
    double total = 255;
    if (x && y && w1 == w2 && h1 == h2) {
        total = 0;
        for (size_t i = 0; i < size_t(w1) * size_t(h1) * 4; ++i) total += std::abs(int(x[i]) - int(y[i]));
        total /= double(w1) * double(h1) * 4;
    }
    stbi_image_free(x);
    stbi_image_free(y);
    return total;
}

void check_golden(const std::string& actual, const std::string& name) {
    std::string golden = std::string(STATION_SOURCE_DIR) + "/tests/golden/" + name + ".png";
    if (std::getenv("STATION_UPDATE_GOLDEN")) {
        fs::copy_file(actual, golden, fs::copy_options::overwrite_existing);
        MESSAGE("updated " << golden);
        return;
    }
    REQUIRE_MESSAGE(fs::exists(golden), golden << " is missing; create it with STATION_UPDATE_GOLDEN=1");
    double difference = mean_difference(actual, golden);
    CHECK_MESSAGE(difference <= 0.5, name << " differs from its golden image by " << difference << " per channel");
}

station::test::ProcessResult ctl(const std::vector<std::string>& args, const station::test::EnvChanges& env = {}) {
    std::vector<std::string> argv = {bin_path("stationctl")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, env, 60s);
}

std::string token_for(const station::test::HeadlessKiosk& kiosk) {
    station::admin::ApiClient c(kiosk.url);
    c.set_pinned_certificate(kiosk.pinned_certificate);
    auto login = c.post("/api/v1/login", {{"user", "demo"}, {"pin", "2468"}});
    REQUIRE(login.ok());
    return login.body["token"].get<std::string>();
}

}  // namespace

TEST_CASE("an arriving push shows in GET content as push with the bytes received so far and goes after activation") {
    shanghai_time();
    station::test::TempDir dir;
    Editor editor(dir);
    station::test::HeadlessKiosk kiosk((dir / "d").string(), true, 0, "", {"--trust-key", editor.pub.string()});
    auto staff = kiosk.client();
    auto before = staff.get("/api/v1/content");
    REQUIRE(before.ok());
    CHECK_FALSE(before.body.contains("push"));
    std::int64_t version = before.body["active"].is_object() ? before.body["active"]["version"].get<std::int64_t>() + 1 : 1;
    // Two blobs, 3 MB and 1 MB, sent 1 MB at a time: the kiosk is asked between every PUT.
    std::string package = editor.package(version, {3'000'000, 1'000'000});

    sc::PushOptions options;
    options.token = token_for(kiosk);
    options.chunk_bytes = 1'000'000;
    struct Seen {
        std::uint64_t sent, total;
        nlohmann::json push;
    };
    std::vector<Seen> seen;
    bool screenshot_taken = false;
    std::string png = (dir / "content.png").string();
    station::test::ProcessResult console;
    options.progress = [&](std::uint64_t sent, std::uint64_t total) {
        auto now = staff.get("/api/v1/content");
        REQUIRE(now.ok());
        seen.push_back({sent, total, now.body.value("push", nlohmann::json())});
        // Halfway: the console's 内容 tab draws the push in progress.
        if (!screenshot_taken && sent * 2 >= total) {
            screenshot_taken = true;
            console = run_process({bin_path("station-admin"), "--connect", kiosk.url, "--user", "demo", "--pin", "2468",
                                   "--screenshot", png, "--size", "1280x800", "--tab", "content", "--clock",
                                   std::to_string(kConsoleClock)},
                                  {}, 60s);
        }
    };
    auto pushed = sc::push_package(package, kiosk.url, options);
    REQUIRE_MESSAGE(pushed, pushed.error().message);
    CHECK(pushed->version == version);
    CHECK(pushed->bytes_sent == 4'000'000);

    REQUIRE(seen.size() == 4);
    for (const auto& s : seen) {
        INFO("after " << s.sent << " of " << s.total << " bytes: " << s.push.dump());
        CHECK(s.total == 4'000'000);
        REQUIRE(s.push.is_object());
        CHECK(s.push["version"] == version);
        CHECK(s.push["bytes_total"] == s.total);
        // The kiosk counted each PUT's bytes before answering it.
        CHECK(s.push["bytes_received"] == s.sent);
        CHECK(s.push["started_at"].get<int64_t>() <= s.push["updated_at"].get<int64_t>());
    }
    CHECK(seen.front().push["bytes_received"] == 1'000'000);  // mid-transfer, not only at the end
    auto after = staff.get("/api/v1/content");
    REQUIRE(after.ok());
    CHECK_FALSE(after.body.contains("push"));
    CHECK(after.body["active"]["version"] == version);

    INFO(console.err);
    REQUIRE(screenshot_taken);
    REQUIRE(console.exit_code == 0);
    check_golden(png, "admin_content_push_1280x800");
}

TEST_CASE("stationctl content push to an https kiosk honours --pin-cert and the pin saved by login") {
    station::test::TempDir dir;
    Editor editor(dir);
    auto c = station::test::make_certificate(dir, "kiosk");
    auto other = station::test::make_certificate(dir, "other");
    station::test::HeadlessKiosk kiosk((dir / "d").string(), true, 0, station::test::tls_config(dir, c),
                                       {"--trust-key", editor.pub.string()});
    kiosk.pinned_certificate = c.sha256;
    REQUIRE(kiosk.url.rfind("https://", 0) == 0);
    auto staff = kiosk.client();
    auto active = [&] {
        auto now = staff.get("/api/v1/content");
        REQUIRE(now.ok());
        return now.body["active"].is_object() ? now.body["active"]["version"].get<std::int64_t>() : std::int64_t(0);
    };
    const std::int64_t base = active();
    station::test::EnvChanges env = {{"XDG_CONFIG_HOME", (dir / "config").string()}, {"STATION_PIN", std::nullopt}};
    std::vector<std::string> user = {"--user", "demo", "--pin", "2468"};
    auto push = [&](std::int64_t version, std::vector<std::string> more) {
        std::vector<std::string> args = {"content", "push", editor.package(version, {200'000}), "--to", kiosk.url,
                                         "--json"};
        args.insert(args.end(), more.begin(), more.end());
        return ctl(args, env);
    };

    // The right pin: login and blob transfer both reach the kiosk (the transfer used to verify
    // against the system's CAs, which a station's self-signed certificate fails).
    std::vector<std::string> pinned = user;
    pinned.insert(pinned.end(), {"--pin-cert", c.sha256});
    auto first = push(base + 1, pinned);
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    auto body = nlohmann::json::parse(first.out);
    CHECK(body["version"] == base + 1);
    CHECK(body["blobs_sent"] == 1);
    CHECK(active() == base + 1);

    // A wrong pin: refused before anything is sent, both fingerprints named; nothing changes.
    std::vector<std::string> wrong = user;
    wrong.insert(wrong.end(), {"--pin-cert", other.sha256});
    auto refused = push(base + 2, wrong);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, "certificate mismatch"));
    CHECK(contains(refused.err, c.sha256));
    CHECK(contains(refused.err, other.sha256));
    CHECK(active() == base + 1);

    // No pin and no saved login: normal verification fails, and says to use --pin-cert.
    auto unpinned = push(base + 2, user);
    CHECK(unpinned.exit_code == 1);
    CHECK(contains(unpinned.err, "not trusted"));
    CHECK(active() == base + 1);

    // `stationctl login --pin-cert` saves token and pin: a push without --user uses both.
    auto login = ctl({"login", "--server", kiosk.url, "--user", "demo", "--pin", "2468", "--pin-cert", c.sha256}, env);
    INFO(login.err);
    REQUIRE(login.exit_code == 0);
    auto saved = push(base + 2, {});
    INFO(saved.err);
    REQUIRE(saved.exit_code == 0);
    CHECK(nlohmann::json::parse(saved.out)["version"] == base + 2);
    CHECK(active() == base + 2);
    // A --pin-cert that contradicts the saved login's pin is refused until a new login.
    auto contradicted = push(base + 3, {"--pin-cert", other.sha256});
    CHECK(contradicted.exit_code == 1);
    CHECK(contains(contradicted.err, "is pinned to " + c.sha256));
    CHECK(active() == base + 2);
    // No --user and no saved login for that address: a usage error naming what is missing.
    auto nobody = ctl({"content", "push", editor.package(base + 3, {1000}), "--to", "https://127.0.0.1:1", "--json"}, env);
    CHECK(nobody.exit_code == 2);
    CHECK(contains(nobody.err, "--user: required"));
}

TEST_CASE("push_package with a wrong pin stops at the offer: the kiosk sees no push") {
    station::test::TempDir dir;
    Editor editor(dir);
    auto c = station::test::make_certificate(dir, "kiosk");
    auto other = station::test::make_certificate(dir, "other");
    station::test::HeadlessKiosk kiosk((dir / "d").string(), true, 0, station::test::tls_config(dir, c),
                                       {"--trust-key", editor.pub.string()});
    kiosk.pinned_certificate = c.sha256;
    std::string package = editor.package(50, {100'000});
    auto push_with = [&](const std::string& pin) {
        station::admin::TlsCheck check{pin, ""};
        sc::PushOptions options;
        options.token = token_for(kiosk);
        options.prepare_client = [&check](httplib::Client& client) { station::admin::apply_tls_check(client, check); };
        options.transport_error = [&](httplib::Error error) {
            return station::admin::transport_error_words(kiosk.url, error, check);
        };
        return sc::push_package(package, kiosk.url, options);
    };
    auto refused = push_with(other.sha256);
    REQUIRE_FALSE(refused);
    CHECK(contains(refused.error().message, "offer"));
    CHECK(contains(refused.error().message, "certificate mismatch"));
    auto content = kiosk.client().get("/api/v1/content");
    REQUIRE(content.ok());
    CHECK_FALSE(content.body.contains("push"));
    CHECK(content.body["pending"].is_null());

    auto pushed = push_with(c.sha256);
    REQUIRE_MESSAGE(pushed, pushed.error().message);
    CHECK(pushed->version == 50);
}
