#include "admin/console/console_config.h"

#include <toml.hpp>

#include <fstream>
#include <sstream>

#include "admin/client/api_client.h"
#include "admin/client/tls.h"

namespace station::console {
namespace {

std::string where(const std::string& file, const toml::value& value) {
    auto line = value.location().line();
    return file + (line > 0 ? ":" + std::to_string(line) : "");
}

}  // namespace

Result<ConsoleConfig> parse_console_config(const std::string& text, const std::string& file_name) {
    toml::value root;
    try {
        std::istringstream in(text);
        root = toml::parse(in, file_name);
    } catch (const toml::exception& e) {
        std::string what = e.what();
        std::string first = what.substr(0, what.find('\n'));
        if (first.rfind("[error] ", 0) == 0) first = first.substr(8);
        return Error{file_name + ":" + std::to_string(e.location().line()) + ": invalid TOML: " + first};
    }
    ConsoleConfig config;
    for (const auto& [key, value] : root.as_table()) {
        if (key == "kiosks") {
            if (!value.is_array())
                return Error{where(file_name, value) + ": key 'kiosks': expected a list of addresses"};
            for (const auto& entry : value.as_array()) {
                if (!entry.is_string())
                    return Error{where(file_name, entry) + ": key 'kiosks': expected addresses as strings"};
                std::string url = entry.as_string();
                if (auto problem = admin::ApiClient::url_problem(url))
                    return Error{where(file_name, entry) + ": key 'kiosks': " + *problem};
                config.kiosks.push_back(url);
            }
        } else if (key == "user") {
            if (!value.is_string()) return Error{where(file_name, value) + ": key 'user': expected a string"};
            config.user = value.as_string();
        } else if (key == "pin_cert") {
            auto canonical = value.is_string() ? admin::normalize_fingerprint(value.as_string()) : std::nullopt;
            if (!canonical)
                return Error{where(file_name, value) +
                             ": key 'pin_cert': expected a SHA-256 fingerprint, 64 hex digits with or without colons"};
            config.pin_cert = *canonical;
        } else if (key == "pin_certs") {
            if (!value.is_table())
                return Error{where(file_name, value) + ": key 'pin_certs': expected a table of address = fingerprint"};
            for (const auto& [url, pin] : value.as_table()) {
                if (auto problem = admin::ApiClient::url_problem(url))
                    return Error{where(file_name, pin) + ": key 'pin_certs." + url + "': " + *problem};
                auto canonical = pin.is_string() ? admin::normalize_fingerprint(pin.as_string()) : std::nullopt;
                if (!canonical)
                    return Error{where(file_name, pin) + ": key 'pin_certs." + url +
                                 "': expected a SHA-256 fingerprint, 64 hex digits with or without colons"};
                config.pin_certs[url] = *canonical;
            }
        } else {
            return Error{where(file_name, value) + ": key '" + key +
                         "': unknown; expected kiosks, user, pin_cert or pin_certs"};
        }
    }
    return config;
}

Result<ConsoleConfig> load_console_config(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error{file + ": cannot read the console's config file"};
    std::ostringstream text;
    text << in.rdbuf();
    return parse_console_config(text.str(), file);
}

}  // namespace station::console
