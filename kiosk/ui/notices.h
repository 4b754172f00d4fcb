// The notices the touchscreen shows in large print (通知公告): the active content's notice items,
// highest priority first, then the newest date. Pure, for the screen and its tests.
#pragma once
#include <string>
#include <vector>

#include "content/model.h"

namespace station::ui {

struct NoticeView {
    std::string id, title, body, date;  // date "YYYY-MM-DD" or ""
    std::string narration;              // media path of the recorded narration, "" when none
};

std::vector<NoticeView> notices_from(const content::ContentModel& model);
// Video items, in the content's order: the lessons of 学习驿站.
struct LessonView {
    std::string id, title, file;
    int duration_s = 0;
};
std::vector<LessonView> lessons_from(const content::ContentModel& model);

}  // namespace station::ui
