// UI strings, keyed, one catalogue per locale (kiosk/strings/<locale>.json, zh-CN first; a locale
// may be split into parts, kiosk/strings/<locale>.<part>.json, merged at load), embedded
// in the binary at build time. Code asks for a key with tr("home.help_button"); a test checks that
// every key used in the source exists in every locale.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "kiosk/core/result.h"

namespace station {

struct EmbeddedCatalogue {
    const char* locale;  // "zh-CN"
    const char* file;    // "zh-CN.signage.json"
    const char* json;    // the file's text
};
const std::vector<EmbeddedCatalogue>& embedded_catalogues();  // generated at build time, one per file
std::vector<std::string> embedded_locales();                   // each locale once, in file order
std::string join_locales();                                    // "zh-CN, en"

class Catalogue {
public:
    // Parses a catalogue: nested JSON objects of strings, flattened to dotted keys.
    static Result<Catalogue> parse(const std::string& json, const std::string& locale);
    // The embedded catalogue for `locale`; the error lists the locales there are.
    static Result<Catalogue> embedded(const std::string& locale);

    const std::string& locale() const { return locale_; }
    bool has(const std::string& key) const { return strings_.count(key) != 0; }
    // The string for `key`; a missing key returns "⟦key⟧" so the gap is visible, never a crash.
    const std::string& get(const std::string& key) const;
    const std::map<std::string, std::string>& all() const { return strings_; }

private:
    std::string locale_;
    std::map<std::string, std::string> strings_;
};

void set_active_catalogue(const Catalogue& catalogue);  // at start-up, before the UI runs
const Catalogue& active_catalogue();
inline const char* tr(const char* key) { return active_catalogue().get(key).c_str(); }
// Marks a key kept in a table for a later tr(), so the catalogue test finds and checks it.
constexpr const char* tr_key(const char* key) { return key; }

}  // namespace station
