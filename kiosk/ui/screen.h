// Screens by name. Each screen is one file (home_screen.cpp, …) that draws from the model each
// frame and changes state only through named operations on the station's services.
//
//  - Screen       one full-window page, drawn with Dear ImGui on the UI thread
//  - Navigator    which screen is showing; home and back always in the same place
//  - make_screens every screen this build has, in menu order
#pragma once
#include <imgui.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/station.h"
#include "kiosk/ui/fonts.h"
#include "kiosk/ui/help_session.h"
#include "kiosk/ui/theme.h"

namespace station::ui {

class Navigator {
public:
    explicit Navigator(std::vector<std::string> names) : names_(std::move(names)) {}
    bool has(const std::string& name) const;          // a screen of that name exists
    bool go(const std::string& name);                 // false (and no change) for unknown names
    void back();                                      // previous screen, or home
    void home();
    const std::string& current() const { return stack_.back(); }
    size_t depth() const { return stack_.size() - 1; }  // taps from home to here: 0 at home
    const std::vector<std::string>& names() const { return names_; }

private:
    std::vector<std::string> names_;
    std::vector<std::string> stack_{"home"};          // home at the bottom, current on top
};

// What the visitor chose for this visit; KioskUi resets it when the visitor leaves.
class SignageView;
class LessonPlayer;

struct DisplayPrefs {
    bool large_text = false;                          // 大字: ctx.fonts is the large set
};

struct ScreenContext {
    Station& station;
    const Theme& theme;
    const Fonts& fonts;                               // the large set while prefs->large_text
    Navigator& nav;
    HelpSession& help;                                // this screen's 一键通达 call, if any
    ImVec2 size;                                      // window size in pixels
    DisplayPrefs* prefs = nullptr;                    // null where no visitor can change them
    SignageView* signage = nullptr;                   // the station's content player (signage_view.h)
    LessonPlayer* lessons = nullptr;                  // 学习驿站's video lessons (lesson_player.h)
    bool portrait() const { return size.y > size.x; }
    bool large_text() const { return prefs && prefs->large_text; }
};

// A state a screen can be put in, for the audit and golden images (the help screen with a call
// sent, acknowledged, resolved). `enter` uses the station's named operations; states are
// entered in order on one kiosk, so a state may build on the one before it.
struct ScreenState {
    std::string name;                                 // "acknowledged"
    std::function<void(ScreenContext&)> enter;
};

class Screen {
public:
    virtual ~Screen() = default;
    virtual const char* name() const = 0;             // stable id for --screen and the API
    virtual void draw(ScreenContext& ctx) = 0;        // UI thread, once per rendered frame
    // Milliseconds until this screen looks different with no input (a clock ticking over);
    // -1 when nothing on it changes by itself.
    virtual int64_t ms_until_change(const ScreenContext& ctx) const;
    // The screen whose tap opens this one: "home" for a service, another service's name for a
    // page inside it (at most 2 taps from home, DESIGN.md), "" for home itself and for screens
    // no tap opens (the signage loop).
    virtual std::string parent() const {
        std::string self = name();
        return self == "home" || self == "signage" ? "" : "home";  // the idle timer opens signage
    }
    // States worth auditing beyond how the screen first appears; none by default.
    virtual std::vector<ScreenState> states() const { return {}; }
};

std::vector<std::unique_ptr<Screen>> make_screens();  // every screen, "home" first
std::vector<std::string> screen_names();              // their names, same order

}  // namespace station::ui
