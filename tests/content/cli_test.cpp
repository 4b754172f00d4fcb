// stationctl keys / content as an editor runs them.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "content_fixture.h"
#include "process.h"
#include "temp_dir.h"

using station::test::bin_path;
using station::test::run_process;
using station::test::TempDir;

namespace {

station::test::ProcessResult ctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {bin_path("stationctl")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

}  // namespace

TEST_CASE("stationctl: keys gen, content init, pack, verify, schedule") {
    TempDir dir;
    auto keys = ctl({"keys", "gen", "editor", "--dir", (dir / "keys").string()});
    REQUIRE_MESSAGE(keys.exit_code == 0, keys.err);
    CHECK(keys.out.find("key id:") != std::string::npos);
    CHECK(ctl({"keys", "gen", "editor", "--dir", (dir / "keys").string()}).exit_code == 1);  // no overwrite
    CHECK(ctl({"keys", "gen", "bad/name", "--dir", (dir / "keys").string()}).exit_code == 2);

    auto init = ctl({"content", "init", (dir / "c").string()});
    REQUIRE_MESSAGE(init.exit_code == 0, init.err);
    auto pack = ctl({"content", "pack", (dir / "c").string(), "--key", (dir / "keys/editor.key").string(), "-o",
                     (dir / "c.spkg").string(), "--json"});
    REQUIRE_MESSAGE(pack.exit_code == 0, pack.err);
    auto packed = nlohmann::json::parse(pack.out);
    CHECK(packed["version"] == 1);
    CHECK(packed["blobs"] == 3);

    auto verify = ctl({"content", "verify", (dir / "c.spkg").string(), "--trust", (dir / "keys/editor.pub").string()});
    CHECK_MESSAGE(verify.exit_code == 0, verify.err);
    CHECK(verify.out.find("OK ") == 0);

    REQUIRE(ctl({"keys", "gen", "stranger", "--dir", (dir / "keys").string()}).exit_code == 0);
    auto stranger = ctl({"content", "verify", (dir / "c.spkg").string(), "--trust", (dir / "keys/stranger.pub").string()});
    CHECK(stranger.exit_code == 1);
    CHECK(stranger.err.find("does not trust") != std::string::npos);

    auto bytes = station::content::test::read_all(dir / "c.spkg");
    bytes[bytes.size() - 7] ^= 0x20;
    station::content::test::write_all(dir / "tampered.spkg", bytes);
    auto tampered = ctl({"content", "verify", (dir / "tampered.spkg").string(), "--trust", (dir / "keys/editor.pub").string()});
    CHECK(tampered.exit_code == 1);
    CHECK_MESSAGE(tampered.err.find("SHA-256 does not match") != std::string::npos, tampered.err);

    auto plan = ctl({"content", "schedule", (dir / "c.spkg").string(), "--at", "2026-11-25T10:00", "--trust",
                     (dir / "keys/editor.pub").string(), "--json"});
    REQUIRE_MESSAGE(plan.exit_code == 0, plan.err);
    auto j = nlohmann::json::parse(plan.out);
    CHECK(j["plan"]["schedule"] == "weekday-opening-hours");
    auto folder_plan = ctl({"content", "schedule", (dir / "c").string(), "--at", "2026-11-29T10:00"});
    CHECK(folder_plan.out.find("schedule \"everyday\"") != std::string::npos);
    CHECK(ctl({"content", "schedule", (dir / "c").string(), "--at", "noon"}).exit_code == 2);
}

TEST_CASE("stationctl content pack refuses bad content naming file, line and reason") {
    TempDir dir;
    REQUIRE(ctl({"keys", "gen", "editor", "--dir", dir.path().string()}).exit_code == 0);
    REQUIRE(ctl({"content", "init", (dir / "c").string()}).exit_code == 0);
    std::ofstream(dir / "c" / "media" / "welcome.png", std::ios::trunc) << "not a picture";
    auto r = ctl({"content", "pack", (dir / "c").string(), "--key", (dir / "editor.key").string(), "-o",
                  (dir / "c.spkg").string()});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find("items[0] (welcome): media/welcome.png: not an image") != std::string::npos, r.err);
    CHECK(!std::filesystem::exists(dir / "c.spkg"));

    if (std::system("command -v ffmpeg >/dev/null 2>&1") == 0) {
        // A real video joins the folder; an MPEG-4 Part 2 clip is refused by name.
        auto toml = station::content::test::read_all(dir / "c" / "content.toml");
        const std::string commented = "# [[items]]\n# id = \"flu-video\"\n# kind = \"video\"\n# file";
        REQUIRE(toml.find(commented) != std::string::npos);
        toml.replace(toml.find(commented), commented.size(), "[[items]]\nid = \"flu-video\"\nkind = \"video\"\nfile");
        station::content::test::write_all(dir / "c" / "content.toml", toml);
        station::content::test::write_all(dir / "c" / "media" / "welcome.png",
                                          station::content::test::read_all(dir / "c" / "media" / "health-talk.png"));
        auto make = run_process({"ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                                 "testsrc=size=320x240:rate=25", "-t", "0.4", "-c:v", "mpeg4",
                                 (dir / "c" / "media" / "flu-vaccine.mp4").string()});
        REQUIRE(make.exit_code == 0);
        r = ctl({"content", "pack", (dir / "c").string(), "--key", (dir / "editor.key").string(), "-o",
                 (dir / "c.spkg").string()});
        CHECK(r.exit_code == 1);
        CHECK_MESSAGE(r.err.find("media/flu-vaccine.mp4: video codec 'mp4v'") != std::string::npos, r.err);
        make = run_process({"ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                            "-t", "0.4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                            (dir / "c" / "media" / "flu-vaccine.mp4").string()});
        REQUIRE(make.exit_code == 0);
        r = ctl({"content", "pack", (dir / "c").string(), "--key", (dir / "editor.key").string(), "-o",
                 (dir / "c.spkg").string()});
        CHECK_MESSAGE(r.exit_code == 0, r.err);
        auto verify = ctl({"content", "verify", (dir / "c.spkg").string(), "--trust", (dir / "editor.pub").string(),
                           "--json"});
        REQUIRE(verify.exit_code == 0);
        auto manifest = nlohmann::json::parse(verify.out);
        bool found = false;
        for (const auto& f : manifest["files"])
            if (f["path"] == "media/flu-vaccine.mp4") {
                found = true;
                CHECK(f["media"]["video_codec"] == "h264");
                CHECK(f["media"]["width"] == 320);
            }
        CHECK(found);
    }
}

TEST_CASE("stationctl content import, status and rollback on a local store") {
    TempDir dir;
    REQUIRE(ctl({"keys", "gen", "editor", "--dir", dir.path().string()}).exit_code == 0);
    REQUIRE(ctl({"content", "init", (dir / "c").string()}).exit_code == 0);
    for (const char* v : {"1", "2"})
        REQUIRE(ctl({"content", "pack", (dir / "c").string(), "--key", (dir / "editor.key").string(), "-o",
                     (dir / ("v" + std::string(v) + ".spkg")).string(), "--version", v})
                    .exit_code == 0);
    auto store = (dir / "store").string();
    auto pub = (dir / "editor.pub").string();
    CHECK(ctl({"content", "import", (dir / "v1.spkg").string(), "--store", store, "--trust", pub}).exit_code == 0);
    CHECK(ctl({"content", "import", (dir / "v2.spkg").string(), "--store", store, "--trust", pub}).exit_code == 0);
    auto replay = ctl({"content", "import", (dir / "v1.spkg").string(), "--store", store, "--trust", pub});
    CHECK(replay.exit_code == 1);
    CHECK(replay.err.find("older than the active version 2") != std::string::npos);
    auto status = ctl({"content", "status", "--store", store, "--json"});
    REQUIRE(status.exit_code == 0);
    auto j = nlohmann::json::parse(status.out);
    CHECK(j["active"]["version"] == 2);
    CHECK(j["previous"]["version"] == 1);
    auto back = ctl({"content", "rollback", "--store", store});
    CHECK(back.exit_code == 0);
    CHECK(back.out.find("version 1") != std::string::npos);
}
