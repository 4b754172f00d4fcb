// Signage: the station's content full screen, in the layout its schedule names (main media, notice
// column, ticker, date and time, the help queue). The public display's screen, and the
// touchscreen's attract loop after the idle timeout; there one touch anywhere goes home (KioskUi).
#include "kiosk/ui/screen.h"
#include "kiosk/ui/signage_view.h"

namespace station::ui {
namespace {

class SignageScreen final : public Screen {
public:
    const char* name() const override { return "signage"; }

    void draw(ScreenContext& ctx) override {
        if (ctx.signage) ctx.signage->draw(ctx, Rect{ImVec2(0, 0), ctx.size});
    }

    int64_t ms_until_change(const ScreenContext& ctx) const override {
        return ctx.signage ? ctx.signage->ms_until_change(ctx.station.clock().now_ms()) : -1;
    }
};

}  // namespace

std::unique_ptr<Screen> make_signage_screen() {
    return std::make_unique<SignageScreen>();
}

}  // namespace station::ui
