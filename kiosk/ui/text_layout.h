// Chinese typesetting, independent of ImGui so it can be tested with any measure:
//
//  - break_lines            lines no wider than a width, broken where ICU's line-break iterator
//                           (UAX #14, zh-CN) allows: 。，、」）！？ never start a line, 「（ never
//                           end one; a run longer than a line is cut between characters by the
//                           same two rules
//  - forbidden_at_line_start / forbidden_at_line_end   those two rules for one character
//  - format_chinese_*       dates and times the Chinese way, from calendar fields (no clock, no
//                           catalogue: widgets.h formats a TimePoint with them)
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace station::ui {

// The width of a run of UTF-8 text, in the caller's unit (pixels for a font).
using MeasureText = std::function<float(std::string_view)>;

// Splits `text` (UTF-8) into lines whose measured width is at most `max_width` wherever that is
// possible; where it is not (a width of one character and "好，"), the line runs over rather
// than break a rule. '\n' always breaks; spaces at the end of a line are dropped. Empty text gives no
// lines; an empty paragraph gives an empty line. Invalid UTF-8 is kept byte for byte, one
// character per byte. Thread-safe (one ICU iterator per thread).
std::vector<std::string> break_lines(std::string_view text, float max_width, const MeasureText& measure);

// Kinsoku (避头尾) for a forced break: closing marks, 。，、！？：；… and ”’ may not start a
// line; opening marks 「（《“‘ may not end one. From ICU's Line_Break property plus the quotes
// that are ambiguous outside Chinese.
bool forbidden_at_line_start(char32_t c);
bool forbidden_at_line_end(char32_t c);

// "2026年11月25日", "11月25日", "上午9:30" / "下午2:05" / "晚上7:00" (hour 0..23), and
// "9:30—11:00" for a span within one day. Words for 上午/下午/... come from `day_parts`, six
// names for [0,5) 凌晨 [5,9) 早上 [9,12) 上午 [12,13) 中午 [13,18) 下午 [18,24) 晚上.
std::string format_chinese_ymd(int year, int month, int day);
std::string format_chinese_month_day(int month, int day);
std::string format_chinese_time_of_day(int hour, int minute, const std::vector<std::string>& day_parts);
std::string format_time_span(int from_hour, int from_minute, int to_hour, int to_minute);

}  // namespace station::ui
