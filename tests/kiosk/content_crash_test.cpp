// Issue 6 crash test: a kiosk is SIGKILLed at random points while a package is pushed to it and
// activated. After every kill its store must verify (every kept version complete, every blob's
// size and SHA-256 right) and the active version must be the old or the new one, never a mix;
// the restarted kiosk serves that version. 4 kills in `make test`; STATION_LONG_TESTS=1 runs 200
// (README.md, "Content packages on the kiosk", has the last long run's result).
#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <random>
#include <thread>

#include "../content/content_fixture.h"
#include "content/push.h"
#include "content/store.h"
#include "content_kiosk_support.h"

using namespace std::chrono_literals;
using station::test::DemoKiosk;
using station::test::TempDir;
namespace sc = station::content;
namespace fs = std::filesystem;

namespace {

// Version v: three 1 MiB files, one of them new in every version, and a small one that changes.
fs::path make_package(const fs::path& dir, const sc::SecretKey& key, std::int64_t v) {
    std::map<std::string, std::string> files = {
        {"a.png", sc::test::pattern_bytes(1 << 20, 1)},
        {"b.png", sc::test::pattern_bytes(1 << 20, 1000 + unsigned(v))},
        {"c.png", sc::test::pattern_bytes(1 << 20, 2000 + unsigned(v % 3))},
        {"notice.png", sc::test::pattern_bytes(4000, 3000 + unsigned(v))}};
    fs::path folder = dir / ("c" + std::to_string(v));
    fs::path out = dir / ("v" + std::to_string(v) + ".spkg");
    sc::test::write_folder(folder, v, files);
    sc::test::pack_unprobed(folder, key, out);
    return out;
}

// The store after a kill: every kept version complete and hashed right; returns the active one.
std::int64_t check_store(const fs::path& root) {
    auto store = sc::ContentStore::open(root);
    REQUIRE_MESSAGE(store, store.error().message);
    auto integrity = store->check_integrity(true);
    CHECK_MESSAGE(integrity, (integrity ? "" : integrity.error().message));
    auto active = store->active();
    if (!active) return 0;
    // Each of the active version's files is there, whole (a mix would fail its size or hash).
    for (const auto& file : active->manifest.files) {
        fs::path path = active->media_path(file.path);
        CHECK(fs::file_size(path) == file.size);
        CHECK(sc::sha256_file(path).value() == file.sha256);
    }
    return active->info.version;
}

}  // namespace

TEST_CASE("content: SIGKILL during push and activation leaves the old or the new version and never a mix") {
    const bool long_run = std::getenv("STATION_LONG_TESTS") != nullptr;
    const int kills = long_run ? 200 : 4;
    TempDir dir;
    auto keys = sc::generate_key_pair("editor");
    auto written = sc::write_key_files(keys, dir / "keys");
    REQUIRE(written);
    const std::vector<std::string> flags = {"--trust-key", (*written)[1].string()};
    fs::path data = dir / "data";
    std::random_device seed_source;
    unsigned seed = seed_source();
    MESSAGE("crash test seed ", seed, ", ", kills, " kills");
    std::mt19937 rng(seed);

    // The first version pushed whole, timed to spread the kills over a push and its activation.
    double push_ms = 0;
    std::int64_t active = 0;
    {
        DemoKiosk k(data, flags);
        active = k.active_version() + 1;  // after --demo's own content
        sc::PushOptions options;
        options.token = k.token();
        options.chunk_bytes = 64 * 1024;
        auto start = std::chrono::steady_clock::now();
        auto pushed = sc::push_package(make_package(dir.path(), keys.secret, active), k.url(), options);
        REQUIRE_MESSAGE(pushed, pushed.error().message);
        push_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    }

    int saw_new = 0, saw_old = 0;
    for (int round = 0; round < kills; ++round) {
        std::int64_t next = active + 1;
        fs::path package = make_package(dir.path(), keys.secret, next);
        int delay_us = std::uniform_int_distribution<int>(0, int(push_ms * 1200))(rng);
        {
            DemoKiosk k(data, flags);
            CHECK(k.active_version() == active);  // the restarted kiosk serves what the store holds
            sc::PushOptions options;
            options.token = k.token();
            options.chunk_bytes = 64 * 1024;
            options.timeout_ms = 5000;
            std::thread push([&] { (void)sc::push_package(package, k.url(), options); });
            std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
            k.process().stop(SIGKILL);
            push.join();
        }
        fs::remove(package);
        std::int64_t now = check_store(data / "content");
        CAPTURE(round);
        CAPTURE(delay_us);
        CHECK((now == active || now == next));
        (now == next ? saw_new : saw_old)++;
        active = now;
    }
    MESSAGE("kills: ", kills, "; new version active after ", saw_new, ", old after ", saw_old);

    // After all that, a push still completes (resuming what earlier pushes left).
    DemoKiosk k(data, flags);
    sc::PushOptions options;
    options.token = k.token();
    auto last = sc::push_package(make_package(dir.path(), keys.secret, active + 1), k.url(), options);
    REQUIRE_MESSAGE(last, last.error().message);
    CHECK(k.active_version() == active + 1);
}
