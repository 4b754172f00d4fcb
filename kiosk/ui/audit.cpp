#include "kiosk/ui/audit.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "kiosk/ui/kiosk_ui.h"
#include "kiosk/ui/offscreen.h"
#include "kiosk/ui/widgets.h"

namespace station::ui {
namespace {

std::string format(const char* pattern, double value) {
    char text[32];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

// The first characters of a text, to name it in a violation.
std::string excerpt(const std::string& text) {
    const char* p = text.c_str();
    const char* end = p + text.size();
    for (int chars = 0; p < end && chars < 16; ++chars) {
        unsigned int c = 0;
        p += ImTextCharFromUtf8(&c, p, end);
    }
    return "\"" + std::string(text.c_str(), p) + (p < end ? "…" : "") + "\"";
}

struct Frame {
    const std::vector<uint8_t>& rgba;
    int width, height;
    bool inside(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < height; }
    uint32_t at(int x, int y) const {
        size_t i = (size_t(y) * size_t(width) + size_t(x)) * 4;
        return uint32_t(rgba[i]) << 16 | uint32_t(rgba[i + 1]) << 8 | uint32_t(rgba[i + 2]);
    }
};

Rgb to_rgb(uint32_t packed) {
    return {float((packed >> 16) & 0xFF) / 255.f, float((packed >> 8) & 0xFF) / 255.f,
            float(packed & 0xFF) / 255.f};
}

// The colours that cover at least `share` of the sampled points (the most common always).
std::vector<Rgb> dominant(const std::map<uint32_t, int>& counts, double share) {
    int total = 0, most = 0;
    for (const auto& [colour, count] : counts) {
        total += count;
        most = std::max(most, count);
    }
    std::vector<Rgb> colours;
    for (const auto& [colour, count] : counts)
        if (count == most || count >= share * total) colours.push_back(to_rgb(colour));
    return colours;
}

class Auditor {
public:
    Auditor(AuditReport& report, double dpi, int width, int height)
        : report_(report), dpi_(dpi), width_(width), height_(height) {}

    // One rendered screen: `record` is what the widgets drew, `behind` the same frame without text.
    void check(const std::string& where, const FrameRecord& record, const std::vector<uint8_t>& behind) {
        Frame frame{behind, width_, height_};
        for (const DrawnTarget& target : record.targets)
            if (target.enabled) check_target(where, record, target, frame);
        for (const DrawnText& text : record.texts) check_text(where, record, text, frame);
    }

private:
    double to_mm(float px) const { return double(px) * 25.4 / dpi_; }
    double to_pt(float px) const { return double(px) * 72.0 / dpi_; }

    void violation(const std::string& where, const std::string& item, const std::string& what) {
        report_.violations.push_back(where + ": " + item + ": " + what);
    }

    void contrast_seen(double ratio) {
        report_.min_contrast = report_.min_contrast == 0 ? ratio : std::min(report_.min_contrast, ratio);
    }

    // A target is named by its id and the words on it.
    static std::string target_name(const FrameRecord& record, const DrawnTarget& target) {
        for (const DrawnText& text : record.texts) {
            ImVec2 c = text.rect.center();
            if (c.x >= target.rect.min.x && c.x <= target.rect.max.x && c.y >= target.rect.min.y &&
                c.y <= target.rect.max.y)
                return "target " + target.id + " " + excerpt(text.text);
        }
        return "target " + target.id;
    }

    void check_target(const std::string& where, const FrameRecord& record, const DrawnTarget& target,
                      const Frame& frame) {
        // Only the part on the glass can be touched.
        float w = std::min(target.rect.max.x, float(width_)) - std::max(target.rect.min.x, 0.f);
        float h = std::min(target.rect.max.y, float(height_)) - std::max(target.rect.min.y, 0.f);
        double mm = to_mm(std::max(0.f, std::min(w, h)));
        ++report_.targets;
        report_.min_target_mm = report_.targets == 1 ? mm : std::min(report_.min_target_mm, mm);
        if (mm + 0.05 < target.min_mm)
            violation(where, target_name(record, target),
                      format("%.1f mm", mm) + " < " + format("%.0f mm", target.min_mm));

        // What surrounds it: a ring just outside its edges.
        std::map<uint32_t, int> counts;
        int gap = std::max(2, int(std::lround(dpi_ / 25.4)));  // about 1 mm out
        auto sample = [&](float x, float y) {
            int ix = int(x), iy = int(y);
            if (frame.inside(ix, iy)) ++counts[frame.at(ix, iy)];
        };
        for (float x = target.rect.min.x; x < target.rect.max.x; x += 4) {
            sample(x, target.rect.min.y - float(gap));
            sample(x, target.rect.max.y + float(gap));
        }
        for (float y = target.rect.min.y; y < target.rect.max.y; y += 4) {
            sample(target.rect.min.x - float(gap), y);
            sample(target.rect.max.x + float(gap), y);
        }
        if (counts.empty()) return;  // it fills the screen: nothing around it to stand out from
        double worst = 21;
        for (Rgb around : dominant(counts, 0.25)) {
            double ratio = contrast_ratio(target.fill, around);
            if (target.border_px >= 1.5f)
                ratio = std::max(ratio, double(contrast_ratio(target.border, around)));
            worst = std::min(worst, ratio);
        }
        contrast_seen(worst);
        if (worst + 0.005 < Theme::kLargeContrast)
            violation(
                where, target_name(record, target),
                "contrast " + format("%.2f", worst) + ":1 < " + format("%.1f", Theme::kLargeContrast) + ":1");
    }

    void check_text(const std::string& where, const FrameRecord& record, const DrawnText& text,
                    const Frame& frame) {
        if (text.text.find_first_not_of(" \t\n") == std::string::npos) return;  // draws nothing
        std::string item = "text " + excerpt(text.text);
        double pt = to_pt(text.size_px);
        report_.min_text_pt = report_.min_text_pt == 0 ? pt : std::min(report_.min_text_pt, pt);
        if (pt + 0.05 < Theme::kSmallPt)
            violation(where, item, format("%.1f pt", pt) + " < " + format("%.0f pt", Theme::kSmallPt));

        const Rect& r = text.rect;
        if (r.min.x < -1 || r.min.y < -1 || r.max.x > float(width_) + 1 || r.max.y > float(height_) + 1) {
            violation(where, item, "runs off the screen");
            return;
        }
        // Inside the button it labels: the smallest target under its centre.
        const DrawnTarget* under = nullptr;
        ImVec2 c = r.center();
        for (const DrawnTarget& target : record.targets) {
            const Rect& t = target.rect;
            if (c.x < t.min.x || c.x > t.max.x || c.y < t.min.y || c.y > t.max.y) continue;
            if (!under || t.width() * t.height() < under->rect.width() * under->rect.height())
                under = &target;
        }
        if (under) {
            const Rect& t = under->rect;
            float over =
                std::max({t.min.x - r.min.x, r.max.x - t.max.x, t.min.y - r.min.y, r.max.y - t.max.y});
            if (over > 1) violation(where, item, format("overflows %.0f px", over) + " out of " + under->id);
        }

        std::map<uint32_t, int> counts;
        float step = std::max(1.f, text.size_px / 8);
        for (float y = r.min.y; y < r.max.y; y += step)
            for (float x = r.min.x; x < r.max.x; x += step)
                if (frame.inside(int(x), int(y))) ++counts[frame.at(int(x), int(y))];
        if (counts.empty()) return;
        double worst = 21;
        for (Rgb behind : dominant(counts, 0.15))
            worst = std::min(worst, double(contrast_ratio(text.color, behind)));
        contrast_seen(worst);
        double floor = pt + 0.05 < Theme::kLargeTextPt ? Theme::kBodyContrast : Theme::kLargeContrast;
        if (worst + 0.005 < floor)
            violation(where, item,
                      "contrast " + format("%.2f", worst) + ":1 < " + format("%.1f", floor) + ":1");
    }

    AuditReport& report_;
    double dpi_;
    int width_, height_;
};

// Renders until the UI stops asking for another frame (new glyphs, a changed type size).
void render_settled(OffscreenKiosk& kiosk) {
    kiosk.render_frame();
    for (int i = 0; i < 5 && kiosk.ui().wants_frame(); ++i) kiosk.render_frame();
}

// Opens `name` the way a visitor does, through its parents, so a page two taps deep has its 返回.
void open_screen(Navigator& nav, const std::vector<std::unique_ptr<Screen>>& screens,
                 const std::string& name) {
    std::vector<std::string> path;
    for (std::string at = name; !at.empty() && at != "home" && path.size() < 8;) {
        path.push_back(at);
        auto screen =
            std::find_if(screens.begin(), screens.end(), [&](const auto& s) { return s->name() == at; });
        at = screen == screens.end() ? "" : (*screen)->parent();
    }
    nav.home();
    for (auto step = path.rbegin(); step != path.rend(); ++step) nav.go(*step);
}

}  // namespace

std::string AuditReport::summary() const {
    char line[256];
    std::snprintf(
        line, sizeof line,
        "audit: screens=%d targets=%d min_target_mm=%.1f min_text_pt=%.1f min_contrast=%.2f violations=%zu",
        screens, targets, min_target_mm, min_text_pt, min_contrast, violations.size());
    return line;
}

Result<AuditReport> run_audit(Station& station, int width, int height, double dpi) {
    auto created = OffscreenKiosk::create(station, width, height, dpi);
    if (!created) return created.error();
    OffscreenKiosk& kiosk = **created;
    KioskUi& ui = kiosk.ui();
    AuditReport report;
    Auditor auditor(report, dpi, width, height);
    std::vector<std::unique_ptr<Screen>> screens = make_screens();
    for (const auto& screen : screens) {
        ++report.screens;
        std::vector<ScreenState> states{{"", nullptr}};
        for (ScreenState& state : screen->states()) states.push_back(std::move(state));
        for (bool large : {false, true}) {
            ui.help().dismiss();
            ui.prefs().large_text = large;
            for (const ScreenState& state : states) {
                if (state.enter) {
                    ScreenContext ctx = ui.context();
                    state.enter(ctx);
                    kiosk.settle();
                }
                open_screen(ui.navigator(), screens, screen->name());
                render_settled(kiosk);
                FrameRecord record;
                record_frame(&record);
                kiosk.render_frame();
                record_frame(nullptr);
                set_text_hidden(true);
                kiosk.render_frame();
                set_text_hidden(false);
                std::string where = screen->name();
                std::string tags = state.name;
                if (large) tags += tags.empty() ? "large" : ", large";
                if (!tags.empty()) where += "[" + tags + "]";
                auditor.check(where, record, kiosk.pixels_rgba());
                ++report.renders;
            }
        }
    }
    // "还需要时间吗？" over a service screen, at both type sizes. Only what the prompt draws is
    // measured: the screen under it is dimmed on purpose, and was audited on its own above.
    auto service = std::find_if(screens.begin(), screens.end(), [](const auto& s) {
        return s->parent() == "home" && std::string(s->name()) != "help";
    });
    for (bool large : {false, true}) {
        if (service == screens.end()) break;
        ui.help().dismiss();
        ui.prefs().large_text = large;
        open_screen(ui.navigator(), screens, (*service)->name());
        render_settled(kiosk);
        FrameRecord under;
        record_frame(&under);
        kiosk.render_frame();
        record_frame(nullptr);
        ui.show_idle_prompt();
        render_settled(kiosk);
        FrameRecord record;
        record_frame(&record);
        kiosk.render_frame();
        record_frame(nullptr);
        set_text_hidden(true);
        kiosk.render_frame();
        set_text_hidden(false);
        // The prompt is drawn after the screen: its items follow the screen's in the record.
        FrameRecord prompt;
        prompt.targets.assign(record.targets.begin() + std::ptrdiff_t(std::min(under.targets.size(), record.targets.size())),
                              record.targets.end());
        prompt.texts.assign(record.texts.begin() + std::ptrdiff_t(std::min(under.texts.size(), record.texts.size())),
                            record.texts.end());
        std::string where = std::string("idle_prompt[") + (*service)->name() + (large ? ", large" : "") + "]";
        if (!prompt.find("##more_time")) report.violations.push_back(where + ": the prompt's button was not drawn");
        auditor.check(where, prompt, kiosk.pixels_rgba());
        ++report.renders;
        if (const DrawnTarget* button = prompt.find("##more_time")) {  // answered, as a visitor would
            simulate_tap(button->rect.center());
            kiosk.render_frame();
        }
    }
    ui.help().dismiss();
    ui.prefs().large_text = false;
    return report;
}

}  // namespace station::ui
