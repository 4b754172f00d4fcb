// Content figures (issue 6):
//   pack_mb_per_s     packing a 200 MB folder (25 files of 8 MB; hashing, signing, writing;
//                     media probing off: the files are not real media)
//   push_delta_bytes  blob bytes `stationctl content push` sends to a headless demo kiosk for
//                     version 2, where one 1 MB file changed in the 200 MB package (goal <= 1.05 MB)
//   activation_ms     ContentStore::activate between two prepared 200 MB versions (symlink swap,
//                     fsync, prune), mean of 20
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <regex>

#include "../content/content_fixture.h"
#include "content/push.h"
#include "content/store.h"
#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
namespace sc = station::content;

void bench_content() {
    station::test::TempDir dir;
    auto keys = sc::generate_key_pair("bench");
    auto key_files = sc::write_key_files(keys, dir / "keys");
    if (!key_files) {
        std::fprintf(stderr, "bench: content keys: %s\n", key_files.error().message.c_str());
        return;
    }
    std::map<std::string, std::string> files;
    for (int f = 0; f < 25; ++f)
        files["f" + std::to_string(f) + ".png"] = sc::test::pattern_bytes(8 << 20, unsigned(f));
    files["changed.png"] = sc::test::pattern_bytes(1 << 20, 100);
    sc::test::write_folder(dir / "c1", 1001, files);  // after --demo's own version 1
    files["changed.png"] = sc::test::pattern_bytes(1 << 20, 101);
    sc::test::write_folder(dir / "c2", 1002, files);
    files.clear();

    sc::PackOptions options;
    options.probe_media = false;
    auto start = std::chrono::steady_clock::now();
    auto v1 = sc::pack_folder(dir / "c1", keys.secret, dir / "v1.spkg", options);
    double pack_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto v2 = sc::pack_folder(dir / "c2", keys.secret, dir / "v2.spkg", options);
    if (!v1 || !v2) {
        std::fprintf(stderr, "bench: content pack: %s\n", (!v1 ? v1 : v2).error().message.c_str());
        return;
    }
    double mb = double(v1->manifest.manifest.blob_bytes()) / 1e6;
    std::printf("pack_mb_per_s: %.1f MB/s\n", mb / pack_s);
    std::fflush(stdout);

    {
        station::test::ChildProcess kiosk({station::test::bin_path("station-kiosk"), "--demo", "--headless",
                                           "--data", (dir / "kiosk").string(), "--api", "127.0.0.1:0",
                                           "--trust-key", (*key_files)[1].string()});
        std::smatch m;
        std::string err;
        if (!kiosk.wait_for_stderr("api: listening", 30s) ||
            !std::regex_search(err = kiosk.err_so_far(), m,
                               std::regex(R"(listening on (http://127\.0\.0\.1:[0-9]+)/)"))) {
            std::fprintf(stderr, "bench: content: the kiosk did not start\n");
            return;
        }
        std::string url = m[1];
        httplib::Client client(url);
        auto login = client.Post("/api/v1/login", R"({"user":"demo","pin":"2468"})", "application/json");
        auto token = login ? nlohmann::json::parse(login->body, nullptr, false) : nlohmann::json();
        if (!token.is_object() || !token.contains("token")) {
            std::fprintf(stderr, "bench: content: login failed\n");
            return;
        }
        sc::PushOptions push;
        push.token = token["token"];
        auto first = sc::push_package(dir / "v1.spkg", url, push);
        auto second = first ? sc::push_package(dir / "v2.spkg", url, push) : first;
        if (!second) {
            std::fprintf(stderr, "bench: content push: %s\n", second.error().message.c_str());
            return;
        }
        std::printf("push_delta_bytes: %llu bytes\n", static_cast<unsigned long long>(second->bytes_sent));
        std::fflush(stdout);
    }

    auto store = sc::ContentStore::open(dir / "kiosk" / "content");
    if (!store) {
        std::fprintf(stderr, "bench: content store: %s\n", store.error().message.c_str());
        return;
    }
    const int switches = 20;
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < switches; ++i)
        if (auto switched = store->activate(i % 2 ? 1002 : 1001); !switched) {
            std::fprintf(stderr, "bench: activation: %s\n", switched.error().message.c_str());
            return;
        }
    double activation_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
        switches;
    std::printf("activation_ms: %.2f ms\n", activation_ms);
}
