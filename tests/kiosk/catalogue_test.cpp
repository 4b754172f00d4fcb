#include <doctest/doctest.h>

#include <filesystem>
#include <regex>
#include <set>

#include "kiosk/core/catalogue.h"
#include "temp_dir.h"

namespace {

// Every catalogue key in the kiosk's code: a literal inside tr("..."), tr_key("..."), fill("...")
// or .get("..."), and any literal "section.a.b" with two dots or more. (Event types such as
// "help.called" have one dot and sit outside those calls.)
std::set<std::string> keys_used_in_source(const station::Catalogue& catalogue) {
    std::set<std::string> sections;
    for (const auto& [key, _] : catalogue.all()) sections.insert(key.substr(0, key.find('.')));
    std::set<std::string> used;
    static const std::regex literal(
        R"re((?:\btr|\btr_key|\bfill|\.get)\(\s*"([a-z_]+)\.([a-z0-9_.]+)"|"([a-z_]+)\.([a-z0-9_]+\.[a-z0-9_.]+)")re");
    for (const char* folder : {"kiosk/core", "kiosk/ui", "kiosk/api"}) {
        auto root = std::filesystem::path(STATION_SOURCE_DIR) / folder;
        if (!std::filesystem::exists(root)) continue;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
            if (entry.path().extension() != ".cpp" && entry.path().extension() != ".h") continue;
            std::string text = station::test::read_file(entry.path());
            for (auto it = std::sregex_iterator(text.begin(), text.end(), literal); it != std::sregex_iterator(); ++it) {
                int first = (*it)[1].matched ? 1 : 3;
                if (sections.count((*it)[first].str())) used.insert((*it)[first].str() + "." + (*it)[first + 1].str());
            }
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
    for (const auto& locale : station::embedded_locales()) {
        auto catalogue = station::Catalogue::embedded(locale);
        REQUIRE(catalogue.ok());
        for (const std::string& key : used) {
            // Keys built at run time from a prefix ("date.weekday." + n) are checked below.
            if (key.back() == '.') continue;
            CHECK_MESSAGE(catalogue->has(key), locale << " lacks key " << key);
        }
        for (int day = 0; day < 7; ++day)
            CHECK(catalogue->has("date.weekday." + std::to_string(day)));
    }
}

TEST_CASE("every locale has the same keys as zh-CN") {
    auto zh = station::Catalogue::embedded("zh-CN");
    REQUIRE(zh.ok());
    for (const auto& locale : station::embedded_locales()) {
        auto catalogue = station::Catalogue::embedded(locale);
        REQUIRE(catalogue.ok());
        for (const auto& [key, _] : zh->all()) CHECK_MESSAGE(catalogue->has(key), locale << " lacks " << key);
        for (const auto& [key, _] : catalogue->all()) CHECK_MESSAGE(zh->has(key), "zh-CN lacks " << key);
    }
}

TEST_CASE("a locale split over several files is merged into one catalogue") {
    int zh_files = 0;
    for (const auto& embedded : station::embedded_catalogues()) {
        if (std::string(embedded.locale) != "zh-CN") continue;
        ++zh_files;
        auto part = station::Catalogue::parse(embedded.json, embedded.file);
        REQUIRE_MESSAGE(part.ok(), embedded.file);
        auto zh = station::Catalogue::embedded("zh-CN");
        REQUIRE(zh.ok());
        for (const auto& [key, text] : part->all()) CHECK(zh->get(key) == text);
    }
    CHECK(zh_files >= 1);
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
