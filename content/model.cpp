#include "content/model.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>
#include <toml.hpp>

namespace station::content {
namespace {

using nlohmann::json;

const char* type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "nothing";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "an integer";
        case json::value_t::number_float: return "a number with a fraction";
        case json::value_t::string: return "a string";
        case json::value_t::array: return "an array";
        case json::value_t::object: return "a table";
        default: return "something else";
    }
}

// Reads one table (JSON object) strictly: every key must be taken, unknown keys are errors.
class TableReader {
public:
    TableReader(const json& table, std::string path, const WhereFn& where)
        : table_(table), path_(std::move(path)), where_(where) {}

    std::string child(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
    std::string where(const std::string& key) const { return where_(child(key)); }
    bool has(const std::string& key) { seen_.insert(key); return table_.contains(key); }

    Result<std::string> text(const std::string& key, bool required, std::size_t max_size = 4096) {
        if (!has(key)) {
            if (required) return fail(where_(path_), ": missing field '", key, "'");
            return std::string();
        }
        const json& v = table_.at(key);
        if (!v.is_string()) return fail(where(key), ": expected a string, got ", type_name(v));
        auto s = v.get<std::string>();
        if (s.size() > max_size) return fail(where(key), ": longer than ", max_size, " bytes");
        return s;
    }

    Result<std::int64_t> integer(const std::string& key, std::int64_t fallback, std::int64_t min,
                                 std::int64_t max, bool required = false) {
        if (!has(key)) {
            if (required) return fail(where_(path_), ": missing field '", key, "'");
            return fallback;
        }
        const json& v = table_.at(key);
        if (!v.is_number_integer()) return fail(where(key), ": expected an integer, got ", type_name(v));
        auto n = v.get<std::int64_t>();
        if (n < min || n > max)
            return fail(where(key), ": ", n, " is out of range ", min, "..", max);
        return n;
    }

    Result<const json*> array(const std::string& key) {
        static const json empty = json::array();
        if (!has(key)) return &empty;
        const json& v = table_.at(key);
        if (!v.is_array()) return fail(where(key), ": expected an array, got ", type_name(v));
        return &v;
    }

    Result<Ok> no_unknown_keys() const {
        for (auto it = table_.begin(); it != table_.end(); ++it)
            if (!seen_.count(it.key())) return fail(where(it.key()), ": unknown field");
        return Ok{};
    }

private:
    const json& table_;
    std::string path_;
    const WhereFn& where_;
    std::set<std::string> seen_;
};

bool valid_id(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '_';
    });
}

bool valid_date(const std::string& s) {
    int y, m, d;
    char tail;
    if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
    if (m < 1 || m > 12 || d < 1) return false;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] && !(m == 2 && d == 29 && !leap);
}

// "HH:MM" or "HH:MM:SS" (seconds must be 0); "24:00" allowed as an end. -1 when invalid.
int parse_minute(const std::string& s) {
    int h, m, sec = 0;
    char tail;
    int n = std::sscanf(s.c_str(), "%2d:%2d:%2d%c", &h, &m, &sec, &tail);
    if (!((n == 2 && s.size() == 5) || (n == 3 && s.size() == 8))) return -1;
    if (sec != 0 || m < 0 || m > 59 || h < 0 || h > 24 || (h == 24 && m != 0)) return -1;
    return h * 60 + m;
}

std::string format_minute(int minute) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
    return buf;
}

constexpr const char* kWeekdayNames[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

template <typename T>
Result<T> parse_enum(const std::string& text, const std::vector<std::pair<const char*, T>>& names,
                     const std::string& where) {
    std::string options;
    for (const auto& [name, value] : names) {
        if (text == name) return value;
        options += options.empty() ? "" : ", ";
        options += name;
    }
    return fail(where, ": unknown kind \"", text, "\" (expected one of ", options, ")");
}

#define TRY_ASSIGN(target, expr)                    \
    do {                                            \
        auto result_ = (expr);                      \
        if (!result_) return result_.error();       \
        target = std::move(*result_);               \
    } while (0)

#define TRY(expr)                                   \
    do {                                            \
        auto result_ = (expr);                      \
        if (!result_) return result_.error();       \
    } while (0)

Result<Item> parse_item(const json& j, const std::string& path, const WhereFn& where) {
    if (!j.is_object()) return fail(where(path), ": expected a table, got ", type_name(j));
    TableReader r(j, path, where);
    Item item;
    TRY_ASSIGN(item.id, r.text("id", true, 64));
    if (!valid_id(item.id))
        return fail(r.where("id"), ": \"", item.id, "\" is not a valid id (letters, digits, - and _; 1-64)");
    std::string kind;
    TRY_ASSIGN(kind, r.text("kind", true));
    TRY_ASSIGN(item.kind, parse_enum<ItemKind>(kind,
                                               {{"video", ItemKind::video},
                                                {"image", ItemKind::image},
                                                {"notice", ItemKind::notice},
                                                {"ticker", ItemKind::ticker}},
                                               r.where("kind")));
    auto check_path = [&](const std::string& key, const std::string& value) -> Result<Ok> {
        auto problem = media_path_problem(value);
        if (!problem.empty()) return fail(r.where(key), ": \"", value, "\": ", problem);
        return Ok{};
    };
    switch (item.kind) {
        case ItemKind::video:
        case ItemKind::image:
            TRY_ASSIGN(item.file, r.text("file", true, 255));
            TRY(check_path("file", item.file));
            TRY_ASSIGN(item.duration_s, r.integer("duration_s", item.kind == ItemKind::image ? 10 : 0,
                                                  item.kind == ItemKind::image ? 1 : 0, 24 * 3600));
            break;
        case ItemKind::notice:
            TRY_ASSIGN(item.title, r.text("title", true, 512));
            if (item.title.empty()) return fail(r.where("title"), ": must not be empty");
            TRY_ASSIGN(item.body, r.text("body", false, 16384));
            TRY_ASSIGN(item.date, r.text("date", false));
            if (!item.date.empty() && !valid_date(item.date))
                return fail(r.where("date"), ": \"", item.date, "\" is not a date like 2026-03-05");
            TRY_ASSIGN(item.priority, r.integer("priority", 0, 0, 9));
            TRY_ASSIGN(item.narration, r.text("narration", false, 255));
            if (!item.narration.empty()) TRY(check_path("narration", item.narration));
            TRY_ASSIGN(item.duration_s, r.integer("duration_s", 15, 1, 24 * 3600));
            break;
        case ItemKind::ticker:
            TRY_ASSIGN(item.text, r.text("text", true, 1024));
            if (item.text.empty()) return fail(r.where("text"), ": must not be empty");
            break;
    }
    TRY(r.no_unknown_keys());
    return item;
}

Result<std::vector<std::string>> parse_id_list(const json& array, const std::string& path,
                                               const WhereFn& where) {
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < array.size(); ++i) {
        std::string p = path + "[" + std::to_string(i) + "]";
        if (!array[i].is_string()) return fail(where(p), ": expected a string, got ", type_name(array[i]));
        ids.push_back(array[i].get<std::string>());
    }
    return ids;
}

Result<Layout> parse_layout(const json& j, const std::string& path, const WhereFn& where) {
    if (!j.is_object()) return fail(where(path), ": expected a table, got ", type_name(j));
    TableReader r(j, path, where);
    Layout layout;
    TRY_ASSIGN(layout.id, r.text("id", true, 64));
    if (!valid_id(layout.id)) return fail(r.where("id"), ": \"", layout.id, "\" is not a valid id");
    TRY_ASSIGN(layout.width, r.integer("width", 1920, 64, 16384));
    TRY_ASSIGN(layout.height, r.integer("height", 1080, 64, 16384));
    const json* zones;
    TRY_ASSIGN(zones, r.array("zones"));
    if (zones->empty()) return fail(where(path), ": a layout needs at least one [[layouts.zones]]");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < zones->size(); ++i) {
        std::string zp = r.child("zones") + "[" + std::to_string(i) + "]";
        const json& zj = (*zones)[i];
        if (!zj.is_object()) return fail(where(zp), ": expected a table, got ", type_name(zj));
        TableReader zr(zj, zp, where);
        Zone zone;
        TRY_ASSIGN(zone.id, zr.text("id", true, 64));
        if (!valid_id(zone.id)) return fail(zr.where("id"), ": \"", zone.id, "\" is not a valid id");
        if (!ids.insert(zone.id).second) return fail(zr.where("id"), ": zone \"", zone.id, "\" appears twice");
        std::string kind;
        TRY_ASSIGN(kind, zr.text("kind", true));
        TRY_ASSIGN(zone.kind, parse_enum<ZoneKind>(kind,
                                                   {{"media", ZoneKind::media},
                                                    {"notices", ZoneKind::notices},
                                                    {"ticker", ZoneKind::ticker},
                                                    {"clock", ZoneKind::clock},
                                                    {"queue", ZoneKind::queue}},
                                                   zr.where("kind")));
        TRY_ASSIGN(zone.x, zr.integer("x", 0, 0, layout.width - 1, true));
        TRY_ASSIGN(zone.y, zr.integer("y", 0, 0, layout.height - 1, true));
        TRY_ASSIGN(zone.width, zr.integer("width", 0, 1, layout.width - zone.x, true));
        TRY_ASSIGN(zone.height, zr.integer("height", 0, 1, layout.height - zone.y, true));
        TRY(zr.no_unknown_keys());
        layout.zones.push_back(zone);
    }
    TRY(r.no_unknown_keys());
    return layout;
}

Result<Schedule> parse_schedule(const json& j, const std::string& path, const WhereFn& where) {
    if (!j.is_object()) return fail(where(path), ": expected a table, got ", type_name(j));
    TableReader r(j, path, where);
    Schedule s;
    TRY_ASSIGN(s.id, r.text("id", true, 64));
    if (!valid_id(s.id)) return fail(r.where("id"), ": \"", s.id, "\" is not a valid id");
    TRY_ASSIGN(s.layout, r.text("layout", true, 64));
    TRY_ASSIGN(s.priority, r.integer("priority", 0, 0, 99));
    TRY_ASSIGN(s.from, r.text("from", false));
    if (!s.from.empty() && !valid_date(s.from))
        return fail(r.where("from"), ": \"", s.from, "\" is not a date like 2026-03-05");
    TRY_ASSIGN(s.until, r.text("until", false));
    if (!s.until.empty() && !valid_date(s.until))
        return fail(r.where("until"), ": \"", s.until, "\" is not a date like 2026-03-05");
    if (!s.from.empty() && !s.until.empty() && s.until < s.from)
        return fail(r.where("until"), ": ", s.until, " is before from = ", s.from);
    if (r.has("weekdays")) {
        const json* days;
        TRY_ASSIGN(days, r.array("weekdays"));
        std::vector<std::string> names;
        TRY_ASSIGN(names, parse_id_list(*days, r.child("weekdays"), where));
        s.weekdays = 0;
        for (std::size_t i = 0; i < names.size(); ++i) {
            auto* found = std::find(std::begin(kWeekdayNames), std::end(kWeekdayNames), names[i]);
            if (found == std::end(kWeekdayNames))
                return fail(where(r.child("weekdays") + "[" + std::to_string(i) + "]"), ": \"", names[i],
                            "\" is not a weekday (mon, tue, wed, thu, fri, sat, sun)");
            s.weekdays |= static_cast<std::uint8_t>(1u << (found - std::begin(kWeekdayNames)));
        }
        if (s.weekdays == 0) return fail(r.where("weekdays"), ": names no day; leave it out for every day");
    }
    const json* parts;
    TRY_ASSIGN(parts, r.array("dayparts"));
    for (std::size_t i = 0; i < parts->size(); ++i) {
        std::string pp = r.child("dayparts") + "[" + std::to_string(i) + "]";
        const json& pj = (*parts)[i];
        if (!pj.is_object()) return fail(where(pp), ": expected a table like { start = 08:00:00, end = 12:00:00 }");
        TableReader pr(pj, pp, where);
        std::string start, end;
        TRY_ASSIGN(start, pr.text("start", true));
        TRY_ASSIGN(end, pr.text("end", true));
        Daypart part{parse_minute(start), parse_minute(end)};
        if (part.start_minute < 0 || part.start_minute >= 24 * 60)
            return fail(pr.where("start"), ": \"", start, "\" is not a time like 08:00");
        if (part.end_minute < 0) return fail(pr.where("end"), ": \"", end, "\" is not a time like 17:30");
        if (part.end_minute <= part.start_minute)
            return fail(pr.where("end"), ": ", end, " is not after start ", start);
        TRY(pr.no_unknown_keys());
        s.dayparts.push_back(part);
    }
    if (!r.has("zones")) return fail(where(path), ": missing field 'zones' (zone id = playlist id)");
    const json& zones = j.at("zones");
    if (!zones.is_object() || zones.empty())
        return fail(r.where("zones"), ": expected a table of zone id = playlist id");
    for (auto it = zones.begin(); it != zones.end(); ++it) {
        if (!it->is_string())
            return fail(where(r.child("zones") + "." + it.key()), ": expected a playlist id, got ", type_name(*it));
        s.zones[it.key()] = it->get<std::string>();
    }
    TRY(r.no_unknown_keys());
    return s;
}

// Cross references: ids unique, playlists name items, schedules name layouts, zones, playlists.
Result<Ok> check_references(const ContentModel& m, const std::string& items_path,
                            const WhereFn& where) {
    (void)items_path;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < m.items.size(); ++i)
        if (!seen.insert(m.items[i].id).second)
            return fail(where("items[" + std::to_string(i) + "].id"), ": item \"", m.items[i].id,
                        "\" appears twice");
    seen.clear();
    for (std::size_t i = 0; i < m.playlists.size(); ++i) {
        const auto& p = m.playlists[i];
        std::string pp = "playlists[" + std::to_string(i) + "]";
        if (!seen.insert(p.id).second)
            return fail(where(pp + ".id"), ": playlist \"", p.id, "\" appears twice");
        if (p.items.empty()) return fail(where(pp + ".items"), ": a playlist needs at least one item");
        for (std::size_t k = 0; k < p.items.size(); ++k)
            if (!m.find_item(p.items[k]))
                return fail(where(pp + ".items[" + std::to_string(k) + "]"), ": no item with id \"",
                            p.items[k], "\"");
    }
    seen.clear();
    for (std::size_t i = 0; i < m.layouts.size(); ++i)
        if (!seen.insert(m.layouts[i].id).second)
            return fail(where("layouts[" + std::to_string(i) + "].id"), ": layout \"", m.layouts[i].id,
                        "\" appears twice");
    seen.clear();
    for (std::size_t i = 0; i < m.schedules.size(); ++i) {
        const auto& s = m.schedules[i];
        std::string sp = "schedules[" + std::to_string(i) + "]";
        if (!seen.insert(s.id).second)
            return fail(where(sp + ".id"), ": schedule \"", s.id, "\" appears twice");
        const Layout* layout = m.find_layout(s.layout);
        if (!layout) return fail(where(sp + ".layout"), ": no layout with id \"", s.layout, "\"");
        for (const auto& [zone_id, playlist_id] : s.zones) {
            auto zone = std::find_if(layout->zones.begin(), layout->zones.end(),
                                     [&](const Zone& z) { return z.id == zone_id; });
            std::string zp = sp + ".zones." + zone_id;
            if (zone == layout->zones.end())
                return fail(where(zp), ": layout \"", layout->id, "\" has no zone \"", zone_id, "\"");
            if (zone->kind == ZoneKind::clock || zone->kind == ZoneKind::queue)
                return fail(where(zp), ": zone \"", zone_id, "\" shows the ", to_string(zone->kind),
                            " and takes no playlist");
            const Playlist* playlist = m.find_playlist(playlist_id);
            if (!playlist) return fail(where(zp), ": no playlist with id \"", playlist_id, "\"");
            for (const auto& item_id : playlist->items) {
                ItemKind kind = m.find_item(item_id)->kind;
                bool fits = zone->kind == ZoneKind::media     ? kind != ItemKind::ticker
                            : zone->kind == ZoneKind::notices ? kind == ItemKind::notice
                                                              : kind == ItemKind::ticker;
                if (!fits)
                    return fail(where(zp), ": playlist \"", playlist_id, "\" has ", to_string(kind), " item \"",
                                item_id, "\", which a ", to_string(zone->kind), " zone cannot show");
            }
        }
    }
    return Ok{};
}

// TOML → JSON, recording each value's line under its path ("items[2].file").
json toml_to_json(const toml::value& v, const std::string& path, std::map<std::string, int>& lines) {
    lines[path] = static_cast<int>(v.location().line());
    switch (v.type()) {
        case toml::value_t::boolean: return v.as_boolean();
        case toml::value_t::integer: return static_cast<std::int64_t>(v.as_integer());
        case toml::value_t::floating: return static_cast<double>(v.as_floating());
        case toml::value_t::string: return v.as_string().str;
        case toml::value_t::local_date: {
            const auto& d = v.as_local_date();
            char buf[16];
            std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", int(d.year), int(d.month) + 1, int(d.day));
            return std::string(buf);
        }
        case toml::value_t::local_time: {
            const auto& t = v.as_local_time();
            char buf[16];
            if (t.second == 0 && t.millisecond == 0)
                std::snprintf(buf, sizeof buf, "%02d:%02d", int(t.hour), int(t.minute));
            else
                std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", int(t.hour), int(t.minute), int(t.second));
            return std::string(buf);
        }
        case toml::value_t::array: {
            json out = json::array();
            const auto& a = v.as_array();
            for (std::size_t i = 0; i < a.size(); ++i)
                out.push_back(toml_to_json(a[i], path + "[" + std::to_string(i) + "]", lines));
            return out;
        }
        case toml::value_t::table: {
            json out = json::object();
            for (const auto& [key, child] : v.as_table())
                out[key] = toml_to_json(child, path.empty() ? key : path + "." + key, lines);
            return out;
        }
        default: {
            std::ostringstream text;
            text << v;
            return text.str();  // offset or local date-time: kept as text, refused by the parser
        }
    }
}

}  // namespace

const Item* ContentModel::find_item(const std::string& id) const {
    for (const auto& i : items)
        if (i.id == id) return &i;
    return nullptr;
}
const Playlist* ContentModel::find_playlist(const std::string& id) const {
    for (const auto& p : playlists)
        if (p.id == id) return &p;
    return nullptr;
}
const Layout* ContentModel::find_layout(const std::string& id) const {
    for (const auto& l : layouts)
        if (l.id == id) return &l;
    return nullptr;
}

std::vector<std::string> ContentModel::media_files() const {
    std::set<std::string> files;
    for (const auto& i : items) {
        if (!i.file.empty()) files.insert(i.file);
        if (!i.narration.empty()) files.insert(i.narration);
    }
    return {files.begin(), files.end()};
}

std::string media_path_problem(const std::string& path) {
    if (path.empty()) return "empty path";
    if (path.size() > 255) return "path longer than 255 bytes";
    if (path.front() == '/') return "absolute path; give it relative to the content folder";
    for (unsigned char c : path) {
        if (c < 0x20 || c == 0x7f) return "control character in path";
        if (c == '\\') return "backslash in path; use '/'";
        if (c == ':') return "':' in path";
    }
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        auto part = path.substr(start, end - start);
        if (part.empty()) return "empty path component ('//' or trailing '/')";
        if (part == "..") return "'..' in path (would leave the content folder)";
        if (part == ".") return "'.' component in path";
        start = end + 1;
    }
    return "";
}

const char* to_string(ItemKind kind) {
    switch (kind) {
        case ItemKind::video: return "video";
        case ItemKind::image: return "image";
        case ItemKind::notice: return "notice";
        case ItemKind::ticker: return "ticker";
    }
    return "?";
}

const char* to_string(ZoneKind kind) {
    switch (kind) {
        case ZoneKind::media: return "media";
        case ZoneKind::notices: return "notices";
        case ZoneKind::ticker: return "ticker";
        case ZoneKind::clock: return "clock";
        case ZoneKind::queue: return "queue";
    }
    return "?";
}

Result<ContentModel> parse_content(const json& content, const WhereFn& where) {
    if (!content.is_object()) return fail(where(""), ": expected a table, got ", type_name(content));
    TableReader r(content, "", where);
    ContentModel m;
    if (r.has("package")) {
        const json& pkg = content.at("package");
        if (!pkg.is_object()) return fail(where("package"), ": expected a table");
        TableReader pr(pkg, "package", where);
        TRY_ASSIGN(m.title, pr.text("title", false, 512));
        TRY_ASSIGN(m.version, pr.integer("version", 0, 1, std::int64_t(1) << 53, true));
        TRY(pr.no_unknown_keys());
    } else {
        return fail(where(""), ": missing [package] table with version = N");
    }
    const json* list;
    TRY_ASSIGN(list, r.array("items"));
    for (std::size_t i = 0; i < list->size(); ++i) {
        Item item;
        TRY_ASSIGN(item, parse_item((*list)[i], "items[" + std::to_string(i) + "]", where));
        m.items.push_back(std::move(item));
    }
    TRY_ASSIGN(list, r.array("playlists"));
    for (std::size_t i = 0; i < list->size(); ++i) {
        std::string pp = "playlists[" + std::to_string(i) + "]";
        const json& pj = (*list)[i];
        if (!pj.is_object()) return fail(where(pp), ": expected a table, got ", type_name(pj));
        TableReader pr(pj, pp, where);
        Playlist p;
        TRY_ASSIGN(p.id, pr.text("id", true, 64));
        if (!valid_id(p.id)) return fail(pr.where("id"), ": \"", p.id, "\" is not a valid id");
        const json* ids;
        TRY_ASSIGN(ids, pr.array("items"));
        TRY_ASSIGN(p.items, parse_id_list(*ids, pr.child("items"), where));
        TRY(pr.no_unknown_keys());
        m.playlists.push_back(std::move(p));
    }
    TRY_ASSIGN(list, r.array("layouts"));
    for (std::size_t i = 0; i < list->size(); ++i) {
        Layout layout;
        TRY_ASSIGN(layout, parse_layout((*list)[i], "layouts[" + std::to_string(i) + "]", where));
        m.layouts.push_back(std::move(layout));
    }
    TRY_ASSIGN(list, r.array("schedules"));
    for (std::size_t i = 0; i < list->size(); ++i) {
        Schedule s;
        TRY_ASSIGN(s, parse_schedule((*list)[i], "schedules[" + std::to_string(i) + "]", where));
        m.schedules.push_back(std::move(s));
    }
    TRY(r.no_unknown_keys());
    TRY(check_references(m, "items", where));
    return m;
}

json to_json(const ContentModel& m) {
    json out;
    out["package"] = {{"title", m.title}, {"version", m.version}};
    out["items"] = json::array();
    for (const auto& i : m.items) {
        json j = {{"id", i.id}, {"kind", to_string(i.kind)}};
        switch (i.kind) {
            case ItemKind::video:
            case ItemKind::image:
                j["file"] = i.file;
                j["duration_s"] = i.duration_s;
                break;
            case ItemKind::notice:
                j["title"] = i.title;
                j["body"] = i.body;
                if (!i.date.empty()) j["date"] = i.date;
                j["priority"] = i.priority;
                if (!i.narration.empty()) j["narration"] = i.narration;
                j["duration_s"] = i.duration_s;
                break;
            case ItemKind::ticker: j["text"] = i.text; break;
        }
        out["items"].push_back(j);
    }
    out["playlists"] = json::array();
    for (const auto& p : m.playlists) out["playlists"].push_back({{"id", p.id}, {"items", p.items}});
    out["layouts"] = json::array();
    for (const auto& l : m.layouts) {
        json zones = json::array();
        for (const auto& z : l.zones)
            zones.push_back({{"id", z.id}, {"kind", to_string(z.kind)}, {"x", z.x}, {"y", z.y},
                             {"width", z.width}, {"height", z.height}});
        out["layouts"].push_back({{"id", l.id}, {"width", l.width}, {"height", l.height}, {"zones", zones}});
    }
    out["schedules"] = json::array();
    for (const auto& s : m.schedules) {
        json j = {{"id", s.id}, {"layout", s.layout}, {"priority", s.priority}, {"zones", s.zones}};
        if (!s.from.empty()) j["from"] = s.from;
        if (!s.until.empty()) j["until"] = s.until;
        if (s.weekdays != 0x7f) {
            json days = json::array();
            for (int d = 0; d < 7; ++d)
                if (s.weekdays & (1u << d)) days.push_back(kWeekdayNames[d]);
            j["weekdays"] = days;
        }
        if (!s.dayparts.empty()) {
            json parts = json::array();
            for (const auto& p : s.dayparts)
                parts.push_back({{"start", format_minute(p.start_minute)}, {"end", format_minute(p.end_minute)}});
            j["dayparts"] = parts;
        }
        out["schedules"].push_back(j);
    }
    return out;
}

Result<ContentModel> load_content_folder(const std::filesystem::path& dir) {
    auto file = dir / "content.toml";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        return fail(file.string(), ": not found (create a starter folder with `stationctl content init DIR`)");
    toml::value root;
    try {
        root = toml::parse(file.string());
    } catch (const toml::exception& e) {
        std::string what = e.what();
        what = what.substr(0, what.find('\n'));
        if (what.rfind("[error] ", 0) == 0) what = what.substr(8);
        return fail(file.string(), ":", e.location().line(), ": TOML syntax error: ", what);
    } catch (const std::exception& e) {
        return fail(file.string(), ": ", e.what());
    }
    std::map<std::string, int> lines;
    json content = toml_to_json(root, "", lines);
    WhereFn where = [&](const std::string& path) {
        // The value's own line, else the nearest enclosing table's (for a missing field).
        std::string p = path;
        while (true) {
            auto it = lines.find(p);
            if (it != lines.end() && it->second > 0) {
                std::string out = file.string() + ":" + std::to_string(it->second);
                return path.empty() ? out : out + ": " + path;
            }
            if (p.empty()) break;
            auto cut = p.find_last_of(".[");
            p = cut == std::string::npos ? "" : p.substr(0, cut);
        }
        return path.empty() ? file.string() : file.string() + ": " + path;
    };
    return parse_content(content, where);
}

}  // namespace station::content
