// Fonts: a CJK font found through fontconfig, baked into one ImGui atlas at the type scale's
// sizes, with only the glyphs of the strings in use (the catalogue, the station's name, and
// later the active content): a few hundred glyphs instead of 20 000 (STACK.md).
#pragma once
#include <imgui.h>

#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/result.h"
#include "kiosk/ui/theme.h"

namespace station::ui {

struct FontFile {
    std::string path;   // e.g. /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
    int index = 0;      // face inside a .ttc collection
};

// The best installed font for Simplified Chinese; the error says which package to install.
Result<FontFile> find_cjk_font();

struct Fonts {
    ImFont* small = nullptr;   // Theme::kSmallPt
    ImFont* body = nullptr;    // Theme::kBodyPt
    ImFont* title = nullptr;   // Theme::kTitlePt
    ImFont* tile = nullptr;    // Theme::kTilePt
    ImFont* help = nullptr;    // Theme::kHelpPt
    int glyph_count = 0;       // distinct code points baked
    double scale = 1.0;        // 1, or Theme::kLargeTextScale for the 大字 set
};

// Both type scales: `large` is null until asked for (the 大字 toggle's first use), so a kiosk
// nobody enlarges never pays for it.
struct FontSets {
    Fonts normal;
    std::optional<Fonts> large;
};

// Adds the fonts to the current ImGui context's atlas and builds it. `texts` are every string the
// UI may draw; ASCII is always included. The largest size (help) holds only the glyphs of short
// labels (≤ kDisplayLabelChars characters): big words, never sentences, so it costs little.
// Call on the UI thread, before the first frame.
Result<Fonts> build_fonts(const FontFile& file, const Theme& theme, const std::vector<std::string>& texts);
inline constexpr int kDisplayLabelChars = 8;
// The same, with the large set (every size x Theme::kLargeTextScale) in the same atlas when
// `with_large`; both sets hold the same glyphs.
Result<FontSets> build_font_sets(const FontFile& file, const Theme& theme, const std::vector<std::string>& texts,
                                 bool with_large);

// Atlas size in pixels after build_fonts(), for logs and the bench.
struct AtlasSize {
    int width = 0, height = 0;
};
AtlasSize atlas_size();

}  // namespace station::ui
