#include "kiosk/core/catalogue.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace station {
namespace {

std::string flatten(const nlohmann::json& node, const std::string& prefix,
                    std::map<std::string, std::string>& out) {
    for (auto it = node.begin(); it != node.end(); ++it) {
        std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it->is_object()) {
            std::string problem = flatten(*it, key, out);
            if (!problem.empty()) return problem;
        } else if (it->is_string()) {
            out[key] = it->get<std::string>();
        } else {
            return "key '" + key + "' must be a string or an object, got " + it->type_name();
        }
    }
    return "";
}

Catalogue& active_storage() {
    static Catalogue catalogue;
    return catalogue;
}

}  // namespace

Result<Catalogue> Catalogue::parse(const std::string& json, const std::string& locale) {
    nlohmann::json root = nlohmann::json::parse(json, nullptr, false);
    if (root.is_discarded() || !root.is_object())
        return Error{"string catalogue " + locale + ": not a JSON object"};
    Catalogue catalogue;
    catalogue.locale_ = locale;
    std::string problem = flatten(root, "", catalogue.strings_);
    if (!problem.empty()) return Error{"string catalogue " + locale + ": " + problem};
    return catalogue;
}

Result<Catalogue> Catalogue::embedded(const std::string& locale) {
    // A locale's strings may be split over several files (zh-CN.json, zh-CN.signage.json, ...);
    // they are merged, and a key defined in two of them is an error.
    std::optional<Catalogue> merged;
    for (const auto& c : embedded_catalogues()) {
        if (locale != c.locale) continue;
        auto part = parse(c.json, std::string(c.locale) + " (" + c.file + ")");
        if (!part) return part.error();
        if (!merged) {
            merged = std::move(*part);
            merged->locale_ = locale;
            continue;
        }
        for (auto& [key, text] : part->strings_) {
            if (!merged->strings_.emplace(key, text).second)
                return Error{"string catalogue " + locale + ": key '" + key + "' is defined twice (again in " +
                             c.file + ")"};
        }
    }
    if (merged) return std::move(*merged);
    return Error{"no string catalogue for locale '" + locale + "'; available: " + join_locales()};
}

std::string join_locales() {
    std::string known;
    for (const auto& locale : embedded_locales()) known += (known.empty() ? "" : ", ") + locale;
    return known;
}

std::vector<std::string> embedded_locales() {
    std::vector<std::string> locales;
    for (const auto& c : embedded_catalogues())
        if (std::find(locales.begin(), locales.end(), c.locale) == locales.end()) locales.push_back(c.locale);
    return locales;
}

const std::string& Catalogue::get(const std::string& key) const {
    auto it = strings_.find(key);
    if (it != strings_.end()) return it->second;
    static std::mutex mutex;
    static std::map<std::string, std::string> missing;  // guarded by mutex; stable references
    std::lock_guard<std::mutex> guard(mutex);
    auto [entry, inserted] = missing.emplace(key, "⟦" + key + "⟧");
    if (inserted) spdlog::warn("catalogue {}: missing key '{}'", locale_, key);
    return entry->second;
}

void set_active_catalogue(const Catalogue& catalogue) { active_storage() = catalogue; }

const Catalogue& active_catalogue() { return active_storage(); }

}  // namespace station
