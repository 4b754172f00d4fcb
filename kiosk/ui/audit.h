// The self-audit (station-kiosk --audit): every registered screen, in each state it declares and
// at both type sizes, rendered offscreen and measured against DESIGN.md's elderly-first floors:
//
//  - every enabled touch target at least Theme::kMinTargetMm on its short side (the help button
//    Theme::kHelpTargetMm), its fill or border 4.5:1 against what surrounds it
//  - every text at least Theme::kSmallPt, 7:1 against what is behind it (4.5:1 from
//    Theme::kLargeTextPt up), on the screen and inside the button it labels
//
// What is behind a text is read from a second render of the same frame with text hidden.
#pragma once
#include <string>
#include <vector>

#include "kiosk/core/station.h"

namespace station::ui {

struct AuditReport {
    int screens = 0;           // registered screens audited
    int renders = 0;           // screen x state x type size
    int targets = 0;           // enabled touch targets measured, over all renders
    double min_target_mm = 0;  // the smallest target's short side
    double min_text_pt = 0;
    double min_contrast = 0;              // over texts and targets
    std::vector<std::string> violations;  // one line each: screen[state]: item: value against floor
    // "audit: screens=N targets=N min_target_mm=X min_text_pt=X min_contrast=X violations=N"
    std::string summary() const;
};

// Renders every screen of make_screens() at width x height pixels and `dpi`. Screens' states use
// the station's operations (a help call is made, acknowledged, resolved): give it a station on a
// throwaway data folder. UI thread; creates its own offscreen SDL window.
Result<AuditReport> run_audit(Station& station, int width, int height, double dpi);

}  // namespace station::ui
