// The content store: import, delta, resumable upload, activation, rollback, GC, crashes.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>

#include "content/store.h"
#include "content_fixture.h"
#include "temp_dir.h"

using namespace station::content;
using namespace station::content::test;
using station::test::TempDir;

namespace {

struct Editor {
    TempDir dir;
    KeyPair keys = generate_key_pair("editor");
    TrustedKeys trusted{{keys.public_key}};
    // Packs version `v` of a folder holding `files`; returns the package path.
    std::filesystem::path package(std::int64_t v, const std::map<std::string, std::string>& files,
                                  const std::string& tag = "") {
        auto folder = dir / ("c" + std::to_string(v) + tag);
        write_folder(folder, v, files);
        auto out = dir / ("v" + std::to_string(v) + tag + ".spkg");
        pack_unprobed(folder, keys.secret, out);
        return out;
    }
};

StoreOptions no_grace() {
    StoreOptions options;
    options.gc_grace_s = 0;
    return options;
}

}  // namespace

TEST_CASE("import activates a version and the player can find every media file") {
    Editor ed;
    TempDir root;
    auto store = ContentStore::open(root / "store");
    REQUIRE(store);
    CHECK(!store->active_version());
    auto info = store->import_package(ed.package(1, {{"a.png", "AAAA"}, {"b.png", "BBBBBB"}}), ed.trusted);
    REQUIRE_MESSAGE(info, (info ? "" : info.error().message));
    CHECK(info->version == 1);
    auto active = store->active();
    REQUIRE(active);
    CHECK(read_all(active->media_path("media/a.png")) == "AAAA");
    CHECK(read_all(active->media_path("media/b.png")) == "BBBBBB");
    CHECK(active->media_path("media/none.png").empty());
    CHECK(std::filesystem::read_symlink(root / "store" / "current") == "versions/v0000000000000001");
    CHECK(store->check_integrity());
}

TEST_CASE("a delta: only the changed blob is missing, and only it is written") {
    Editor ed;
    TempDir root;
    auto store = ContentStore::open(root / "store");
    REQUIRE(store);
    std::map<std::string, std::string> files = {{"big1.png", pattern_bytes(200000, 1)},
                                                {"big2.png", pattern_bytes(200000, 2)},
                                                {"small.png", pattern_bytes(1000, 3)}};
    REQUIRE(store->import_package(ed.package(1, files), ed.trusted));
    files["small.png"] = pattern_bytes(1000, 4);
    auto v2 = ed.package(2, files);
    auto head = read_package_head(v2, ed.trusted);
    REQUIRE(head);
    auto missing = store->missing_blobs(head->manifest);
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].size == 1000);
    CHECK(missing[0].sha256 == sha256_hex(files["small.png"]));
    REQUIRE(store->import_package(v2, ed.trusted));
    CHECK(*store->active_version() == 2);
}

TEST_CASE("replays are refused, rollback goes back, and an explicit rollback import is allowed") {
    Editor ed;
    TempDir root;
    auto store = ContentStore::open(root / "store");
    REQUIRE(store);
    auto v1 = ed.package(1, {{"a.png", "one"}});
    auto v2 = ed.package(2, {{"a.png", "two"}});
    REQUIRE(store->import_package(v1, ed.trusted));
    REQUIRE(store->import_package(v2, ed.trusted));
    auto replay = store->import_package(v1, ed.trusted);
    REQUIRE(!replay);
    CHECK_MESSAGE(replay.error().message.find("older than the active version 2") != std::string::npos,
                  replay.error().message);
    CHECK(store->import_package(v2, ed.trusted));  // the same version again: nothing to do
    auto same_version_other_content = ed.package(2, {{"a.png", "two, edited"}}, "-edited");
    CHECK(!store->import_package(same_version_other_content, ed.trusted));

    auto status = store->status();
    REQUIRE(status.previous);
    CHECK(status.previous->version == 1);
    auto back = store->rollback();
    REQUIRE(back);
    CHECK(back->version == 1);
    CHECK(read_all(store->active()->media_path("media/a.png")) == "one");
    CHECK(!store->rollback());  // nothing older than 1
    ImportOptions explicit_rollback;
    explicit_rollback.allow_rollback = true;
    REQUIRE(store->import_package(v2, ed.trusted));
    CHECK(store->import_package(v1, ed.trusted, explicit_rollback));
    CHECK(*store->active_version() == 1);
}

TEST_CASE("old versions beyond keep_versions and their blobs are collected") {
    Editor ed;
    TempDir root;
    auto store = ContentStore::open(root / "store", no_grace());  // keep 3
    REQUIRE(store);
    for (int v = 1; v <= 5; ++v)
        REQUIRE(store->import_package(ed.package(v, {{"a.png", "version " + std::to_string(v)}, {"shared.png", "S"}}),
                                      ed.trusted));
    auto status = store->status();
    REQUIRE(status.versions.size() == 3);
    CHECK(status.versions[0].version == 5);
    CHECK(status.versions[2].version == 3);
    CHECK(!store->has_blob({sha256_hex("version 1"), 9}));
    CHECK(!store->has_blob({sha256_hex("version 2"), 9}));
    CHECK(store->has_blob({sha256_hex("version 3"), 9}));
    CHECK(store->has_blob({sha256_hex("S"), 1}));
    CHECK(store->check_integrity());
    auto json = status.to_json();
    CHECK(json["active"]["version"] == 5);
    CHECK(json["previous"]["version"] == 4);
    CHECK(json["pending"].is_null());
}

TEST_CASE("a push that would not fit the quota or the disk is refused before anything is written") {
    Editor ed;
    TempDir root;
    StoreOptions quota = no_grace();
    quota.quota_bytes = 150000;
    auto store = ContentStore::open(root / "store", quota);
    REQUIRE(store);
    REQUIRE(store->import_package(ed.package(1, {{"a.png", pattern_bytes(60000, 1)}}), ed.trusted));
    auto big = store->import_package(ed.package(2, {{"a.png", pattern_bytes(100000, 2)}}), ed.trusted);
    REQUIRE(!big);
    CHECK_MESSAGE(big.error().message.find("content quota is 150000 bytes") != std::string::npos, big.error().message);
    CHECK(store->status().blob_bytes == 60000);

    StoreOptions disk;
    disk.reserve_bytes = std::uint64_t(1) << 60;  // more than any disk has free
    auto full = ContentStore::open(root / "store2", disk);
    REQUIRE(full);
    auto refused = full->import_package(ed.package(3, {{"a.png", "x"}}), ed.trusted);
    REQUIRE(!refused);
    CHECK(refused.error().message.find("refused before writing anything") != std::string::npos);
    CHECK(full->status().blob_bytes == 0);
}

TEST_CASE("push: manifest first, resumable blob uploads, hash checked, then activation") {
    Editor ed;
    TempDir root;
    auto store = ContentStore::open(root / "store", no_grace());
    REQUIRE(store);
    std::string one = pattern_bytes(50000, 1), two = pattern_bytes(70000, 2);
    REQUIRE(store->import_package(ed.package(1, {{"a.png", one}}), ed.trusted));
    auto head = verify_package_head(read_all(ed.package(2, {{"a.png", one}, {"b.png", two}})), ed.trusted);
    REQUIRE(head);

    CHECK(!store->begin_upload({sha256_hex(two), two.size()}));  // no push yet: refused
    auto missing = store->begin_push(*head);
    REQUIRE(missing);
    REQUIRE(missing->size() == 1);
    CHECK(store->status().pending->version == 2);
    CHECK(!store->begin_upload({sha256_hex("not in it"), 9}));

    {
        auto upload = store->begin_upload((*missing)[0]);
        REQUIRE(upload);
        CHECK(upload->offset() == 0);
        REQUIRE(upload->append(0, std::string_view(two).substr(0, 30000)));
        CHECK(!store->begin_upload((*missing)[0]));  // locked by this upload
        CHECK(!upload->commit());                    // incomplete
    }  // connection dropped
    CHECK(!store->finish_push());  // blob still missing
    {
        auto upload = store->begin_upload((*missing)[0]);
        REQUIRE(upload);
        CHECK(upload->offset() == 30000);  // resumes where it stopped
        auto wrong_offset = upload->append(0, "x");
        REQUIRE(!wrong_offset);
        CHECK(wrong_offset.error().message.find("resume from 30000") != std::string::npos);
        CHECK(!upload->append(30000, std::string(40001, 'x')));  // past the end
        REQUIRE(upload->append(30000, std::string_view(two).substr(30000)));
        REQUIRE(upload->commit());
    }
    CHECK(*store->active_version() == 1);
    auto done = store->finish_push();
    REQUIRE_MESSAGE(done, (done ? "" : done.error().message));
    CHECK(*store->active_version() == 2);
    CHECK(!store->status().pending);
    CHECK(read_all(store->active()->media_path("media/b.png")) == two);
    CHECK(store->check_integrity());
}

TEST_CASE("an upload whose bytes do not hash to its name is discarded") {
    Editor ed;
    TempDir root;
    auto store = ContentStore::open(root / "store");
    REQUIRE(store);
    std::string real = pattern_bytes(5000, 9);
    auto head = verify_package_head(read_all(ed.package(1, {{"a.png", real}})), ed.trusted);
    REQUIRE(head);
    auto missing = store->begin_push(*head);
    REQUIRE(missing);
    auto upload = store->begin_upload((*missing)[0]);
    REQUIRE(upload);
    std::string forged = real;
    forged[100] ^= 1;
    REQUIRE(upload->append(0, forged));
    auto committed = upload->commit();
    REQUIRE(!committed);
    CHECK(committed.error().message.find("does not match; discarded") != std::string::npos);
    CHECK(!store->has_blob((*missing)[0]));
    CHECK(upload->offset() == 0);
    REQUIRE(upload->append(0, real));
    CHECK(upload->commit());
}

TEST_CASE("open() clears crash leftovers and the integrity check finds damage") {
    Editor ed;
    TempDir root;
    {
        auto store = ContentStore::open(root / "store");
        REQUIRE(store);
        REQUIRE(store->import_package(ed.package(1, {{"a.png", "AAAA"}}), ed.trusted));
    }
    write_all(root / "store" / "tmp" / "half-a-blob.99999999.0", "xx");     // its writer died
    write_all(root / "store" / "tmp" / ("busy." + std::to_string(::getppid()) + ".0"), "x");  // a live writer
    std::filesystem::create_directory(root / "store" / "versions" / ".stage-v0000000000000002-99999999");
    std::filesystem::create_symlink("versions/v0000000000000002", root / "store" / "current.new");
    auto store = ContentStore::open(root / "store");
    REQUIRE(store);
    CHECK(!std::filesystem::exists(root / "store" / "tmp" / "half-a-blob.99999999.0"));
    CHECK(std::filesystem::exists(root / "store" / "tmp" / ("busy." + std::to_string(::getppid()) + ".0")));
    CHECK(!std::filesystem::exists(root / "store" / "versions" / ".stage-v0000000000000002-99999999"));
    CHECK(!std::filesystem::is_symlink(root / "store" / "current.new"));
    CHECK(store->check_integrity());

    auto blob = store->blob_path(sha256_hex("AAAA"));
    std::filesystem::permissions(blob, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    write_all(blob, "AAAB");
    auto damaged = store->check_integrity();
    REQUIRE(!damaged);
    CHECK(damaged.error().message.find("content does not match its name") != std::string::npos);
    CHECK(store->check_integrity(false));  // sizes only: still fine
    std::filesystem::remove(blob);
    CHECK(!store->check_integrity(false));
}

// SIGKILL at random instants while a child imports and activates; after each kill the store
// shows a complete old or new version and passes the integrity check. STATION_LONG_TESTS=1
// runs 250 kills instead of 25.
TEST_CASE("crash test: killed at random points during import and activation, never a mix") {
    const bool long_run = std::getenv("STATION_LONG_TESTS") != nullptr;
    const int kills = long_run ? 250 : 25;
    Editor ed;
    TempDir root;
    // A chain of versions; each changes two of six ~100 KB files, so imports write and fsync
    // several blobs, a version folder, the link, and collect garbage.
    std::vector<std::filesystem::path> packages;
    std::vector<std::map<std::string, std::string>> contents;
    std::map<std::string, std::string> files;
    for (int f = 0; f < 6; ++f) files["f" + std::to_string(f) + ".png"] = pattern_bytes(100000, 1000 + f);
    const int versions = kills + 2;
    for (int v = 1; v <= versions; ++v) {
        files["f" + std::to_string(v % 6) + ".png"] = pattern_bytes(100000, v * 7);
        files["f" + std::to_string((v + 3) % 6) + ".png"] = pattern_bytes(90000 + v, v * 13);
        contents.push_back(files);
        packages.push_back(ed.package(v, files));
    }
    auto store_dir = root / "store";
    {
        auto store = ContentStore::open(store_dir);
        REQUIRE(store);
        REQUIRE(store->import_package(packages[0], ed.trusted));
    }
    // Calibrate: how long one import takes here.
    auto time_import = [&](const std::filesystem::path& pkg) {
        auto start = std::chrono::steady_clock::now();
        pid_t pid = ::fork();
        if (pid == 0) {
            auto store = ContentStore::open(store_dir);
            ::_exit(store && store->import_package(pkg, ed.trusted) ? 0 : 1);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        REQUIRE(WIFEXITED(status));
        REQUIRE(WEXITSTATUS(status) == 0);
        return std::chrono::steady_clock::now() - start;
    };
    auto typical = time_import(packages[1]);
    auto limit_us = std::max<long>(2000, std::chrono::duration_cast<std::chrono::microseconds>(typical).count() * 5 / 4);
    std::mt19937 random(12345);
    int completed = 0, interrupted = 0;
    for (int kill = 0; kill < kills; ++kill) {
        auto store = ContentStore::open(store_dir);  // recovery, as the kiosk does at start
        REQUIRE(store);
        std::int64_t before = *store->active_version();
        REQUIRE(before < versions);
        pid_t pid = ::fork();
        if (pid == 0) {
            auto child_store = ContentStore::open(store_dir);
            ::_exit(child_store && child_store->import_package(packages[before], ed.trusted) ? 0 : 1);
        }
        ::usleep(static_cast<useconds_t>(std::uniform_int_distribution<long>(0, limit_us)(random)));
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        (WIFSIGNALED(status) ? interrupted : completed)++;
        if (WIFEXITED(status)) REQUIRE(WEXITSTATUS(status) == 0);

        auto after = ContentStore::open(store_dir);
        REQUIRE(after);
        auto active = after->active();
        REQUIRE_MESSAGE(active, (active ? "" : active.error().message));
        std::int64_t now = active->info.version;
        CAPTURE(kill);
        CAPTURE(now);
        REQUIRE((now == before || now == before + 1));
        // Every file of the active version is exactly that version's bytes: no mix.
        for (const auto& [name, bytes] : contents[static_cast<std::size_t>(now - 1)])
            REQUIRE(read_all(active->media_path("media/" + name)) == bytes);
        auto integrity = after->check_integrity(true);
        REQUIRE_MESSAGE(integrity, (integrity ? "" : integrity.error().message));
    }
    MESSAGE("crash test: ", kills, " kills, ", interrupted, " interrupted mid-import, ", completed, " completed first");
    CHECK(interrupted > 0);
}
