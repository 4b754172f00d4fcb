#include "admin/console/console_ui.h"

#include <fontconfig/fontconfig.h>
#include <imgui_impl_sdlrenderer.h>
#include <imgui_internal.h>  // ImTextCharFromUtf8
#include <stb_image.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <optional>
#include <set>

#include "admin/client/report_format.h"

namespace station::console {
namespace {

// The kiosk's palette (kiosk/ui/theme.h), so staff see the same colours as residents.
const ImVec4 kText{0.10f, 0.10f, 0.10f, 1};
const ImVec4 kMuted{0.27f, 0.27f, 0.27f, 1};
const ImVec4 kRed{0.62f, 0.06f, 0.06f, 1};
const ImVec4 kGreen{0.0f, 0.42f, 0.12f, 1};
const ImVec4 kAmber{0.60f, 0.36f, 0.0f, 1};
const ImVec4 kAccent{0.08f, 0.33f, 0.62f, 1};


std::string duration_text(int64_t ms) {
    if (ms < 0) ms = 0;
    int64_t seconds = ms / 1000;
    char buffer[32];
    if (seconds >= 3600)
        std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", (long long)(seconds / 3600),
                      (long long)(seconds / 60 % 60), (long long)(seconds % 60));
    else
        std::snprintf(buffer, sizeof buffer, "%lld:%02lld", (long long)(seconds / 60),
                      (long long)(seconds % 60));
    return buffer;
}

const char* level_words(int level) {
    switch (level) {
        case 0:
            return "";
        case 1:
            return "一级升级";
        default:
            return "二级升级";
    }
}

std::string device_name(const std::string& device) {
    // "display" is the screens' power backend (DPMS / CEC); touch_screen and public_display are the
    // kiosk's two windows (GET /api/v1/devices).
    static const std::map<std::string, std::string> names = {{"printer", "打印机"},
                                                             {"idcard", "身份证读卡器"},
                                                             {"qr", "扫码器"},
                                                             {"button", "呼叫按钮"},
                                                             {"display", "显示屏电源"},
                                                             {"disk", "磁盘"},
                                                             {"touch_screen", "触摸屏"},
                                                             {"public_display", "公共显示屏"}};
    auto known = names.find(device);
    return known == names.end() ? device : known->second + " " + device;
}

const char* device_words(const std::string& status) {
    if (status == "ok") return "正常";
    if (status == "offline") return "离线";
    if (status == "fault") return "故障";
    if (status == "disabled") return "未启用";
    if (status == "degraded") return "部分可用";
    return status.c_str();
}

std::string today_plus(int64_t now_ms, int days) {
    return admin::local_time_text(now_ms + int64_t(days) * 86'400'000, "%Y-%m-%d");
}

bool big_button(const char* label, ImVec4 color, float width) {
    ImGui::PushStyleColor(ImGuiCol_Button, color);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered,
                          ImVec4(color.x * 0.85f, color.y * 0.85f, color.z * 0.85f, 1));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(color.x * 0.7f, color.y * 0.7f, color.z * 0.7f, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    bool pressed = ImGui::Button(label, ImVec2(width, ImGui::GetFrameHeight() * 1.4f));
    ImGui::PopStyleColor(4);
    return pressed;
}

// A Simplified Chinese font through fontconfig (the kiosk's choice, kiosk/ui/fonts.cpp); "" when
// none is installed.
std::string find_chinese_font(int* index) {
    if (!FcInit()) return "";
    FcPattern* pattern = FcNameParse(reinterpret_cast<const FcChar8*>(":lang=zh-cn:scalable=true"));
    FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result;
    FcPattern* match = FcFontMatch(nullptr, pattern, &result);
    FcPatternDestroy(pattern);
    std::string path;
    FcChar8* file = nullptr;
    if (match && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch) {
        path = reinterpret_cast<char*>(file);
        FcPatternGetInteger(match, FC_INDEX, 0, index);
    }
    if (match) FcPatternDestroy(match);
    return path;
}

}  // namespace

ConsoleFonts load_console_fonts(const std::string& extra_text) {
    ImGuiIO& io = ImGui::GetIO();
    int index = 0;
    std::string file = find_chinese_font(&index);
    ConsoleFonts fonts;
    if (file.empty()) {
        std::fprintf(stderr, "station-admin: no Chinese font found; install fonts-wqy-microhei\n");
        fonts.body = fonts.title = fonts.big = io.Fonts->AddFontDefault();
        return fonts;
    }
    static ImVector<ImWchar> ranges;  // must outlive the atlas build
    ImFontGlyphRangesBuilder builder;
    builder.AddRanges(io.Fonts->GetGlyphRangesChineseSimplifiedCommon());
    // Every character the console's own words use (some are outside the common set, e.g. 屏 幅);
    // refresh when adding words: python3 -c "print(''.join(sorted({c for f in
    // ['admin/console/console_ui.cpp', 'admin/console/main.cpp'] for c in open(f).read() if ord(c) >
    // 0x2000})))"
    builder.AddText("就医助餐维修帮办咨询其他");  // the kiosk's help categories (help.category.*)
    builder.AddText("版本打印机身份证读卡器扫码器呼叫按钮显示屏电源触摸屏公共显示屏部分可用磁盘");  // devices
    builder.AddText("活动名单报名人数容量最少达到未达到地点日期开始结束创建打印刷新正在接收上一版本拉取频道已无"
                    "身份证扫码工作人员代报标题时间内容收到共");  // activities and content tabs
    builder.AddText(
        "—…●、。「」一不中主事二人从件位作例供信停党入全内再写决出分别到前剩加务动升去发取口叫可台号合名后启"
        "员呼响回在填处备如姓字容导尚屏工已布师常幅幕应度建式当录待态急息意成我户所报按接提撤故数新无日时明显"
        "最月有服期未查标模横正每水没法流添满演点状王理生用由画登的知确示离秒站端等管类紧级线终群老自至色获表"
        "要角解计认议设询说超达近连选通醒重钟限障需面题！（），：？");
    builder.AddText(extra_text.c_str());  // characters seen in the kiosks' data (ConsoleUi::refresh_fonts)
    ranges.clear();
    builder.BuildRanges(&ranges);
    ImFontConfig config;
    config.FontNo = index;
    config.OversampleH = 1;
    fonts.body = io.Fonts->AddFontFromFileTTF(file.c_str(), 22.f, &config, ranges.Data);
    fonts.title = io.Fonts->AddFontFromFileTTF(file.c_str(), 30.f, &config, ranges.Data);
    fonts.big = io.Fonts->AddFontFromFileTTF(file.c_str(), 44.f, &config, io.Fonts->GetGlyphRangesDefault());
    if (!fonts.body || !fonts.title || !fonts.big) {
        std::fprintf(stderr, "station-admin: cannot load font %s\n", file.c_str());
        fonts.body = fonts.title = fonts.big = io.Fonts->AddFontDefault();
    }
    return fonts;
}

void apply_console_style() {
    ImGui::StyleColorsLight();
    ImGuiStyle& style = ImGui::GetStyle();
    style.FramePadding = ImVec2(12, 8);
    style.ItemSpacing = ImVec2(12, 10);
    style.CellPadding = ImVec2(10, 8);
    style.FrameRounding = 6;
    style.TabRounding = 6;
    style.Colors[ImGuiCol_WindowBg] = ImVec4(0.98f, 0.96f, 0.92f, 1);  // the kiosk's warm paper
    style.Colors[ImGuiCol_Text] = ImVec4(0.10f, 0.10f, 0.10f, 1);
    style.Colors[ImGuiCol_Tab] = ImVec4(0.90f, 0.86f, 0.80f, 1);
    style.Colors[ImGuiCol_TabActive] = ImVec4(0.62f, 0.06f, 0.06f, 1);
    style.Colors[ImGuiCol_TabHovered] = ImVec4(0.75f, 0.25f, 0.25f, 1);
    style.Colors[ImGuiCol_TableRowBg] = ImVec4(1, 1, 1, 1);
    style.Colors[ImGuiCol_TableRowBgAlt] = ImVec4(0.96f, 0.95f, 0.93f, 1);
}

const std::vector<std::pair<Tab, const char*>>& tab_names() {
    static const std::vector<std::pair<Tab, const char*>> names = {
        {Tab::calls, "calls"},   {Tab::devices, "devices"},       {Tab::content, "content"},
        {Tab::screens, "screens"}, {Tab::alerts, "alerts"},     {Tab::activities, "activities"},
        {Tab::reports, "reports"}, {Tab::users, "users"}};
    return names;
}

ConsoleUi::ConsoleUi(std::vector<admin::KioskLink*> links, SDL_Renderer* renderer, ConsoleFonts fonts,
                     std::string user)
    : links_(std::move(links)), renderer_(renderer), fonts_(fonts), user_(std::move(user)) {}

ConsoleUi::~ConsoleUi() {
    for (auto& [_, thumb] : thumbnails_)
        if (thumb.texture) SDL_DestroyTexture(thumb.texture);
}

namespace {

// Appends to `out` every character of `text` that `font` cannot draw and `asked` has not seen.
void note_missing(const ImFont* font, const std::string& text, std::set<unsigned int>& asked, std::string& out) {
    const char* p = text.c_str();
    const char* end = p + text.size();
    while (p < end) {
        unsigned int c = 0;
        const char* start = p;
        int length = ImTextCharFromUtf8(&c, p, end);
        if (length <= 0) break;
        p += length;
        // ImWchar is 16 bits here: characters beyond the BMP cannot be baked.
        if (c < 0x80 || c > 0xFFFF || font->FindGlyphNoFallback(ImWchar(c)) || !asked.insert(c).second) continue;
        out.append(start, p);
    }
}

void note_missing_json(const ImFont* font, const nlohmann::json& j, std::set<unsigned int>& asked, std::string& out) {
    if (j.is_string()) {
        note_missing(font, j.get_ref<const std::string&>(), asked, out);
    } else if (j.is_object()) {
        for (const auto& [key, value] : j.items()) {
            note_missing(font, key, asked, out);  // e.g. suggestions_by_topic's topics
            note_missing_json(font, value, asked, out);
        }
    } else if (j.is_array()) {
        for (const auto& value : j) note_missing_json(font, value, asked, out);
    }
}

}  // namespace

void ConsoleUi::note_missing_glyphs(const std::vector<admin::KioskSnapshot>& kiosks) {
    const ImFont* font = fonts_.body;
    std::string& out = missing_glyph_text_;
    for (const auto& k : kiosks) {
        for (const std::string* text : {&k.station_name, &k.error, &k.action_message, &k.thumbnail_error})
            note_missing(font, *text, asked_glyphs_, out);
        for (const auto& line : k.recent) note_missing(font, line, asked_glyphs_, out);
        for (const auto& [_, request] : k.open_requests) note_missing_json(font, request, asked_glyphs_, out);
        for (const auto& [_, list] : k.signups) note_missing_json(font, list, asked_glyphs_, out);
        for (const nlohmann::json* j : {&k.devices, &k.alerts, &k.users, &k.content, &k.activities, &k.report})
            note_missing_json(font, *j, asked_glyphs_, out);
    }
    // What staff type (an IME gives any character): shown in the field as it is typed.
    for (const char* typed : {alert_title_, alert_text_, activity_title_, activity_place_, new_name_})
        note_missing(font, typed, asked_glyphs_, out);
    for (const auto& [_, note] : notes_) note_missing(font, note, asked_glyphs_, out);
}

bool ConsoleUi::refresh_fonts() {
    if (missing_glyph_text_.empty()) return false;
    extra_glyph_text_ += missing_glyph_text_;
    missing_glyph_text_.clear();
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    fonts_ = load_console_fonts(extra_glyph_text_);
    io.FontDefault = fonts_.body;
    ImGui_ImplSDLRenderer_DestroyFontsTexture();  // re-made from the new atlas by the next NewFrame
    ++atlas_rebuilds_;
    return true;
}

void ConsoleUi::set_report_range(const std::string& from, const std::string& to) {
    std::snprintf(report_from_, sizeof report_from_, "%s", from.c_str());
    std::snprintf(report_to_, sizeof report_to_, "%s", to.c_str());
}

void ConsoleUi::load_report() {
    for (admin::KioskLink* link : links_) link->load_report(report_from_, report_to_);
}

void ConsoleUi::draw(int64_t now_ms) {
    if (report_from_[0] == '\0') set_report_range(today_plus(now_ms, -6), today_plus(now_ms, 0));
    std::vector<admin::KioskSnapshot> kiosks;
    for (admin::KioskLink* link : links_) kiosks.push_back(link->snapshot());
    note_missing_glyphs(kiosks);

    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("##console", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBringToFrontOnFocus);
    draw_header(now_ms, kiosks);

    size_t open_calls = 0;
    for (const auto& k : kiosks) open_calls += k.open_requests.size();
    std::string calls_label = "呼叫 (" + std::to_string(open_calls) + ")###calls";
    struct TabInfo {
        Tab tab;
        std::string label;
    };
    const TabInfo tabs[] = {{Tab::calls, calls_label},          {Tab::devices, "设备###devices"},
                            {Tab::content, "内容###content"},     {Tab::screens, "屏幕###screens"},
                            {Tab::alerts, "紧急通知###alerts"},   {Tab::activities, "活动###activities"},
                            {Tab::reports, "报表###reports"},     {Tab::users, "用户###users"}};
    if (ImGui::BeginTabBar("##tabs")) {
        for (const TabInfo& info : tabs) {
            ImGuiTabItemFlags flags = tab_forced_ && tab_ == info.tab ? ImGuiTabItemFlags_SetSelected : 0;
            if (ImGui::BeginTabItem(info.label.c_str(), nullptr, flags)) {
                if (!tab_forced_) tab_ = info.tab;
                ImGui::Spacing();
                switch (info.tab) {
                    case Tab::calls:
                        draw_calls(now_ms, kiosks);
                        break;
                    case Tab::devices:
                        draw_devices(kiosks);
                        break;
                    case Tab::screens:
                        draw_screens(kiosks);
                        break;
                    case Tab::content:
                        draw_content(kiosks);
                        break;
                    case Tab::activities:
                        draw_activities(now_ms, kiosks);
                        break;
                    case Tab::alerts:
                        draw_alerts(kiosks);
                        break;
                    case Tab::reports:
                        draw_reports(kiosks);
                        break;
                    case Tab::users:
                        draw_users(kiosks);
                        break;
                }
                ImGui::EndTabItem();
            }
        }
        tab_forced_ = false;
        ImGui::EndTabBar();
    }
    ImGui::End();
}

void ConsoleUi::draw_header(int64_t now_ms, const std::vector<admin::KioskSnapshot>& kiosks) {
    ImGui::PushFont(fonts_.title);
    ImGui::TextColored(kRed, "党群服务站 · 工作台");
    ImGui::SameLine();
    ImGui::TextColored(kMuted, "  %s", admin::local_time_text(now_ms, "%m月%d日 %H:%M").c_str());
    ImGui::PopFont();
    ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(user_.c_str()).x - 120);
    ImGui::TextColored(kMuted, "登录: %s", user_.c_str());
    for (size_t i = 0; i < kiosks.size(); ++i) {
        const auto& k = kiosks[i];
        if (i) ImGui::SameLine(0, 40);
        std::string name = k.station_name.empty() ? k.url : k.station_name;
        bool ok = k.online && k.logged_in;
        ImGui::TextColored(ok ? kGreen : kRed, "● %s %s%s", name.c_str(), ok ? "在线" : "离线",
                           ok && !k.stream_open ? " (事件流重连中)" : "");
    }
    for (const auto& k : kiosks)
        if (!k.error.empty()) ImGui::TextColored(kRed, "%s: %s", k.url.c_str(), k.error.c_str());
    for (const auto& k : kiosks)
        if (!k.action_message.empty())
            ImGui::TextColored(k.action_failed ? kRed : kGreen, "%s", k.action_message.c_str());
    ImGui::Separator();
}

void ConsoleUi::draw_calls(int64_t now_ms, const std::vector<admin::KioskSnapshot>& kiosks) {
    struct Row {
        size_t kiosk;
        const nlohmann::json* request;
    };
    std::vector<Row> rows;
    for (size_t i = 0; i < kiosks.size(); ++i)
        for (const auto& [id, r] : kiosks[i].open_requests) rows.push_back({i, &r});
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        // Escalated first, then oldest first: the longest-waiting resident is at the top.
        int la = (*a.request)["escalation"].value("level", 0),
            lb = (*b.request)["escalation"].value("level", 0);
        if (la != lb) return la > lb;
        return a.request->value("created_at", int64_t(0)) < b.request->value("created_at", int64_t(0));
    });
    if (rows.empty()) {
        ImGui::PushFont(fonts_.title);
        ImGui::TextColored(kGreen, "没有待处理的呼叫");
        ImGui::PopFont();
    }
    const float button_width = ImGui::CalcTextSize("我去处理").x + 40;
    if (!rows.empty() && ImGui::BeginTable("##queue", 5,
                                           ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                               ImGuiTableFlags_PadOuterX)) {
        ImGui::TableSetupColumn("号", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("A000").x * 2.1f);
        ImGui::TableSetupColumn("事由", ImGuiTableColumnFlags_WidthStretch, 2.2f);
        ImGui::TableSetupColumn("等待", ImGuiTableColumnFlags_WidthFixed,
                                ImGui::CalcTextSize("等待 00:00").x + 10);
        ImGui::TableSetupColumn("时限", ImGuiTableColumnFlags_WidthStretch, 1.4f);
        ImGui::TableSetupColumn("处理", ImGuiTableColumnFlags_WidthStretch, 2.4f);
        for (const Row& row : rows) {
            const nlohmann::json& r = *row.request;
            int64_t id = r.value("id", int64_t(0));
            std::string ticket = r.value("ticket", "?");
            std::string state = r.value("state", "");
            const nlohmann::json& escalation = r["escalation"];
            int level = escalation.value("level", 0);
            ImGui::PushID(static_cast<int>(row.kiosk * 1'000'000 + id));
            ImGui::TableNextRow(ImGuiTableRowFlags_None, ImGui::GetFrameHeight() * 2.2f);
            if (level > 0)
                ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0,
                                       ImGui::GetColorU32(ImVec4(1.0f, 0.88f, 0.85f, 1)));

            ImGui::TableNextColumn();
            ImGui::PushFont(fonts_.big);
            ImGui::TextColored(level > 0 ? kRed : kText, "%s", ticket.c_str());
            ImGui::PopFont();

            ImGui::TableNextColumn();
            std::string category = r.value("category_label", "");
            std::string where = kiosks[row.kiosk].station_name;
            ImGui::Text("%s%s%s", category.empty() ? "未选类别" : category.c_str(),
                        where.empty() ? "" : " · ", where.c_str());
            ImGui::TextColored(state == "called" ? kRed : kAccent, "%s",
                               r.value("status_text", state).c_str());

            ImGui::TableNextColumn();
            ImGui::Text("等待");
            ImGui::Text("%s", duration_text(now_ms - r.value("created_at", now_ms)).c_str());

            ImGui::TableNextColumn();
            if (level > 0) ImGui::TextColored(kRed, "%s", level_words(level));
            if (escalation.contains("next_at") && escalation["next_at"].is_number()) {
                int64_t left = escalation["next_at"].get<int64_t>() - now_ms;
                bool raise = escalation.contains("next_level") && escalation["next_level"].is_number();
                if (left > 0)
                    ImGui::TextColored(left < 20'000 ? kAmber : kText, "%s %s",
                                       raise ? (level == 0 ? "SLA 剩" : "升级前") : "再提醒",
                                       duration_text(left).c_str());
                else
                    ImGui::TextColored(kRed, "超时 %s", duration_text(-left).c_str());
            } else if (level == 0) {
                ImGui::TextColored(kGreen, "已响应");
            }

            ImGui::TableNextColumn();
            admin::KioskLink* link = links_[row.kiosk];
            if (state == "called") {
                if (big_button("我去处理", kRed, button_width)) link->acknowledge(id, ticket);
                ImGui::SameLine();
                if (big_button("已到达", kAccent, button_width)) link->arrive(id, ticket);
            } else {
                if (state == "acknowledged") {
                    if (big_button("已到达", kAccent, button_width)) link->arrive(id, ticket);
                    ImGui::SameLine();
                }
                std::string& note = notes_[int64_t(row.kiosk) << 40 | id];
                char buffer[256];
                std::snprintf(buffer, sizeof buffer, "%s", note.c_str());
                ImGui::SetNextItemWidth(
                    std::max(120.f, ImGui::GetContentRegionAvail().x - button_width - 12));
                if (ImGui::InputTextWithHint("##note", "处理说明 (可不填)", buffer, sizeof buffer))
                    note = buffer;
                ImGui::SameLine();
                if (big_button("已解决", kGreen, button_width)) {
                    link->resolve(id, ticket, note);
                    notes_.erase(int64_t(row.kiosk) << 40 | id);
                }
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::TextColored(kMuted, "最近动态");
    for (const auto& k : kiosks) {
        size_t shown = 0;
        for (auto it = k.recent.rbegin(); it != k.recent.rend() && shown < 6; ++it, ++shown)
            ImGui::TextColored(kMuted, "%s", it->c_str());
    }
}

void ConsoleUi::draw_devices(const std::vector<admin::KioskSnapshot>& kiosks) {
    for (const auto& k : kiosks) {
        ImGui::PushFont(fonts_.title);
        bool ok = k.online && k.logged_in;
        ImGui::TextColored(ok ? kGreen : kRed, "● %s",
                           k.station_name.empty() ? k.url.c_str() : k.station_name.c_str());
        ImGui::PopFont();
        ImGui::SameLine();
        ImGui::TextColored(kMuted, "%s  %s%s", k.url.c_str(), ok ? "终端在线" : "终端离线",
                           k.demo ? "  演示模式" : "");
        if (k.content.is_object()) {
            const auto& active = k.content.value("active", nlohmann::json());
            if (active.is_object() && active.contains("version"))
                ImGui::Text("内容版本 %s", active["version"].dump().c_str());
            else
                ImGui::TextColored(kMuted, "尚无内容");
        }
        if (k.devices.empty()) ImGui::TextColored(kMuted, "没有设备信息");
        if (!k.devices.empty() && ImGui::BeginTable(("##devices" + k.url).c_str(), 4,
                                                    ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
            ImGui::TableSetupColumn("设备", ImGuiTableColumnFlags_WidthStretch, 1);
            ImGui::TableSetupColumn("状态", ImGuiTableColumnFlags_WidthStretch, 1);
            ImGui::TableSetupColumn("说明", ImGuiTableColumnFlags_WidthStretch, 3);
            ImGui::TableSetupColumn("自", ImGuiTableColumnFlags_WidthStretch, 1);
            ImGui::TableHeadersRow();
            for (const auto& d : k.devices) {
                std::string status = d.value("status", "?");
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::Text("%s", device_name(d.value("device", "?")).c_str());
                ImGui::TableNextColumn();
                ImGui::TextColored(status == "ok"         ? kGreen
                                   : status == "disabled" ? kMuted
                                   : status == "degraded" ? kAmber
                                                          : kRed,
                                   "%s", device_words(status));
                ImGui::TableNextColumn();
                std::string reason = d.value("reason", "");
                if (reason.empty()) reason = d.value("detail", "");  // e.g. the disk's free space when ok
                ImGui::TextWrapped("%s", reason.c_str());
                ImGui::TableNextColumn();
                int64_t since = d.value("since", int64_t(0));
                ImGui::Text("%s", since > 0 ? admin::local_time_text(since, "%H:%M").c_str() : "-");
            }
            ImGui::EndTable();
        }
        ImGui::Spacing();
    }
}

SDL_Texture* ConsoleUi::thumbnail(size_t kiosk, const admin::KioskSnapshot& snapshot, int* width,
                                  int* height) {
    Thumbnail& thumb = thumbnails_[kiosk];
    if (thumb.version != snapshot.thumbnail_version) {
        thumb.version = snapshot.thumbnail_version;
        if (thumb.texture) SDL_DestroyTexture(thumb.texture);
        thumb.texture = nullptr;
        int channels = 0;
        unsigned char* pixels =
            snapshot.thumbnail_png.empty()
                ? nullptr
                : stbi_load_from_memory(reinterpret_cast<const unsigned char*>(snapshot.thumbnail_png.data()),
                                        static_cast<int>(snapshot.thumbnail_png.size()), &thumb.width,
                                        &thumb.height, &channels, 4);
        if (pixels) {
            thumb.texture = SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STATIC,
                                              thumb.width, thumb.height);
            if (thumb.texture) SDL_UpdateTexture(thumb.texture, nullptr, pixels, thumb.width * 4);
            stbi_image_free(pixels);
        }
    }
    *width = thumb.width;
    *height = thumb.height;
    return thumb.texture;
}

void ConsoleUi::draw_screens(const std::vector<admin::KioskSnapshot>& kiosks) {
    float column = std::max(320.f, ImGui::GetContentRegionAvail().x /
                                           float(std::max<size_t>(1, std::min<size_t>(kiosks.size(), 3))) -
                                       16);
    for (size_t i = 0; i < kiosks.size(); ++i) {
        if (i % 3) ImGui::SameLine();
        ImGui::BeginGroup();
        const auto& k = kiosks[i];
        ImGui::Text("%s", k.station_name.empty() ? k.url.c_str() : k.station_name.c_str());
        int w = 0, h = 0;
        SDL_Texture* texture = thumbnail(i, k, &w, &h);
        if (texture && w > 0) {
            // Fit the column and the height left, keeping the kiosk's proportions.
            float scale = std::min(column / float(w),
                                   std::max(100.f, ImGui::GetContentRegionAvail().y - 10) / float(h));
            ImGui::Image(texture, ImVec2(float(w) * scale, float(h) * scale));
        } else {
            ImGui::TextColored(kMuted, "%s", k.thumbnail_error.empty() ? "正在获取画面…" : "无法获取画面");
            if (!k.thumbnail_error.empty()) {
                ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + column);
                ImGui::TextColored(kMuted, "%s", k.thumbnail_error.c_str());
                ImGui::PopTextWrapPos();
            }
        }
        ImGui::EndGroup();
    }
}

void ConsoleUi::draw_alerts(const std::vector<admin::KioskSnapshot>& kiosks) {
    bool any_available = false;
    for (const auto& k : kiosks) any_available = any_available || k.alerts_available;
    ImGui::PushFont(fonts_.title);
    ImGui::Text("发布紧急通知 (所有终端)");
    ImGui::PopFont();
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.6f);
    ImGui::InputTextWithHint("标题", "例如: 停水通知", alert_title_, sizeof alert_title_);
    ImGui::InputTextMultiline(
        "内容", alert_text_, sizeof alert_text_,
        ImVec2(ImGui::GetContentRegionAvail().x * 0.6f, ImGui::GetTextLineHeight() * 4));
    ImGui::RadioButton("横幅", &alert_mode_, 0);
    ImGui::SameLine();
    ImGui::RadioButton("全屏", &alert_mode_, 1);
    ImGui::SameLine(0, 40);
    ImGui::SetNextItemWidth(160);
    ImGui::InputInt("分钟后自动撤回", &alert_minutes_);
    alert_minutes_ = std::clamp(alert_minutes_, 1, 24 * 60);
    bool can_send = any_available && alert_text_[0] != '\0';
    if (!can_send) ImGui::BeginDisabled();
    if (big_button("发布", kRed, 200)) {
        for (size_t i = 0; i < links_.size(); ++i)
            if (kiosks[i].alerts_available)
                links_[i]->send_alert(alert_title_, alert_text_, alert_mode_ ? "fullscreen" : "banner",
                                      alert_minutes_);
        alert_text_[0] = '\0';
        alert_title_[0] = '\0';
    }
    if (!can_send) ImGui::EndDisabled();
    if (!any_available) ImGui::TextColored(kAmber, "终端尚未提供通知接口 (/api/v1/alerts)");
    ImGui::Separator();
    ImGui::Text("正在显示的通知");
    for (size_t i = 0; i < kiosks.size(); ++i) {
        for (const auto& a : kiosks[i].alerts) {
            std::string id = a["id"].is_string() ? a["id"].get<std::string>() : a["id"].dump();
            ImGui::PushID(("alert" + std::to_string(i) + id).c_str());
            ImGui::TextColored(kRed, "[%s] %s", a.value("mode", "banner") == "fullscreen" ? "全屏" : "横幅",
                               a.value("title", "").c_str());
            ImGui::SameLine();
            ImGui::TextWrapped("%s", a.value("text", "").c_str());
            ImGui::SameLine();
            if (big_button("撤回", kMuted, 120)) links_[i]->withdraw_alert(id);
            ImGui::PopID();
        }
        if (kiosks[i].alerts.empty() && kiosks[i].alerts_available) ImGui::TextColored(kMuted, "无");
    }
}

namespace {

std::string megabytes(double bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", bytes / 1e6);
    return text;
}

// "2026-11-28" and "09:30" in local time → ms since the epoch; nullopt when malformed.
std::optional<int64_t> local_ms(const std::string& date, const std::string& time) {
    std::tm parts{};
    int year = 0, month = 0, day = 0, hour = 0, minute = 0;
    if (std::sscanf(date.c_str(), "%4d-%2d-%2d", &year, &month, &day) != 3 ||
        std::sscanf(time.c_str(), "%2d:%2d", &hour, &minute) != 2 || month < 1 || month > 12 || day < 1 ||
        day > 31 || hour > 23 || minute > 59)
        return std::nullopt;
    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    parts.tm_mday = day;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_isdst = -1;
    std::time_t seconds = std::mktime(&parts);
    if (seconds == -1) return std::nullopt;
    return int64_t(seconds) * 1000;
}

const char* via_words(const std::string& via) {
    if (via == "idcard") return "身份证";
    if (via == "qr") return "扫码";
    if (via == "staff") return "工作人员代报";
    return via.c_str();
}

}  // namespace

void ConsoleUi::draw_content(const std::vector<admin::KioskSnapshot>& kiosks) {
    for (const auto& k : kiosks) {
        ImGui::PushFont(fonts_.title);
        ImGui::TextColored(k.online ? kGreen : kRed, "● %s", k.station_name.empty() ? k.url.c_str() : k.station_name.c_str());
        ImGui::PopFont();
        if (!k.content.is_object()) {
            ImGui::TextColored(kMuted, "%s", k.online ? "正在获取内容版本…" : "终端离线");
            ImGui::Spacing();
            continue;
        }
        const auto active = k.content.value("active", nlohmann::json());
        const auto previous = k.content.value("previous", nlohmann::json());
        if (active.is_object() && active.contains("version"))
            ImGui::Text("内容版本 %s", active["version"].dump().c_str());
        else
            ImGui::TextColored(kMuted, "尚无内容");
        if (previous.is_object() && previous.contains("version")) {
            ImGui::SameLine(0, 40);
            ImGui::TextColored(kMuted, "上一版本 %s", previous["version"].dump().c_str());
        }
        const auto push = k.content.value("push", nlohmann::json());
        if (push.is_object()) {
            double received = push.value("bytes_received", 0.0), total = push.value("bytes_total", 0.0);
            float fraction = total > 0 ? float(received / total) : 1.f;
            ImGui::TextColored(kAccent, "正在接收内容版本 %s", push.value("version", nlohmann::json()).dump().c_str());
            std::string words = megabytes(received) + " / " + megabytes(total) + "  (" +
                                std::to_string(int(fraction * 100 + 0.5f)) + "%)";
            ImGui::ProgressBar(fraction, ImVec2(ImGui::GetContentRegionAvail().x * 0.6f, 0), words.c_str());
        }
        const auto pull = k.content.value("pull", nlohmann::json());
        if (pull.is_object()) {
            std::string error = pull.value("error", "");
            ImGui::TextColored(error.empty() ? kMuted : kAmber, "拉取频道 %s%s%s", pull.value("channel", "").c_str(),
                               error.empty() ? "" : "  ", error.c_str());
        }
        ImGui::Spacing();
    }
}

void ConsoleUi::draw_activities(int64_t now_ms, const std::vector<admin::KioskSnapshot>& kiosks) {
    bool any_available = false;
    for (const auto& k : kiosks) any_available = any_available || k.activities_available;
    if (!any_available) {
        ImGui::TextColored(kAmber, "终端尚未提供活动接口 (/api/v1/activities)");
        return;
    }
    if (activity_date_[0] == '\0') std::snprintf(activity_date_, sizeof activity_date_, "%s", today_plus(now_ms, 1).c_str());
    ImGui::PushFont(fonts_.title);
    ImGui::Text("创建活动");
    ImGui::PopFont();
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.45f);
    ImGui::InputTextWithHint("标题##activity", "例如: 智能手机课堂", activity_title_, sizeof activity_title_);
    ImGui::SameLine(0, 30);
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.6f);
    ImGui::InputTextWithHint("地点##activity", "例如: 二楼活动室", activity_place_, sizeof activity_place_);
    ImGui::SetNextItemWidth(150);
    ImGui::InputText("日期", activity_date_, sizeof activity_date_);
    ImGui::SameLine(0, 30);
    ImGui::SetNextItemWidth(90);
    ImGui::InputText("开始", activity_start_, sizeof activity_start_);
    ImGui::SameLine(0, 30);
    ImGui::SetNextItemWidth(90);
    ImGui::InputText("结束", activity_end_, sizeof activity_end_);
    ImGui::SameLine(0, 30);
    ImGui::SetNextItemWidth(130);
    ImGui::InputInt("容量", &activity_capacity_);
    ImGui::SameLine(0, 30);
    ImGui::SetNextItemWidth(130);
    ImGui::InputInt("最少人数", &activity_minimum_);
    activity_capacity_ = std::clamp(activity_capacity_, 1, 10000);
    activity_minimum_ = std::clamp(activity_minimum_, 0, activity_capacity_);
    if (big_button("创建", kRed, 160)) {
        auto starts = local_ms(activity_date_, activity_start_);
        auto ends = local_ms(activity_date_, activity_end_);
        if (activity_title_[0] == '\0' || activity_place_[0] == '\0')
            activity_problem_ = "请填写标题和地点";
        else if (!starts || !ends)
            activity_problem_ = "日期写作 2026-11-28，时间写作 09:30";
        else if (*ends <= *starts)
            activity_problem_ = "结束时间要晚于开始时间";
        else {
            activity_problem_.clear();
            nlohmann::json body = {{"title", activity_title_}, {"place", activity_place_},  {"starts_at", *starts},
                                   {"ends_at", *ends},          {"capacity", activity_capacity_},
                                   {"min_signups", activity_minimum_}};
            for (size_t i = 0; i < links_.size(); ++i)
                if (kiosks[i].activities_available) links_[i]->create_activity(body);
            activity_title_[0] = '\0';
        }
    }
    if (!activity_problem_.empty()) {
        ImGui::SameLine(0, 20);
        ImGui::TextColored(kRed, "%s", activity_problem_.c_str());
    }
    ImGui::Separator();
    for (size_t i = 0; i < kiosks.size(); ++i) {
        const auto& k = kiosks[i];
        if (kiosks.size() > 1) ImGui::TextColored(kMuted, "%s", k.station_name.empty() ? k.url.c_str() : k.station_name.c_str());
        if (k.activities.empty()) {
            ImGui::TextColored(kMuted, "暂无活动");
            continue;
        }
        if (!ImGui::BeginTable(("##activities" + k.url).c_str(), 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH))
            continue;
        ImGui::TableSetupColumn("活动", ImGuiTableColumnFlags_WidthStretch, 3);
        ImGui::TableSetupColumn("时间", ImGuiTableColumnFlags_WidthStretch, 2);
        ImGui::TableSetupColumn("地点", ImGuiTableColumnFlags_WidthStretch, 2);
        ImGui::TableSetupColumn("报名 / 容量", ImGuiTableColumnFlags_WidthStretch, 1.3f);
        ImGui::TableSetupColumn("最少人数", ImGuiTableColumnFlags_WidthStretch, 2);
        ImGui::TableSetupColumn("##actions", ImGuiTableColumnFlags_WidthFixed, 250);
        ImGui::TableHeadersRow();
        for (const auto& a : k.activities) {
            int64_t id = a.value("id", int64_t(0));
            int signups = a.value("signups", 0), minimum = a.value("min_signups", 0);
            ImGui::PushID(("activity" + std::to_string(i) + "-" + std::to_string(id)).c_str());
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", a.value("title", "").c_str());
            ImGui::TableNextColumn();
            int64_t starts = a.value("starts_at", int64_t(0)), ends = a.value("ends_at", int64_t(0));
            ImGui::Text("%s-%s", admin::local_time_text(starts, "%m-%d %H:%M").c_str(), admin::local_time_text(ends, "%H:%M").c_str());
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", a.value("place", "").c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%d / %d", signups, a.value("capacity", 0));
            ImGui::TableNextColumn();
            // Colour and words: 达到 / 未达到 is never told by colour alone.
            if (minimum == 0)
                ImGui::TextColored(kMuted, "不限");
            else if (a.value("goes_ahead", signups >= minimum))
                ImGui::TextColored(kGreen, "%d 人 已达到", minimum);
            else
                ImGui::TextColored(kRed, "%d 人 未达到 (差 %d)", minimum, minimum - signups);
            ImGui::TableNextColumn();
            int64_t key = (int64_t(i) << 40) | id;
            if (ImGui::Button("名单", ImVec2(110, 0))) {
                shown_signups_ = shown_signups_ == key ? -1 : key;
                if (shown_signups_ == key) links_[i]->load_signups(id);
            }
            ImGui::SameLine();
            if (ImGui::Button("打印", ImVec2(110, 0))) links_[i]->print_signups(id, a.value("title", ""));
            ImGui::PopID();
        }
        ImGui::EndTable();
        for (const auto& a : k.activities) {
            int64_t id = a.value("id", int64_t(0));
            if (shown_signups_ != ((int64_t(i) << 40) | id)) continue;
            ImGui::Spacing();
            ImGui::Text("%s 报名名单", a.value("title", "").c_str());
            auto list = k.signups.find(id);
            if (list == k.signups.end()) {
                ImGui::TextColored(kMuted, "正在获取…");
            } else if (list->second.empty()) {
                ImGui::TextColored(kMuted, "暂无报名");
            } else if (ImGui::BeginTable("##signups", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
                ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, 50);
                ImGui::TableSetupColumn("报名人", ImGuiTableColumnFlags_WidthStretch, 3);
                ImGui::TableSetupColumn("方式", ImGuiTableColumnFlags_WidthStretch, 2);
                ImGui::TableSetupColumn("时间", ImGuiTableColumnFlags_WidthStretch, 2);
                ImGui::TableHeadersRow();
                int n = 0;
                for (const auto& signup : list->second) {
                    ImGui::TableNextRow();
                    ImGui::TableNextColumn();
                    ImGui::Text("%d", ++n);
                    ImGui::TableNextColumn();
                    ImGui::Text("%s", signup.value("masked_id", "").c_str());  // masked by the kiosk
                    ImGui::TableNextColumn();
                    ImGui::Text("%s", via_words(signup.value("via", "")));
                    ImGui::TableNextColumn();
                    ImGui::Text("%s", admin::local_time_text(signup.value("at", int64_t(0)), "%m-%d %H:%M").c_str());
                }
                ImGui::EndTable();
            }
        }
    }
}

void ConsoleUi::draw_reports(const std::vector<admin::KioskSnapshot>& kiosks) {
    ImGui::SetNextItemWidth(200);
    ImGui::InputText("从", report_from_, sizeof report_from_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(200);
    ImGui::InputText("到", report_to_, sizeof report_to_);
    ImGui::SameLine();
    if (big_button("查询", kAccent, 140)) load_report();
    ImGui::SameLine();
    if (big_button("导出 CSV", kMuted, 180)) {
        export_message_.clear();
        for (const auto& k : kiosks) {
            if (k.report.is_null()) continue;
            std::string file = "station-report-" +
                               (k.station_id.empty() ? std::string("kiosk") : k.station_id) + "-" +
                               report_from_ + "-" + report_to_ + ".csv";
            std::ofstream out(file);
            out << admin::report_csv(k.report);
            export_message_ += (out ? "已导出 " : "无法写入 ") + file + "  ";
        }
    }
    if (!export_message_.empty()) ImGui::TextColored(kGreen, "%s", export_message_.c_str());
    for (const auto& k : kiosks) {
        if (k.report.is_null()) {
            ImGui::TextColored(kMuted, "%s: 点 查询 生成报表", k.url.c_str());
            continue;
        }
        const auto& report = k.report;
        const auto days = report.value("days", nlohmann::json::array());
        ImGui::PushFont(fonts_.title);
        ImGui::Text("%s  %s 至 %s", k.station_name.c_str(), report.value("from", "").c_str(),
                    report.value("to", "").c_str());
        ImGui::PopFont();
        std::vector<float> calls;
        for (const auto& d : days) calls.push_back(float(d.value("calls", 0)));
        float top = calls.empty() ? 1.f : std::max(1.f, *std::max_element(calls.begin(), calls.end()));
        ImGui::PushStyleColor(ImGuiCol_PlotHistogram, kRed);
        ImGui::PlotHistogram("##calls", calls.data(), int(calls.size()), 0, "每日呼叫", 0, top * 1.15f,
                             ImVec2(ImGui::GetContentRegionAvail().x, 110));
        ImGui::PopStyleColor();
        if (ImGui::BeginTable(("##report" + k.url).c_str(), 6,
                              ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
            for (const char* heading : {"日期", "呼叫", "响应中位", "响应P90", "时限内", "满意度"})
                ImGui::TableSetupColumn(heading);
            ImGui::TableHeadersRow();
            auto row = [](const std::string& day, const nlohmann::json& f) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::Text("%s", day.c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%d", f.value("calls", 0));
                ImGui::TableNextColumn();
                ImGui::Text("%s 秒", admin::report_number(f["ack_median_s"], 0).c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%s 秒", admin::report_number(f["ack_p90_s"], 0).c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%s", admin::report_number(f["within_sla_share"], 0, true).c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%s / 3", admin::report_number(f["satisfaction"], 1).c_str());
            };
            for (const auto& d : days) row(d.value("day", ""), d);
            row("合计", report.value("total", nlohmann::json::object()));
            ImGui::EndTable();
        }
        const auto topics = report["total"].value("suggestions_by_topic", nlohmann::json::object());
        if (!topics.empty()) {
            ImGui::Text("建议 (按主题)");
            for (const auto& [topic, count] : topics.items()) {
                ImGui::SameLine();
                ImGui::Text("%s %d", topic.c_str(), count.get<int>());
            }
        }
        ImGui::TextColored(kMuted, "时限: %d 秒内确认 (一级升级前)", report.value("sla_s", 0));
    }
}

void ConsoleUi::draw_users(const std::vector<admin::KioskSnapshot>& kiosks) {
    static const char* roles[] = {"staff", "editor", "admin", "device"};
    for (size_t i = 0; i < kiosks.size(); ++i) {
        const auto& k = kiosks[i];
        if (k.role != "admin") {
            ImGui::TextColored(kMuted, "%s: 管理用户需要 admin 角色 (当前: %s)", k.url.c_str(),
                               k.role.c_str());
            continue;
        }
        if (ImGui::BeginTable(("##users" + k.url).c_str(), 3,
                              ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
            for (const char* heading : {"用户名", "姓名", "角色"}) ImGui::TableSetupColumn(heading);
            ImGui::TableHeadersRow();
            for (const auto& u : k.users) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::Text("%s", u.value("user", "").c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%s", u.value("name", "").c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%s%s", u.value("role", "").c_str(), u.value("demo", false) ? " (演示)" : "");
            }
            ImGui::EndTable();
        }
        ImGui::PushID(static_cast<int>(i));
        ImGui::Text("添加用户");
        ImGui::SetNextItemWidth(200);
        ImGui::InputTextWithHint("##u", "用户名", new_user_, sizeof new_user_);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(200);
        ImGui::InputTextWithHint("##n", "姓名 (如 王老师)", new_name_, sizeof new_name_);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(160);
        ImGui::Combo("##r", &new_role_, roles, 4);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(140);
        ImGui::InputTextWithHint("##p", "PIN", new_pin_, sizeof new_pin_,
                                 ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal);
        ImGui::SameLine();
        if (big_button("添加", kAccent, 120)) {
            links_[i]->add_user(new_user_, new_name_, roles[new_role_], new_pin_);
            new_pin_[0] = '\0';
            links_[i]->refresh();
        }
        ImGui::Text("重设 PIN");
        ImGui::SetNextItemWidth(200);
        ImGui::InputTextWithHint("##ru", "用户名", reset_user_, sizeof reset_user_);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(140);
        ImGui::InputTextWithHint("##rp", "新 PIN", reset_pin_, sizeof reset_pin_,
                                 ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal);
        ImGui::SameLine();
        if (big_button("重设", kAccent, 120)) {
            links_[i]->reset_pin(reset_user_, reset_pin_);
            reset_pin_[0] = '\0';
        }
        ImGui::PopID();
    }
}

}  // namespace station::console
