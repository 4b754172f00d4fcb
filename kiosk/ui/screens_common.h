// Layout shared by the service screens of issue 8 (notices, activities, guide, lessons,
// suggestions, rating): the header, the nav bar and a page title in the same places on every
// one; big buttons; lists shown a page at a time with 上一页 / 下一页 (no scrolling: a finger
// that drags by mistake must not lose the place).
#pragma once
#include <string>

#include "kiosk/ui/screen.h"
#include "kiosk/ui/widgets.h"

namespace station::ui {

// Draws the header, the nav bar and `title`; returns the rectangle left for the page's body.
Rect service_page(ScreenContext& ctx, const std::string& title);

// A large button with a centred label in the tile font. `selected` fills it with the accent
// colour and prefixes "√ " so the choice reads without colour.
bool big_button(ScreenContext& ctx, const char* id, const Rect& rect, const std::string& label,
                bool enabled = true, bool selected = false);

// A pager: how many rows fit in `area` at `row_height` (at least 1), and the 上一页 / 下一页
// bar at the bottom of `area` when there is more than one page. Returns the rows' area.
struct Pager {
    int page = 0;
    int per_page = 1;
    int pages = 1;
    int first() const { return page * per_page; }
    // Sets per_page and pages for `count` rows; draws the bar when needed; returns the rows' area.
    Rect layout(ScreenContext& ctx, const Rect& area, float row_height, int count);
};

}  // namespace station::ui
