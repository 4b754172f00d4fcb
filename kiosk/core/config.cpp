#include "kiosk/core/config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <sstream>
#include <toml.hpp>

#include "content/crypto.h"
#include "drivers/display/display.h"

namespace station {
namespace {

using TomlValue = toml::value;

std::string where(const std::string& file, const TomlValue& value) {
    auto loc = value.location();
    return file + ":" + std::to_string(loc.line());
}

std::string type_name(const TomlValue& v) {
    std::ostringstream out;
    out << v.type();
    return out.str();
}

// One accepted key: how to store its value, or why it is refused.
using Setter = std::function<std::string(const TomlValue&, StationConfig&)>;

template <typename Get>
Setter string_setter(Get get, std::function<std::string(const std::string&)> check = nullptr) {
    return [get, check](const TomlValue& v, StationConfig& c) -> std::string {
        if (!v.is_string()) return "expected a string, got " + type_name(v);
        const std::string& s = v.as_string().str;
        if (check) {
            std::string problem = check(s);
            if (!problem.empty()) return problem;
        }
        get(c) = s;
        return "";
    };
}

template <typename Get>
Setter int_setter(Get get, long long min, long long max) {
    return [get, min, max](const TomlValue& v, StationConfig& c) -> std::string {
        if (!v.is_integer()) return "expected an integer, got " + type_name(v);
        long long n = v.as_integer();
        if (n < min || n > max)
            return "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                   " (got " + std::to_string(n) + ")";
        get(c) = static_cast<int>(n);
        return "";
    };
}

template <typename Get>
Setter bool_setter(Get get) {
    return [get](const TomlValue& v, StationConfig& c) -> std::string {
        if (!v.is_boolean()) return "expected true or false, got " + type_name(v);
        get(c) = v.as_boolean();
        return "";
    };
}

std::string check_host_port(const std::string& s) {
    static const std::regex pattern(R"(^(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.\-]+):([0-9]{1,5})$)");
    std::smatch m;
    if (!std::regex_match(s, m, pattern) || std::stoi(m[2]) > 65535)
        return "expected HOST:PORT such as 127.0.0.1:8600 (got \"" + s + "\")";
    return "";
}

std::string check_level(const std::string& s) {
    for (const char* l : {"trace", "debug", "info", "warn", "error"})
        if (s == l) return "";
    return "expected one of trace, debug, info, warn, error (got \"" + s + "\")";
}

std::string check_renderer(const std::string& s) {
    if (s == "auto" || s == "software" || s == "accelerated") return "";
    return "expected auto, software or accelerated (got \"" + s + "\")";
}

std::string check_station_id(const std::string& s) {
    static const std::regex pattern("^[A-Za-z0-9_-]{1,64}$");
    if (!std::regex_match(s, pattern))
        return "expected 1-64 letters, digits, '-' or '_' (got \"" + s + "\")";
    return "";
}

std::string check_not_empty(const std::string& s) { return s.empty() ? "must not be empty" : ""; }

// An array of strings, each checked; the whole array replaces the default.
template <typename Get>
Setter string_list_setter(Get get, std::function<std::string(const std::string&)> check) {
    return [get, check](const TomlValue& v, StationConfig& c) -> std::string {
        if (!v.is_array()) return "expected an array of strings, got " + type_name(v);
        std::vector<std::string> out;
        for (size_t i = 0; i < v.as_array().size(); ++i) {
            const TomlValue& item = v.as_array()[i];
            if (!item.is_string()) return "item " + std::to_string(i + 1) + ": expected a string, got " + type_name(item);
            if (std::string problem = check(item.as_string().str); !problem.empty())
                return "item " + std::to_string(i + 1) + ": " + problem;
            out.push_back(item.as_string().str);
        }
        get(c) = std::move(out);
        return "";
    };
}

std::string check_absolute(const std::string& s) {
    return !s.empty() && s[0] == '/' ? "" : "expected an absolute path pattern such as /media/*/ (got \"" + s + "\")";
}

// A pull channel: the URL of the channel file on a static HTTP origin.
std::string check_channel(const std::string& s) {
    static const std::regex pattern(R"(^http://[^/\s?#]+/[^\s?#]+$)");
    if (!std::regex_match(s, pattern))
        return "expected the channel file's http:// URL such as http://cdn.example/channels/district-7.json (got \"" +
               s + "\")";
    return "";
}

std::string check_one_of(const std::string& s, std::initializer_list<const char*> allowed);  // below

const std::map<std::string, std::map<std::string, Setter>>& schema() {
    static const std::map<std::string, std::map<std::string, Setter>> tables = {
        {"station",
         {{"name", string_setter([](StationConfig& c) -> auto& { return c.station.name; }, check_not_empty)},
          {"id", string_setter([](StationConfig& c) -> auto& { return c.station.id; }, check_station_id)},
          {"locale", string_setter([](StationConfig& c) -> auto& { return c.station.locale; }, check_not_empty)}}},
        {"display",
         {{"dpi",
           [](const TomlValue& v, StationConfig& c) -> std::string {
               double dpi;
               if (v.is_integer()) dpi = static_cast<double>(v.as_integer());
               else if (v.is_floating()) dpi = v.as_floating();
               else return "expected a number, got " + type_name(v);
               if (dpi != 0 && (dpi < 40 || dpi > 600))
                   return "must be 0 (ask the display) or between 40 and 600 (got " +
                          std::to_string(dpi) + ")";
               c.display.dpi = dpi;
               return "";
           }},
          {"touch_display", int_setter([](StationConfig& c) -> auto& { return c.display.touch_display; }, 0, 15)},
          {"public_display",
           [](const TomlValue& v, StationConfig& c) -> std::string {
               if (v.is_string() && (v.as_string().str == "auto" || v.as_string().str == "none")) {
                   c.display.public_display = v.as_string().str == "auto" ? StationConfig::Display::kPublicAuto
                                                                          : StationConfig::Display::kPublicNone;
                   return "";
               }
               if (!v.is_integer() || v.as_integer() < 0 || v.as_integer() > 15)
                   return "expected \"auto\", \"none\" or a display index from 0 to 15 (got " +
                          toml::format(v) + ")";
               c.display.public_display = int(v.as_integer());
               return "";
           }},
          {"public_window_width",
           int_setter([](StationConfig& c) -> auto& { return c.display.public_window_width; }, 320, 16384)},
          {"public_window_height",
           int_setter([](StationConfig& c) -> auto& { return c.display.public_window_height; }, 240, 16384)},
          {"fullscreen", bool_setter([](StationConfig& c) -> auto& { return c.display.fullscreen; })},
          {"window_width", int_setter([](StationConfig& c) -> auto& { return c.display.window_width; }, 320, 16384)},
          {"window_height", int_setter([](StationConfig& c) -> auto& { return c.display.window_height; }, 240, 16384)},
          {"renderer", string_setter([](StationConfig& c) -> auto& { return c.display.renderer; }, check_renderer)}}},
        {"ui", {{"idle_timeout_s", int_setter([](StationConfig& c) -> auto& { return c.ui.idle_timeout_s; }, 60, 3600)}}},
        {"api",
         {{"listen", string_setter([](StationConfig& c) -> auto& { return c.api.listen; }, check_host_port)},
          {"allow_lan", bool_setter([](StationConfig& c) -> auto& { return c.api.allow_lan; })},
          {"token_ttl_h", int_setter([](StationConfig& c) -> auto& { return c.api.token_ttl_h; }, 1, 24 * 30)},
          {"tls_cert", string_setter([](StationConfig& c) -> auto& { return c.api.tls_cert; }, check_not_empty)},
          {"tls_key", string_setter([](StationConfig& c) -> auto& { return c.api.tls_key; }, check_not_empty)}}},
        {"help",
         {{"level1_after_s", int_setter([](StationConfig& c) -> auto& { return c.help.level1_after_s; }, 10, 3600)},
          {"level2_after_s", int_setter([](StationConfig& c) -> auto& { return c.help.level2_after_s; }, 20, 7200)},
          {"realert_after_s", int_setter([](StationConfig& c) -> auto& { return c.help.realert_after_s; }, 60, 7200)},
          {"cancel_window_s", int_setter([](StationConfig& c) -> auto& { return c.help.cancel_window_s; }, 0, 120)},
          {"retention_days", int_setter([](StationConfig& c) -> auto& { return c.help.retention_days; }, 1, 3650)}}},
        {"devices",
         {{"printer", string_setter([](StationConfig& c) -> auto& { return c.devices.printer; })},
          {"idcard", string_setter([](StationConfig& c) -> auto& { return c.devices.idcard; })},
          {"qr", string_setter([](StationConfig& c) -> auto& { return c.devices.qr; })},
          {"button", string_setter([](StationConfig& c) -> auto& { return c.devices.button; })},
          {"paper_width_mm",
           [](const TomlValue& v, StationConfig& c) -> std::string {
               if (!v.is_integer()) return "expected an integer, got " + type_name(v);
               if (v.as_integer() != 58 && v.as_integer() != 80)
                   return "expected 58 or 80 (got " + std::to_string(v.as_integer()) + ")";
               c.devices.paper_width_mm = static_cast<int>(v.as_integer());
               return "";
           }},
          {"printer_chinese", string_setter([](StationConfig& c) -> auto& { return c.devices.printer_chinese; },
                                            [](const std::string& s) {
                                                if (s == "native" || s == "raster") return std::string();
                                                return "expected native or raster (got \"" + s + "\")";
                                            })},
          {"print_tickets", bool_setter([](StationConfig& c) -> auto& { return c.devices.print_tickets; })},
          {"ticket_url", string_setter([](StationConfig& c) -> auto& { return c.devices.ticket_url; })},
          {"status_poll_ms", int_setter([](StationConfig& c) -> auto& { return c.devices.status_poll_ms; }, 50, 60000)}}},
        {"content",
         {{"trusted_keys", string_list_setter([](StationConfig& c) -> auto& { return c.content.trusted_keys; },
                                              check_not_empty)},
          {"channel", string_setter([](StationConfig& c) -> auto& { return c.content.channel; },
                                    [](const std::string& s) { return s.empty() ? std::string() : check_channel(s); })},
          {"poll_interval_s", int_setter([](StationConfig& c) -> auto& { return c.content.poll_interval_s; }, 10, 86400)},
          {"quota_mb", int_setter([](StationConfig& c) -> auto& { return c.content.quota_mb; }, 0, 16 << 20)},
          {"keep_versions", int_setter([](StationConfig& c) -> auto& { return c.content.keep_versions; }, 2, 20)},
          {"usb_mounts", string_list_setter([](StationConfig& c) -> auto& { return c.content.usb_mounts; },
                                            check_absolute)}}},
        {"display_power",
         {{"backend", string_setter([](StationConfig& c) -> auto& { return c.display_power.backend; },
                                    [](const std::string& s) {
                                        if (s.empty()) return std::string();
                                        return check_one_of(s, {"sysfs", "ddc", "cec", "dpms"});
                                    })},
          {"target", string_setter([](StationConfig& c) -> auto& { return c.display_power.target; })},
          {"schedule", string_setter([](StationConfig& c) -> auto& { return c.display_power.schedule; },
                                     [](const std::string& s) {
                                         auto parsed = drivers::PowerSchedule::parse(s);
                                         return parsed ? std::string() : parsed.error().message;
                                     })},
          {"brightness", string_setter([](StationConfig& c) -> auto& { return c.display_power.brightness; },
                                       [](const std::string& s) {
                                           if (s.empty()) return std::string();
                                           auto parsed = drivers::BrightnessCurve::parse(s);
                                           return parsed ? std::string() : parsed.error().message;
                                       })}}},
        {"data", {{"dir", string_setter([](StationConfig& c) -> auto& { return c.data.dir; })}}},
        {"log", {{"level", string_setter([](StationConfig& c) -> auto& { return c.log.level; }, check_level)}}},
    };
    return tables;
}

// [[notify]] entries: an array of tables, each checked key by key like a section.
using NotifySetter = std::function<std::string(const TomlValue&, StationConfig::Notify&)>;

NotifySetter notify_string(std::string StationConfig::Notify::*field,
                           std::function<std::string(const std::string&)> check) {
    return [field, check](const TomlValue& v, StationConfig::Notify& n) -> std::string {
        if (!v.is_string()) return "expected a string, got " + type_name(v);
        const std::string& s = v.as_string().str;
        if (std::string problem = check(s); !problem.empty()) return problem;
        n.*field = s;
        return "";
    };
}

std::string check_one_of(const std::string& s, std::initializer_list<const char*> allowed) {
    std::string list;
    for (const char* a : allowed) {
        if (s == a) return "";
        list += (list.empty() ? "" : ", ") + std::string(a);
    }
    return "expected one of " + list + " (got \"" + s + "\")";
}

std::string check_url(const std::string& s) {
    static const std::regex pattern(R"(^https?://[^/\s?#]+(/[^\s]*)?$)");
    if (!std::regex_match(s, pattern)) return "expected an http:// or https:// URL (got \"" + s + "\")";
    return "";
}

const std::map<std::string, NotifySetter>& notify_schema() {
    static const std::map<std::string, NotifySetter> keys = {
        {"kind", notify_string(&StationConfig::Notify::kind,
                               [](const std::string& s) { return check_one_of(s, {"wecom", "dingtalk", "json"}); })},
        {"url", notify_string(&StationConfig::Notify::url, check_url)},
        {"secret", notify_string(&StationConfig::Notify::secret, [](const std::string&) { return std::string(); })},
        {"format", notify_string(&StationConfig::Notify::format,
                                 [](const std::string& s) { return check_one_of(s, {"text", "markdown"}); })},
        {"level",
         [](const TomlValue& v, StationConfig::Notify& n) -> std::string {
             if (!v.is_integer()) return "expected an integer, got " + type_name(v);
             if (v.as_integer() < 0 || v.as_integer() > 2)
                 return "must be between 0 and 2 (got " + std::to_string(v.as_integer()) + ")";
             n.level = static_cast<int>(v.as_integer());
             return "";
         }},
    };
    return keys;
}

template <typename Map>
std::string list_keys(const Map& map) {
    std::string out;
    for (const auto& [name, _] : map) out += (out.empty() ? "" : ", ") + name;
    return out;
}

Result<StationConfig> from_toml(const TomlValue& root, const std::string& file) {
    StationConfig config;
    for (const auto& [table_name, table] : root.as_table()) {
        if (table_name == "notify") {
            if (!table.is_array())
                return Error{where(file, table) + ": 'notify' must be an array of tables, [[notify]]"};
            for (const auto& entry : table.as_array()) {
                if (!entry.is_table()) return Error{where(file, entry) + ": 'notify' must be [[notify]] tables"};
                StationConfig::Notify notify;
                for (const auto& [key, value] : entry.as_table()) {
                    auto setter = notify_schema().find(key);
                    if (setter == notify_schema().end())
                        return Error{where(file, value) + ": unknown key 'notify." + key +
                                     "'; valid keys in [[notify]]: " + list_keys(notify_schema())};
                    if (std::string problem = setter->second(value, notify); !problem.empty())
                        return Error{where(file, value) + ": key 'notify." + key + "': " + problem};
                }
                for (const char* required : {"kind", "url"})
                    if (!entry.as_table().count(required))
                        return Error{where(file, entry) + ": key 'notify." + required + "': missing in [[notify]]"};
                config.notify.push_back(notify);
            }
            continue;
        }
        auto known_table = schema().find(table_name);
        if (known_table == schema().end())
            return Error{where(file, table) + ": unknown section '" + table_name +
                         "'; valid sections: " + list_keys(schema()) + ", notify"};
        if (!table.is_table())
            return Error{where(file, table) + ": '" + table_name + "' must be a [section]"};
        for (const auto& [key, value] : table.as_table()) {
            auto setter = known_table->second.find(key);
            if (setter == known_table->second.end())
                return Error{where(file, value) + ": unknown key '" + table_name + "." + key +
                             "'; valid keys in [" + table_name + "]: " + list_keys(known_table->second)};
            std::string problem = setter->second(value, config);
            if (!problem.empty())
                return Error{where(file, value) + ": key '" + table_name + "." + key + "': " + problem};
        }
    }
    if (config.help.level2_after_s <= config.help.level1_after_s) {
        const TomlValue& help = root.as_table().at("help");
        const TomlValue& at = help.as_table().count("level2_after_s") ? help.as_table().at("level2_after_s") : help;
        return Error{where(file, at) + ": key 'help.level2_after_s': must be greater than help.level1_after_s (" +
                     std::to_string(config.help.level1_after_s) + ")"};
    }
    if (config.display.public_display == config.display.touch_display) {
        const TomlValue& display = root.as_table().at("display");
        const TomlValue& at =
            display.as_table().count("public_display") ? display.as_table().at("public_display") : display;
        return Error{where(file, at) + ": key 'display.public_display': must differ from display.touch_display (" +
                     std::to_string(config.display.touch_display) +
                     "); \"none\" shows the content on the touchscreen only, as its attract loop"};
    }
    // Trusted keys are read now, so a bad one stops the kiosk before anything is created.
    // Relative paths are relative to the config file's folder.
    if (root.as_table().count("content") && root.as_table().at("content").as_table().count("trusted_keys")) {
        const TomlValue& at = root.as_table().at("content").as_table().at("trusted_keys");
        std::filesystem::path base = std::filesystem::path(file).parent_path();
        for (auto& key : config.content.trusted_keys) {
            std::filesystem::path path = key;
            if (path.is_relative()) path = base / path;
            auto pub = content::read_public_key(path);
            if (!pub) return Error{where(file, at) + ": key 'content.trusted_keys': " + pub.error().message};
            key = path.string();
        }
    }
    // HTTPS needs both files; their contents are checked by the API (kiosk/api/tls_identity.h).
    if (config.api.tls_cert.empty() != config.api.tls_key.empty()) {
        const TomlValue& api = root.as_table().at("api");
        bool has_cert = !config.api.tls_cert.empty();
        const TomlValue& at = api.as_table().at(has_cert ? "tls_cert" : "tls_key");
        return Error{where(file, at) + ": key 'api." + (has_cert ? "tls_key" : "tls_cert") + "': missing; api." +
                     (has_cert ? "tls_cert = \"" + config.api.tls_cert : "tls_key = \"" + config.api.tls_key) +
                     "\" needs it (HTTPS takes both the certificate and its private key, or neither)"};
    }
    for (std::string* tls_path : {&config.api.tls_cert, &config.api.tls_key}) {
        std::filesystem::path path = *tls_path;
        if (!tls_path->empty() && path.is_relative())
            *tls_path = (std::filesystem::path(file).parent_path() / path).string();
    }
    return config;
}

// toml11 errors are multi-line; keep "FILE:LINE: first line of the reason".
Error syntax_error(const toml::exception& e, const std::string& file) {
    std::string what = e.what();
    std::string first = what.substr(0, what.find('\n'));
    const std::string prefix = "[error] ";
    if (first.rfind(prefix, 0) == 0) first = first.substr(prefix.size());
    return Error{file + ":" + std::to_string(e.location().line()) + ": invalid TOML: " + first};
}

}  // namespace

Result<StationConfig> parse_config(const std::string& text, const std::string& file_name) {
    try {
        std::istringstream in(text);
        return from_toml(toml::parse(in, file_name), file_name);
    } catch (const toml::exception& e) {
        return syntax_error(e, file_name);
    } catch (const std::exception& e) {
        return Error{file_name + ": " + e.what()};
    }
}

Result<StationConfig> load_config(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error{file.string() + ": cannot read config file: " + std::strerror(errno)};
    std::ostringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), file.string());
}

}  // namespace station
