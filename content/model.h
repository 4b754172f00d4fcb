// The content model: what editors write in content.toml and what a package's manifest carries.
//
//   Item      one thing to show: a video, an image, a text notice (title, body, date, priority,
//             optional recorded narration), or a ticker line
//   Playlist  items in order, played in a loop
//   Layout    a screen split into zones: main media, a notice column, the ticker, date and time,
//             the help queue's tickets being served
//   Schedule  which playlist plays in which zone of which layout, on which dates, weekdays and
//             dayparts; the highest priority schedule that applies wins
//
// content.toml (written by `stationctl content init`, see authoring.h) is read into JSON first,
// remembering each value's line, and then parsed by the same code that reads a manifest's
// "content" object; so both give errors of the form `content.toml:12: items[2].duration_s: ...`
// or `manifest: content.items[2].duration_s: ...`.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "content/result.h"

namespace station::content {

enum class ItemKind { video, image, notice, ticker };
enum class ZoneKind { media, notices, ticker, clock, queue };

struct Item {
    std::string id;              // unique among items: [A-Za-z0-9_-]{1,64}
    ItemKind kind = ItemKind::image;
    std::string file;            // video, image: path of the media file inside the folder/package
    std::string title;           // notice: headline
    std::string body;            // notice: text (typeset by the kiosk's theme)
    std::string date;            // notice: "YYYY-MM-DD" it refers to ("" = none)
    int priority = 0;            // notice: 0..9, higher is shown first
    std::string narration;       // notice: optional recorded audio file path ("" = none)
    std::string text;            // ticker: one line
    int duration_s = 0;          // image, notice: seconds on screen; video: 0 = its own length
};

struct Playlist {
    std::string id;                      // unique among playlists
    std::vector<std::string> items;      // item ids, played in this order and looped
};

struct Zone {
    std::string id;                      // unique within its layout
    ZoneKind kind = ZoneKind::media;
    int x = 0, y = 0, width = 0, height = 0;  // pixels in the layout's coordinate space
};

struct Layout {
    std::string id;                      // unique among layouts
    int width = 1920, height = 1080;     // design size; the kiosk scales it to the screen
    std::vector<Zone> zones;             // non-empty, each inside the layout
};

struct Daypart {
    int start_minute = 0;                // minutes after midnight, inclusive
    int end_minute = 24 * 60;            // minutes after midnight, exclusive; > start
};

struct Schedule {
    std::string id;                      // unique among schedules
    std::string layout;                  // layout id
    int priority = 0;                    // 0..99; the highest that applies wins, ties: file order
    std::string from;                    // first day "YYYY-MM-DD", inclusive ("" = always)
    std::string until;                   // last day "YYYY-MM-DD", inclusive ("" = forever)
    std::uint8_t weekdays = 0x7f;        // bit 0 Monday ... bit 6 Sunday
    std::vector<Daypart> dayparts;       // empty = all day
    std::map<std::string, std::string> zones;  // zone id -> playlist id (media/notices/ticker)
};

struct ContentModel {
    std::string title;                   // for editors ("" allowed)
    std::int64_t version = 0;            // >= 1; a package's content version
    std::vector<Item> items;
    std::vector<Playlist> playlists;
    std::vector<Layout> layouts;
    std::vector<Schedule> schedules;

    const Item* find_item(const std::string& id) const;          // nullptr when absent
    const Playlist* find_playlist(const std::string& id) const;  // nullptr when absent
    const Layout* find_layout(const std::string& id) const;      // nullptr when absent
    std::vector<std::string> media_files() const;  // every file and narration path, sorted, unique
};

// Names where a value sits, for error messages: gets the value's path like "items[2].file".
using WhereFn = std::function<std::string(const std::string& path)>;

// Parses and validates the "content" object (ids, kinds, ranges, cross references).
Result<ContentModel> parse_content(const nlohmann::json& content, const WhereFn& where);
nlohmann::json to_json(const ContentModel& model);        // the canonical "content" object

// Reads DIR/content.toml; errors name `DIR/content.toml:LINE: field: problem`.
Result<ContentModel> load_content_folder(const std::filesystem::path& dir);

// A media path is relative, '/'-separated, without "." or ".." parts, backslashes or control
// characters, at most 255 bytes. Returns the problem, or "" when the path is acceptable.
std::string media_path_problem(const std::string& path);

const char* to_string(ItemKind kind);                      // "video", "image", ...
const char* to_string(ZoneKind kind);                      // "media", "notices", ...

}  // namespace station::content
