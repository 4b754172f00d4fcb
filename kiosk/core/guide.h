// 办事指南: what to bring, where and when, for the services residents ask about most. The
// station edits DATA/guide.toml (seeded in --demo); the kiosk reads it when the guide opens.
//
//   [[entry]]
//   title = "老年综合津贴"                  # required, at most 40 bytes... characters shown large
//   summary = "年满65周岁的本市户籍老人……"    # optional, one or two sentences
//   bring = ["身份证", "户口簿", "银行卡"]  # required, at least one item
//   where = "街道社区事务受理服务中心 1号窗口" # required
//   when = "周一至周五 9:00-17:00"          # required
//
// A mistake is reported as FILE:LINE: entry[N].key: reason, and nothing of the file is used.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/core/result.h"

namespace station {

struct GuideEntry {
    std::string title, summary;
    std::vector<std::string> bring;
    std::string where, when;
};

std::filesystem::path guide_file(const std::filesystem::path& data_dir);  // DATA/guide.toml
Result<std::vector<GuideEntry>> parse_guide(const std::string& text, const std::string& file_name);
// A missing file is an empty guide; an unreadable or invalid one is an error naming it.
Result<std::vector<GuideEntry>> load_guide(const std::filesystem::path& file);
// Writes the demo guide (老年综合津贴, 居住证办理, 医保卡补办, ...) when the file does not exist.
Result<bool> seed_demo_guide(const std::filesystem::path& file);

}  // namespace station
