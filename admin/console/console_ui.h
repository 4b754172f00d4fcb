// ConsoleUi: station-admin's screens, drawn with Dear ImGui from KioskLink snapshots each frame
// (the UI keeps no copy of the kiosks' state, only its own form fields). Tabs:
//   呼叫 calls     the live help queue across kiosks: ticket, category, state in words, waiting
//                  time, SLA countdown, escalation level; 确认 / 到达 / 解决 (with a note) in a click
//   设备 devices   each kiosk online or not, and its devices' health
//   内容 content   each kiosk's active content version and, while a push arrives, its progress
//                  (the kiosk reports bytes received of the push's total in GET /api/v1/content)
//   屏幕 screens   what each kiosk shows now (GET /api/v1/screenshot thumbnails)
//   通知 alerts    send an emergency notice to every kiosk, withdraw one
//   活动 activities  upcoming activities with sign-ups against the minimum (达到 / 未达到), create
//                  one, see one's sign-ups (masked ids only), print the list on the kiosk's printer
//   报表 reports   per day: calls, time to acknowledge, SLA share, satisfaction; chart; CSV export
//   用户 users     (admin) accounts, add one, reset a PIN
//
// Threads: UI thread only. Network work goes to the KioskLinks' workers.
#pragma once
#include <SDL.h>
#include <imgui.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "admin/client/kiosk_link.h"

namespace station::console {

enum class Tab { calls, devices, content, screens, alerts, activities, reports, users };
const std::vector<std::pair<Tab, const char*>>& tab_names();  // {Tab::calls, "calls"}, ...

struct ConsoleFonts {
    ImFont* body = nullptr;   // 22 px
    ImFont* title = nullptr;  // 30 px
    ImFont* big = nullptr;    // 44 px: tickets
};

// The fonts at the console's sizes: a Simplified Chinese font through fontconfig (as the kiosk
// finds it), the common 2 500 characters, the console's own words and `extra_text`'s characters;
// ImGui's default font with a message when none is found. Call with a current ImGui context,
// before the first frame (or after io.Fonts->Clear(), between frames: ConsoleUi::refresh_fonts).
ConsoleFonts load_console_fonts(const std::string& extra_text = "");
void apply_console_style();  // the kiosk's warm paper and Party red, roomy spacing

class ConsoleUi {
public:
    ConsoleUi(std::vector<admin::KioskLink*> links, SDL_Renderer* renderer, ConsoleFonts fonts,
              std::string user);
    ~ConsoleUi();  // frees thumbnail textures

    void draw(int64_t now_ms);  // one frame's widgets (between NewFrame and Render)
    // Kiosk data (activity titles, names, notes...) may hold characters outside the atlas (e.g. 戏):
    // draw() notes each new one, and this rebuilds the atlas with them, once per batch, never for a
    // character already asked for (one the font lacks stays a box without a rebuild every frame).
    // Call before NewFrame; true when it rebuilt (fonts() changed, io.FontDefault too).
    bool refresh_fonts();
    const ConsoleFonts& fonts() const { return fonts_; }
    int atlas_rebuilds() const { return atlas_rebuilds_; }
    void set_tab(Tab tab) {
        tab_ = tab;
        tab_forced_ = true;
    }
    void set_report_range(const std::string& from, const std::string& to);
    void load_report();  // asks every kiosk for the report of the form's range
    const std::string& export_message() const { return export_message_; }

private:
    void draw_header(int64_t now_ms, const std::vector<admin::KioskSnapshot>& kiosks);
    void draw_calls(int64_t now_ms, const std::vector<admin::KioskSnapshot>& kiosks);
    void draw_devices(const std::vector<admin::KioskSnapshot>& kiosks);
    void draw_screens(const std::vector<admin::KioskSnapshot>& kiosks);
    void draw_alerts(const std::vector<admin::KioskSnapshot>& kiosks);
    void draw_content(const std::vector<admin::KioskSnapshot>& kiosks);
    void draw_activities(int64_t now_ms, const std::vector<admin::KioskSnapshot>& kiosks);
    void draw_reports(const std::vector<admin::KioskSnapshot>& kiosks);
    void draw_users(const std::vector<admin::KioskSnapshot>& kiosks);
    void note_missing_glyphs(const std::vector<admin::KioskSnapshot>& kiosks);
    SDL_Texture* thumbnail(size_t kiosk, const admin::KioskSnapshot& snapshot, int* width, int* height);

    std::vector<admin::KioskLink*> links_;
    SDL_Renderer* renderer_;
    ConsoleFonts fonts_;
    std::string user_;
    Tab tab_ = Tab::calls;
    bool tab_forced_ = false;               // set_tab(): select it once on the next frame
    std::map<int64_t, std::string> notes_;  // resolution note being typed, by "kiosk << 40 | id"
    struct Thumbnail {
        SDL_Texture* texture = nullptr;
        int version = -1, width = 0, height = 0;
    };
    std::map<size_t, Thumbnail> thumbnails_;
    std::string missing_glyph_text_;   // characters seen since the last refresh_fonts(), each once
    std::string extra_glyph_text_;     // every character added to the atlas at run time
    std::set<unsigned int> asked_glyphs_;
    int atlas_rebuilds_ = 0;
    char alert_title_[128] = "";
    char alert_text_[1024] = "";
    int alert_mode_ = 0;  // 0 banner, 1 fullscreen
    int alert_minutes_ = 30;
    char report_from_[16] = "";
    char report_to_[16] = "";
    std::string export_message_;
    char activity_title_[128] = "";
    char activity_place_[128] = "";
    char activity_date_[16] = "";   // YYYY-MM-DD; today when empty
    char activity_start_[8] = "09:30";
    char activity_end_[8] = "11:00";
    int activity_capacity_ = 30;
    int activity_minimum_ = 0;
    std::string activity_problem_;    // why the form cannot be sent, in words
    int64_t shown_signups_ = -1;      // the activity whose sign-ups are listed ("kiosk << 40 | id")
    char new_user_[40] = "";
    char new_name_[80] = "";
    int new_role_ = 0;
    char new_pin_[16] = "";
    char reset_user_[40] = "";
    char reset_pin_[16] = "";
};

}  // namespace station::console
