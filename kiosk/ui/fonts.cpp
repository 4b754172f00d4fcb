#include "kiosk/ui/fonts.h"

#include <fontconfig/fontconfig.h>
#include <imgui_freetype.h>
#include <imgui_internal.h>

#include <set>

namespace station::ui {

Result<FontFile> find_cjk_font() {
    if (!FcInit()) return Error{"fontconfig failed to initialise"};
    FcPattern* pattern = FcPatternCreate();
    FcPatternAddString(pattern, FC_LANG, reinterpret_cast<const FcChar8*>("zh-cn"));
    FcPatternAddBool(pattern, FC_SCALABLE, FcTrue);
    FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result;
    FcPattern* match = FcFontMatch(nullptr, pattern, &result);
    FcPatternDestroy(pattern);

    FontFile file;
    bool covers_chinese = false;
    if (match) {
        FcChar8* path = nullptr;
        if (FcPatternGetString(match, FC_FILE, 0, &path) == FcResultMatch)
            file.path = reinterpret_cast<char*>(path);
        FcPatternGetInteger(match, FC_INDEX, 0, &file.index);
        FcLangSet* langs = nullptr;
        if (FcPatternGetLangSet(match, FC_LANG, 0, &langs) == FcResultMatch)
            covers_chinese =
                FcLangSetHasLang(langs, reinterpret_cast<const FcChar8*>("zh-cn")) == FcLangEqual;
        FcPatternDestroy(match);
    }
    if (file.path.empty() || !covers_chinese)
        return Error{
            "no font for Simplified Chinese found through fontconfig; install "
            "fonts-wqy-microhei or fonts-noto-cjk (scripts/debian-packages.txt)"};
    return file;
}

Result<Fonts> build_fonts(const FontFile& file, const Theme& theme, const std::vector<std::string>& texts) {
    auto sets = build_font_sets(file, theme, texts, false);
    if (!sets) return sets.error();
    return sets->normal;
}

Result<FontSets> build_font_sets(const FontFile& file, const Theme& theme,
                                 const std::vector<std::string>& texts, bool with_large) {
    ImGuiIO& io = ImGui::GetIO();
    ImFontAtlas* atlas = io.Fonts;
    atlas->Clear();

    // The ranges must outlive the atlas build: keep them in statics owned by this function.
    static ImVector<ImWchar> ranges, label_ranges;
    ranges.clear();
    label_ranges.clear();
    ImFontGlyphRangesBuilder builder, label_builder;
    builder.AddRanges(atlas->GetGlyphRangesDefault());
    label_builder.AddText(" 0123456789:-ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    for (const std::string& text : texts) {
        builder.AddText(text.c_str(), text.c_str() + text.size());
        if (ImTextCountCharsFromUtf8(text.c_str(), text.c_str() + text.size()) <= kDisplayLabelChars)
            label_builder.AddText(text.c_str(), text.c_str() + text.size());
    }
    builder.AddText("，。、：；？！“”‘’（）《》【】—…·％");
    builder.BuildRanges(&ranges);
    label_builder.BuildRanges(&label_ranges);
    int glyphs = 0;
    for (int i = 0; i + 1 < ranges.Size; i += 2) glyphs += ranges[i + 1] - ranges[i] + 1;

    ImFontConfig config;
    config.FontNo = file.index;
    config.OversampleH = 1;  // FreeType hints; no need for stb's oversampling
    config.OversampleV = 1;
    config.PixelSnapH = true;
    auto add = [&](double points, const ImVector<ImWchar>* glyph_ranges = nullptr) {
        return atlas->AddFontFromFileTTF(file.path.c_str(), theme.pt(points), &config,
                                         (glyph_ranges ? glyph_ranges : &ranges)->Data);
    };
    auto add_set = [&](double scale) -> std::optional<Fonts> {
        Fonts fonts;
        fonts.body = add(Theme::kBodyPt * scale);  // the first added is ImGui's default font
        fonts.small = add(Theme::kSmallPt * scale);
        fonts.title = add(Theme::kTitlePt * scale);
        fonts.tile = add(Theme::kTilePt * scale);
        fonts.help = add(Theme::kHelpPt * scale, &label_ranges);
        fonts.glyph_count = glyphs;
        fonts.scale = scale;
        if (!fonts.body || !fonts.small || !fonts.title || !fonts.tile || !fonts.help) return std::nullopt;
        return fonts;
    };
    FontSets sets;
    auto normal = add_set(1.0);
    if (!normal) return Error{"cannot load font " + file.path};
    sets.normal = *normal;
    if (with_large) {
        sets.large = add_set(Theme::kLargeTextScale);
        if (!sets.large) return Error{"cannot load font " + file.path};
    }

    atlas->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;  // a 2048x1100 atlas, not 2048x2048
    atlas->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    atlas->FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
    if (!atlas->Build()) return Error{"cannot build the font atlas from " + file.path};
    return sets;
}

AtlasSize atlas_size() {
    const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    return {atlas->TexWidth, atlas->TexHeight};
}

}  // namespace station::ui
