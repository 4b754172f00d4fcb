#include "kiosk/ui/screen.h"

#include <algorithm>

namespace station::ui {

std::unique_ptr<Screen> make_home_screen();
std::unique_ptr<Screen> make_help_screen();
std::unique_ptr<Screen> make_devices_screen();  // devices_screen.cpp (staff: 设备状态)
std::unique_ptr<Screen> make_signage_screen();  // signage_screen.cpp
std::unique_ptr<Screen> make_notices_screen();      // notices_screen.cpp
void add_activities_screens(std::vector<std::unique_ptr<Screen>>& screens);  // activities, activity
std::unique_ptr<Screen> make_guide_screen();        // guide_screen.cpp
std::unique_ptr<Screen> make_lessons_screen();      // notices_screen.cpp
std::unique_ptr<Screen> make_suggestions_screen();  // suggestions_screen.cpp
std::unique_ptr<Screen> make_rating_screen();       // rating_screen.cpp

std::vector<std::unique_ptr<Screen>> make_screens() {
    std::vector<std::unique_ptr<Screen>> screens;
    screens.push_back(make_home_screen());
    screens.push_back(make_help_screen());
    screens.push_back(make_signage_screen());
    screens.push_back(make_notices_screen());
    add_activities_screens(screens);
    screens.push_back(make_guide_screen());
    screens.push_back(make_lessons_screen());
    screens.push_back(make_suggestions_screen());
    screens.push_back(make_rating_screen());
    screens.push_back(make_devices_screen());
    return screens;
}

std::vector<std::string> screen_names() {
    std::vector<std::string> names;
    for (const auto& screen : make_screens()) names.emplace_back(screen->name());
    return names;
}

int64_t Screen::ms_until_change(const ScreenContext&) const { return -1; }

bool Navigator::has(const std::string& name) const {
    return std::find(names_.begin(), names_.end(), name) != names_.end();
}

bool Navigator::go(const std::string& name) {
    if (!has(name)) return false;
    if (name == "home") {
        home();
    } else if (current() != name) {
        stack_.push_back(name);
    }
    return true;
}

void Navigator::back() {
    if (stack_.size() > 1) stack_.pop_back();
}

void Navigator::home() { stack_.resize(1); }

}  // namespace station::ui
