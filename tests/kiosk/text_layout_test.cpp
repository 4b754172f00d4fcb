// Chinese typesetting (kiosk/ui/text_layout.h): lines broken where ICU allows, 。，、」）！？ never
// first on a line, 「（ never last, and dates and times the Chinese way.
#include <doctest/doctest.h>
#include <unicode/utf8.h>

#include <string>
#include <vector>

#include "kiosk/ui/text_layout.h"

using station::ui::break_lines;

namespace {

// Every character is one unit wide: a width of 4 holds four Hanzi.
float count_chars(std::string_view text) {
    float count = 0;
    for (int32_t i = 0; i < int32_t(text.size()); ++count) U8_FWD_1(text.data(), i, int32_t(text.size()));
    return count;
}

char32_t first_char(const std::string& line) {
    int32_t i = 0;
    UChar32 c = 0;
    U8_NEXT(line.data(), i, int32_t(line.size()), c);
    return char32_t(c);
}

char32_t last_char(const std::string& line) {
    int32_t i = int32_t(line.size());
    UChar32 c = 0;
    U8_PREV(line.data(), 0, i, c);
    return char32_t(c);
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("text that fits stays on one line") {
    CHECK(break_lines("社区服务站", 10, count_chars) == Lines{"社区服务站"});
}

TEST_CASE("a comma or full stop never starts a line: the character before it goes down with it") {
    // At width 2, "你好" would fit, but then "，" would open the next line.
    CHECK(break_lines("你好，世界。", 2, count_chars) == Lines{"你", "好，", "世", "界。"});
    CHECK(break_lines("你好，世界。", 3, count_chars) == Lines{"你好，", "世界。"});
}

TEST_CASE("、 ！ ？ and closing brackets never start a line") {
    for (float width : {1.f, 2.f, 3.f, 4.f, 5.f}) {
        CAPTURE(width);
        for (const std::string& line :
             break_lines("带上身份证、户口本！什么时候办？「社区食堂」（二楼）开门。", width, count_chars)) {
            CAPTURE(line);
            for (char32_t mark : {U'，', U'。', U'、', U'！', U'？', U'」', U'）'})
                CHECK(first_char(line) != mark);
            for (char32_t mark : {U'「', U'（'}) CHECK(last_char(line) != mark);
        }
    }
}

TEST_CASE("an opening bracket stays with the word after it") {
    CHECK(break_lines("请到「社区食堂」", 3, count_chars) == Lines{"请到", "「社区", "食堂」"});
    CHECK(break_lines("地点（二楼）", 2, count_chars) == Lines{"地点", "（二", "楼）"});
}

TEST_CASE("Latin words break at spaces and trailing spaces are dropped") {
    CHECK(break_lines("open from nine", 9, count_chars) == Lines{"open from", "nine"});
}

TEST_CASE("a run with no break inside is cut by characters, still keeping the rules") {
    CHECK(break_lines("abcdefgh", 3, count_chars) == Lines{"abc", "def", "gh"});
    // "ab(cd" has no break opportunity; a plain cut after 3 would leave "(" last on the line.
    CHECK(break_lines("ab(cd", 3, count_chars) == Lines{"ab", "(cd"});
    // Narrower than one character: one character a line, never nothing; and a line runs over
    // rather than put "，" first on the next.
    CHECK(break_lines("你好", 0.5f, count_chars) == Lines{"你", "好"});
    CHECK(break_lines("你好，", 1, count_chars) == Lines{"你", "好，"});
}

TEST_CASE("a newline always breaks, empty text has no lines") {
    CHECK(break_lines("第一行\n第二行", 10, count_chars) == Lines{"第一行", "第二行"});
    CHECK(break_lines("甲\n\n乙", 10, count_chars) == Lines{"甲", "", "乙"});
    CHECK(break_lines("", 10, count_chars).empty());
}

TEST_CASE("invalid UTF-8 is kept rather than lost") {
    std::string text = "好\xff好";
    Lines lines = break_lines(text, 10, count_chars);
    std::string joined;
    for (const auto& line : lines) joined += line;
    CHECK(joined == text);
}

TEST_CASE("the kinsoku rules for single characters") {
    using station::ui::forbidden_at_line_end;
    using station::ui::forbidden_at_line_start;
    for (char32_t c : {U'。', U'，', U'、', U'」', U'）', U'！', U'？', U'：', U'；', U'”', U'》', U'…'})
        CHECK(forbidden_at_line_start(c));
    for (char32_t c : {U'「', U'（', U'“', U'《'}) CHECK(forbidden_at_line_end(c));
    for (char32_t c : {U'好', U'A', U'1'}) {
        CHECK_FALSE(forbidden_at_line_start(c));
        CHECK_FALSE(forbidden_at_line_end(c));
    }
}

TEST_CASE("dates and times the Chinese way") {
    using namespace station::ui;
    const std::vector<std::string> parts{"凌晨", "早上", "上午", "中午", "下午", "晚上"};
    CHECK(format_chinese_ymd(2026, 11, 5) == "2026年11月5日");
    CHECK(format_chinese_month_day(1, 25) == "1月25日");
    CHECK(format_chinese_time_of_day(9, 30, parts) == "上午9:30");
    CHECK(format_chinese_time_of_day(14, 5, parts) == "下午2:05");
    CHECK(format_chinese_time_of_day(12, 30, parts) == "中午12:30");
    CHECK(format_chinese_time_of_day(19, 0, parts) == "晚上7:00");
    CHECK(format_chinese_time_of_day(0, 30, parts) == "凌晨0:30");
    CHECK(format_chinese_time_of_day(7, 15, parts) == "早上7:15");
    CHECK(format_time_span(9, 0, 11, 30) == "9:00—11:30");
}
