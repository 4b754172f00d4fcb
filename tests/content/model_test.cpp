// content.toml: the starter folder, and errors that name file, line and field.
#include <doctest/doctest.h>

#include <fstream>

#include "content/authoring.h"
#include "content/model.h"
#include "temp_dir.h"

using namespace station::content;
using station::test::TempDir;

namespace {

// Loads DIR/content.toml after replacing `from` with `to` in the starter file.
Result<ContentModel> load_edited(const TempDir& dir, const std::string& from, const std::string& to) {
    auto folder = dir / "c";
    REQUIRE(init_content_folder(folder));
    std::ifstream in(folder / "content.toml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, from);
    text.replace(at, from.size(), to);
    std::ofstream(folder / "content.toml", std::ios::trunc) << text;
    return load_content_folder(folder);
}

int line_of(const TempDir& dir, const std::string& needle) {
    std::ifstream in(dir / "c" / "content.toml");
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
        if (line.find(needle) != std::string::npos) return n;
    return -1;
}

}  // namespace

TEST_CASE("the starter folder parses into items, playlists, a layout and schedules") {
    TempDir dir;
    REQUIRE(init_content_folder(dir / "c"));
    auto model = load_content_folder(dir / "c");
    REQUIRE_MESSAGE(model, (model ? "" : model.error().message));
    CHECK(model->version == 1);
    CHECK(model->items.size() == 5);
    CHECK(model->find_item("notice-vaccine")->kind == ItemKind::notice);
    CHECK(model->find_item("notice-vaccine")->date == "2026-11-28");
    CHECK(model->find_item("notice-vaccine")->priority == 8);
    CHECK(model->find_item("ticker-hours")->kind == ItemKind::ticker);
    CHECK(model->layouts.at(0).zones.size() == 4);
    REQUIRE(model->schedules.size() == 2);
    const auto& weekday = model->schedules[1];
    CHECK(weekday.weekdays == 0x1f);
    REQUIRE(weekday.dayparts.size() == 2);
    CHECK(weekday.dayparts[0].start_minute == 8 * 60 + 30);
    CHECK(weekday.dayparts[1].end_minute == 17 * 60 + 30);
    CHECK(model->media_files() ==
          std::vector<std::string>{"media/health-talk.png", "media/notice-vaccine.wav", "media/welcome.png"});
    CHECK(!init_content_folder(dir / "c"));  // never overwrites an editor's work
}

TEST_CASE("model JSON round-trips through the manifest parser") {
    TempDir dir;
    REQUIRE(init_content_folder(dir / "c"));
    auto model = load_content_folder(dir / "c");
    REQUIRE(model);
    auto json = to_json(*model);
    auto again = parse_content(json, [](const std::string& p) { return "manifest: content." + p; });
    REQUIRE_MESSAGE(again, (again ? "" : again.error().message));
    CHECK(to_json(*again) == json);
}

TEST_CASE("content.toml errors name file, line and field") {
    TempDir dir;
    struct Case {
        const char* from;
        const char* to;
        const char* line_needle;   // the line the error must name
        const char* message;       // a piece the error must contain
    } cases[] = {
        {"duration_s = 10", "duration_s = \"ten\"", "duration_s = \"ten\"", "items[0].duration_s: expected an integer"},
        {"priority = 8", "priority = 12", "priority = 12", "items[2].priority: 12 is out of range 0..9"},
        {"kind = \"image\"", "kind = \"gif\"", "kind = \"gif\"", "items[0].kind: unknown kind \"gif\""},
        {"file = \"media/welcome.png\"", "file = \"../../etc/passwd\"", "../../etc/passwd", "'..' in path"},
        {"file = \"media/welcome.png\"", "file = \"/etc/passwd\"", "/etc/passwd", "absolute path"},
        {"date = 2026-11-28", "date = \"2026-02-30\"", "2026-02-30", "is not a date"},
        {"items = [\"welcome\", \"health-talk\"]", "items = [\"welcome\", \"nope\"]", "\"nope\"",
         "playlists[0].items[1]: no item with id \"nope\""},
        {"duration_s = 10", "duration_s = 10\ncolour = \"red\"", "colour = \"red\"", "items[0].colour: unknown field"},
        {"layout = \"signage\"\npriority = 10", "layout = \"lobby\"\npriority = 10", "layout = \"lobby\"",
         "schedules[1].layout: no layout with id \"lobby\""},
        {"weekdays = [\"mon\"", "weekdays = [\"monday\"", "\"monday\"", "is not a weekday"},
        {"end = 12:00:00", "end = 07:00:00", "07:00:00", "is not after start"},
        {"x = 1280\ny = 0\nwidth = 640", "x = 1280\ny = 0\nwidth = 900", "width = 900", "out of range 1..640"},
        {"zones = { main = \"main\", notices = \"notices\", ticker = \"tickers\" }\n\n",
         "zones = { main = \"tickers\", notices = \"notices\", ticker = \"tickers\" }\n\n", "main = \"tickers\"",
         "which a media zone cannot show"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.to);
        TempDir each;
        auto result = load_edited(each, c.from, c.to);
        REQUIRE(!result);
        std::string expected_where = (each / "c" / "content.toml").string() + ":" + std::to_string(line_of(each, c.line_needle)) + ":";
        CHECK_MESSAGE(result.error().message.find(expected_where) == 0, result.error().message);
        CHECK_MESSAGE(result.error().message.find(c.message) != std::string::npos, result.error().message);
    }
}

TEST_CASE("a TOML syntax error names the line") {
    TempDir dir;
    auto result = load_edited(dir, "priority = 8", "priority = = 8");
    REQUIRE(!result);
    std::string where = (dir / "c" / "content.toml").string() + ":" + std::to_string(line_of(dir, "priority = = 8")) + ":";
    CHECK_MESSAGE(result.error().message.find(where) == 0, result.error().message);
    CHECK(result.error().message.find("TOML syntax error") != std::string::npos);
}

TEST_CASE("a missing content.toml says how to start one") {
    TempDir dir;
    auto result = load_content_folder(dir.path());
    REQUIRE(!result);
    CHECK(result.error().message.find("stationctl content init") != std::string::npos);
}

TEST_CASE("media paths: traversal, absolute, backslashes and control characters are refused") {
    CHECK(media_path_problem("media/a.png") == "");
    CHECK(media_path_problem("媒体/通知.png") == "");
    CHECK(media_path_problem("") != "");
    CHECK(media_path_problem("../a.png") != "");
    CHECK(media_path_problem("media/../../a.png") != "");
    CHECK(media_path_problem("/etc/passwd") != "");
    CHECK(media_path_problem("media\\..\\a.png") != "");
    CHECK(media_path_problem("media//a.png") != "");
    CHECK(media_path_problem("./a.png") != "");
    CHECK(media_path_problem("a\nb") != "");
    CHECK(media_path_problem("C:/a.png") != "");
    CHECK(media_path_problem(std::string(300, 'a')) != "");
}

TEST_CASE("generated PNG and WAV have valid headers") {
    auto png = make_png(4, 3, 0xFF0000, 0x0000FF);
    CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
    CHECK(png.compare(12, 4, "IHDR") == 0);
    auto wav = make_wav_tone(0.1, 440);
    CHECK(wav.compare(0, 4, "RIFF") == 0);
    CHECK(wav.size() == 44 + 2 * 2205);
}
