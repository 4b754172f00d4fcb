// The elderly-first design system (DESIGN.md, 适老化) in physical units. Sizes come from the
// display's DPI so a 20 mm target is 20 mm on the glass, whatever the resolution.
#pragma once
#include <imgui.h>

namespace station::ui {

struct Rgb {
    float r, g, b;                       // 0..1, sRGB
    ImU32 u32(float alpha = 1.f) const;  // packed for ImDrawList
};

// WCAG 2.x contrast ratio between two colours, 1..21.
float contrast_ratio(Rgb a, Rgb b);

struct Palette {
    Rgb background{0.98f, 0.96f, 0.92f};   // warm paper
    Rgb text{0.10f, 0.10f, 0.10f};         // near black: 17:1 on background
    Rgb text_muted{0.27f, 0.27f, 0.27f};   // still ≥ 7:1 on background
    Rgb header{0.62f, 0.06f, 0.06f};       // Party red band
    Rgb header_text{1.f, 1.f, 1.f};
    Rgb help{0.66f, 0.07f, 0.07f};         // the help button: body text on it 7.6:1
    Rgb help_pressed{0.52f, 0.05f, 0.05f};
    Rgb help_text{1.f, 1.f, 1.f};
    Rgb tile{1.f, 1.f, 1.f};
    Rgb tile_pressed{0.90f, 0.90f, 0.88f};
    Rgb tile_border{0.35f, 0.35f, 0.35f};
    Rgb tile_disabled{0.92f, 0.91f, 0.89f};
    Rgb accent{0.06f, 0.28f, 0.55f};       // stripes, marks, 大字 on: 7:1 as text on tile_pressed
};

class Theme {
public:
    explicit Theme(double dpi);            // dpi of the screen the UI is on

    double dpi() const { return dpi_; }
    float mm(double millimetres) const;    // physical length -> pixels
    float pt(double points) const;         // type size in points -> pixels

    // Type scale, in points (≥ 18 pt everywhere, DESIGN.md).
    static constexpr double kSmallPt = 18, kBodyPt = 24, kTitlePt = 32, kTilePt = 36, kHelpPt = 64;
    static constexpr double kLineSpacing = 1.35;          // ≥ 1.3
    static constexpr double kLargeTextScale = 1.25;       // 大字: every size of the scale, enlarged
    // The contrast floors: text smaller than kLargeTextPt is body text (7:1); larger text and
    // controls (a target's fill or border against what surrounds it) need 4.5:1.
    static constexpr double kLargeTextPt = 28;
    static constexpr float kBodyContrast = 7.f, kLargeContrast = 4.5f;
    static constexpr double kMinTargetMm = 20, kHelpTargetMm = 40;

    Palette colors;

private:
    double dpi_;
};

}  // namespace station::ui
