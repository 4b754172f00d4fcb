#include "kiosk/core/guide.h"

#include <toml.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace station {

namespace {

constexpr size_t kTitleMax = 120, kTextMax = 1000, kItems = 20;

std::string at_line(const std::string& file, const toml::value& v) {
    return file + ":" + std::to_string(v.location().line());
}

Result<std::string> text(const toml::value& table, const std::string& file, const std::string& where,
                         const char* key, bool required, size_t max) {
    if (!table.contains(key)) {
        if (required) return Error{at_line(file, table) + ": " + where + "." + key + ": required"};
        return std::string();
    }
    const toml::value& v = table.at(key);
    if (!v.is_string()) return Error{at_line(file, v) + ": " + where + "." + key + ": must be a string"};
    std::string s = v.as_string().str;
    if (required && s.empty())
        return Error{at_line(file, v) + ": " + where + "." + key + ": must not be empty"};
    if (s.size() > max)
        return Error{at_line(file, v) + ": " + where + "." + key + ": at most " + std::to_string(max) +
                     " bytes"};
    return s;
}

const char* kDemoGuide =
    R"toml(# 办事指南：居民最常问的事项。工作人员可直接编辑本文件，触摸屏下次打开办事指南时生效。

[[entry]]
title = "老年综合津贴"
summary = "本市户籍、年满65周岁的老人可申请，按年龄段每月发放。"
bring = ["本人身份证", "户口簿", "本人社会保障卡或银行卡"]
where = "街道社区事务受理服务中心 1号窗口"
when = "周一至周五 上午9:00-11:30，下午1:30-5:00"

[[entry]]
title = "居住证办理"
summary = "来沪人员在本市合法稳定居住满半年，可申领上海市居住证。"
bring = ["本人身份证", "租赁合同或房产证明", "近期一寸免冠照片", "就业或就读证明"]
where = "街道社区事务受理服务中心 3号窗口"
when = "周一至周五 上午9:00-11:30，下午1:30-5:00；周六上午9:00-11:30"

[[entry]]
title = "医保卡补办"
summary = "社保卡（医保卡）遗失或损坏，可先挂失再补办，补卡期间可凭临时凭证就医。"
bring = ["本人身份证", "代办人身份证（他人代办时）"]
where = "街道社区事务受理服务中心 2号窗口"
when = "周一至周五 上午9:00-11:30，下午1:30-5:00"

[[entry]]
title = "长护险评估申请"
summary = "年满60周岁、需要照护的老人可申请长期护理保险评估，评估后上门服务。"
bring = ["本人身份证", "社会保障卡", "近期病历或出院小结"]
where = "党群服务站 服务台（可代为预约）"
when = "每天 上午8:30-下午5:00"

[[entry]]
title = "助餐点订餐"
summary = "社区长者食堂提供午餐，可刷社保卡就餐，80岁以上有补贴。"
bring = ["社会保障卡"]
where = "社区长者食堂（党群服务站东侧）"
when = "每天 上午10:30-下午1:00"
)toml";

}  // namespace

std::filesystem::path guide_file(const std::filesystem::path& data_dir) {
    return data_dir / "guide.toml";
}

Result<std::vector<GuideEntry>> parse_guide(const std::string& content, const std::string& file) {
    toml::value root;
    try {
        std::istringstream in(content);
        root = toml::parse(in, file);
    } catch (const toml::exception& e) {
        std::string what = e.what();
        std::string first = what.substr(0, what.find('\n'));
        if (first.rfind("[error] ", 0) == 0) first = first.substr(8);
        return Error{file + ":" + std::to_string(e.location().line()) + ": invalid TOML: " + first};
    }
    std::vector<GuideEntry> entries;
    for (const auto& [key, value] : root.as_table())
        if (key != "entry")
            return Error{at_line(file, value) + ": unknown key '" + key + "' (expected [[entry]])"};
    if (!root.contains("entry")) return entries;
    const toml::value& list = root.at("entry");
    if (!list.is_array())
        return Error{at_line(file, list) + ": entry: must be an array of tables ([[entry]])"};
    size_t index = 0;
    for (const toml::value& table : list.as_array()) {
        std::string where = "entry[" + std::to_string(index++) + "]";
        if (!table.is_table()) return Error{at_line(file, table) + ": " + where + ": must be a table"};
        for (const auto& [key, value] : table.as_table()) {
            static const char* known[] = {"title", "summary", "bring", "where", "when"};
            bool ok = false;
            for (const char* k : known) ok = ok || key == k;
            if (!ok) return Error{at_line(file, value) + ": " + where + ": unknown key '" + key + "'"};
        }
        GuideEntry e;
        auto title = text(table, file, where, "title", true, kTitleMax);
        if (!title) return title.error();
        auto summary = text(table, file, where, "summary", false, kTextMax);
        if (!summary) return summary.error();
        auto place = text(table, file, where, "where", true, kTextMax);
        if (!place) return place.error();
        auto when = text(table, file, where, "when", true, kTextMax);
        if (!when) return when.error();
        e.title = *title;
        e.summary = *summary;
        e.where = *place;
        e.when = *when;
        if (!table.contains("bring")) return Error{at_line(file, table) + ": " + where + ".bring: required"};
        const toml::value& bring = table.at("bring");
        if (!bring.is_array() || bring.as_array().empty() || bring.as_array().size() > kItems)
            return Error{at_line(file, bring) + ": " + where + ".bring: must be a list of 1 to " +
                         std::to_string(kItems) + " strings"};
        for (const toml::value& item : bring.as_array()) {
            std::string thing = item.is_string() ? item.as_string().str : std::string();
            if (thing.empty() || thing.size() > kTitleMax)
                return Error{at_line(file, item) + ": " + where +
                             ".bring: each item must be a non-empty string"};
            e.bring.push_back(thing);
        }
        entries.push_back(std::move(e));
    }
    return entries;
}

Result<std::vector<GuideEntry>> load_guide(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return std::vector<GuideEntry>{};
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error{file.string() + ": cannot read: " + std::strerror(errno)};
    std::ostringstream content;
    content << in.rdbuf();
    return parse_guide(content.str(), file.string());
}

Result<bool> seed_demo_guide(const std::filesystem::path& file) {
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) return false;
    std::ofstream out(file, std::ios::binary);
    out << kDemoGuide;
    if (!out) return Error{file.string() + ": cannot write the demo guide: " + std::strerror(errno)};
    return true;
}

}  // namespace station
