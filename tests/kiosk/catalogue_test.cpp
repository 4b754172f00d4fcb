#include <doctest/doctest.h>

#include <filesystem>
#include <regex>
#include <set>

#include "kiosk/core/catalogue.h"
#include "temp_dir.h"

namespace {

// Every string literal in the kiosk's code that looks like a catalogue key: it starts with one of
// the catalogue's top-level sections followed by a dot ("home.help_button", "tile.notices").
std::set<std::string> keys_used_in_source(const station::Catalogue& catalogue) {
    std::set<std::string> sections;
    for (const auto& [key, _] : catalogue.all()) sections.insert(key.substr(0, key.find('.')));
    std::set<std::string> used;
    static const std::regex literal(R"re("([a-z_]+)\.([a-z0-9_.]+)")re");
    for (const char* folder : {"kiosk/core", "kiosk/ui", "kiosk/api"}) {
        auto root = std::filesystem::path(STATION_SOURCE_DIR) / folder;
        if (!std::filesystem::exists(root)) continue;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
            if (entry.path().extension() != ".cpp" && entry.path().extension() != ".h") continue;
            std::string text = station::test::read_file(entry.path());
            for (auto it = std::sregex_iterator(text.begin(), text.end(), literal); it != std::sregex_iterator(); ++it)
                if (sections.count((*it)[1].str())) used.insert((*it)[1].str() + "." + (*it)[2].str());
        }
    }
    return used;
}

}  // namespace

TEST_CASE("every catalogue key used in the code exists in every locale") {
    auto zh = station::Catalogue::embedded("zh-CN");
    REQUIRE(zh.ok());
    std::set<std::string> used = keys_used_in_source(*zh);
    CHECK(used.size() > 10);  // the scan found the screens' keys
    for (const auto& embedded : station::embedded_catalogues()) {
        auto catalogue = station::Catalogue::parse(embedded.json, embedded.locale);
        REQUIRE(catalogue.ok());
        for (const std::string& key : used) {
            // Keys built at run time from a prefix ("date.weekday." + n) are checked below.
            if (key.back() == '.') continue;
            CHECK_MESSAGE(catalogue->has(key), embedded.locale << " lacks key " << key);
        }
        for (int day = 0; day < 7; ++day)
            CHECK(catalogue->has("date.weekday." + std::to_string(day)));
    }
}

TEST_CASE("every locale has the same keys as zh-CN") {
    auto zh = station::Catalogue::embedded("zh-CN");
    REQUIRE(zh.ok());
    for (const auto& embedded : station::embedded_catalogues()) {
        auto catalogue = station::Catalogue::parse(embedded.json, embedded.locale);
        REQUIRE(catalogue.ok());
        for (const auto& [key, _] : zh->all()) CHECK_MESSAGE(catalogue->has(key), embedded.locale << " lacks " << key);
        for (const auto& [key, _] : catalogue->all()) CHECK_MESSAGE(zh->has(key), "zh-CN lacks " << key);
    }
}

TEST_CASE("an unknown locale lists the ones there are") {
    auto catalogue = station::Catalogue::embedded("fr-FR");
    REQUIRE_FALSE(catalogue.ok());
    CHECK(catalogue.error().message.find("available: zh-CN") != std::string::npos);
}

TEST_CASE("a missing key shows itself instead of crashing") {
    auto catalogue = station::Catalogue::parse(R"({"home": {"title": "首页"}})", "test");
    REQUIRE(catalogue.ok());
    CHECK(catalogue->get("home.title") == "首页");
    CHECK(catalogue->get("home.nothing") == "⟦home.nothing⟧");
}

TEST_CASE("a catalogue with a non-string value is refused naming the key") {
    auto catalogue = station::Catalogue::parse(R"({"home": {"count": 3}})", "test");
    REQUIRE_FALSE(catalogue.ok());
    CHECK(catalogue.error().message.find("key 'home.count'") != std::string::npos);
}
