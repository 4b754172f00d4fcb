#include "kiosk/ui/theme.h"

#include <algorithm>
#include <cmath>

namespace station::ui {
namespace {

float linear(float c) { return c <= 0.03928f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f); }

float luminance(Rgb c) { return 0.2126f * linear(c.r) + 0.7152f * linear(c.g) + 0.0722f * linear(c.b); }

}  // namespace

ImU32 Rgb::u32(float alpha) const { return ImGui::ColorConvertFloat4ToU32(ImVec4(r, g, b, alpha)); }

float contrast_ratio(Rgb a, Rgb b) {
    float la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05f) / (std::min(la, lb) + 0.05f);
}

Theme::Theme(double dpi) : dpi_(dpi) {}

float Theme::mm(double millimetres) const { return static_cast<float>(millimetres / 25.4 * dpi_); }

float Theme::pt(double points) const { return static_cast<float>(points / 72.0 * dpi_); }

}  // namespace station::ui
