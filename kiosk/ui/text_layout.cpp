#include "kiosk/ui/text_layout.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <cstdio>
#include <memory>

namespace station::ui {
namespace {

// ICU's line iterator for zh-CN, created once per thread (creating one costs about a
// millisecond; setText on an existing one is cheap).
icu::BreakIterator* line_iterator() {
    thread_local std::unique_ptr<icu::BreakIterator> iterator = [] {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::BreakIterator> created(
            icu::BreakIterator::createLineInstance(icu::Locale("zh", "CN"), status));
        return U_SUCCESS(status) ? std::move(created) : nullptr;
    }();
    return iterator.get();
}

// Byte offsets in `text` (a paragraph, no '\n') after which a line may break, ascending, ending
// with text.size(). Without ICU (it failed to load its data) every character boundary.
std::vector<size_t> break_opportunities(std::string_view text) {
    std::vector<size_t> breaks;
    icu::BreakIterator* iterator = line_iterator();
    UErrorCode status = U_ZERO_ERROR;
    UText* utext = iterator ? utext_openUTF8(nullptr, text.data(), int64_t(text.size()), &status) : nullptr;
    if (utext && U_SUCCESS(status)) {
        iterator->setText(utext, status);
        if (U_SUCCESS(status)) {
            // Offsets are native UTF-8 indices because the UText is UTF-8.
            for (int32_t at = iterator->next(); at != icu::BreakIterator::DONE; at = iterator->next())
                breaks.push_back(size_t(at));
        }
        // The iterator keeps a shallow clone of the UText: point it away before closing ours (at a
        // string that lives as long as the iterator: it keeps a reference).
        static const icu::UnicodeString nothing;
        iterator->setText(nothing);
        utext_close(utext);
    }
    if (breaks.empty() || breaks.back() != text.size()) {
        breaks.clear();
        for (size_t at = 0; at < text.size();) {
            int32_t i = int32_t(at);
            UChar32 c;
            U8_NEXT(text.data(), i, int32_t(text.size()), c);
            at = size_t(i);
            breaks.push_back(at);
        }
    }
    return breaks;
}

// The code point that starts at `at`, and the one that ends at `at`.
char32_t char_at(std::string_view text, size_t at) {
    int32_t i = int32_t(at);
    UChar32 c;
    U8_NEXT(text.data(), i, int32_t(text.size()), c);
    return c < 0 ? 0xFFFD : char32_t(c);
}
char32_t char_before(std::string_view text, size_t at) {
    int32_t i = int32_t(at);
    UChar32 c;
    U8_PREV(text.data(), 0, i, c);
    return c < 0 ? 0xFFFD : char32_t(c);
}
size_t next_char(std::string_view text, size_t at) {
    int32_t i = int32_t(at);
    U8_FWD_1(text.data(), i, int32_t(text.size()));
    return size_t(i);
}

std::string_view trim_end(std::string_view line) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
        line.remove_suffix(1);
    return line;
}

// Where to cut a run [from, to) that is wider than a line: after as many characters as fit (at
// least one), moved back while the cut would put a closing mark first on the next line or an
// opening mark last on this one; the whole run when no place inside it keeps both rules.
size_t forced_cut(std::string_view text, size_t from, size_t to, float max_width,
                  const MeasureText& measure) {
    size_t cut = next_char(text, from);
    for (size_t next = next_char(text, cut); cut < to && next <= to; next = next_char(text, next)) {
        if (measure(text.substr(from, next - from)) > max_width) break;
        cut = next;
    }
    if (cut >= to) return to;
    for (size_t candidate = cut; candidate > from; candidate = size_t(candidate - 1)) {
        // Only character boundaries: skip UTF-8 continuation bytes.
        if ((static_cast<unsigned char>(text[candidate]) & 0xC0) == 0x80) continue;
        if (!forbidden_at_line_start(char_at(text, candidate)) &&
            !forbidden_at_line_end(char_before(text, candidate)))
            return candidate;
    }
    return to;  // no allowed place inside the run: the line overflows rather than break a rule
}

void break_paragraph(std::string_view text, float max_width, const MeasureText& measure,
                     std::vector<std::string>& lines) {
    if (text.empty()) {
        lines.emplace_back();
        return;
    }
    std::vector<size_t> breaks = break_opportunities(text);
    size_t start = 0;
    size_t next_break = 0;  // index into breaks of the first opportunity after start
    while (start < text.size()) {
        while (breaks[next_break] <= start) ++next_break;
        size_t end = start;
        for (size_t i = next_break; i < breaks.size(); ++i) {
            if (measure(trim_end(text.substr(start, breaks[i] - start))) > max_width) break;
            end = breaks[i];
        }
        if (end == start) end = forced_cut(text, start, breaks[next_break], max_width, measure);
        lines.emplace_back(trim_end(text.substr(start, end - start)));
        start = end;
    }
}

}  // namespace

bool forbidden_at_line_start(char32_t c) {
    switch (u_getIntPropertyValue(UChar32(c), UCHAR_LINE_BREAK)) {
        case U_LB_CLOSE_PUNCTUATION:
        case U_LB_CLOSE_PARENTHESIS:
        case U_LB_EXCLAMATION:
        case U_LB_INFIX_NUMERIC:
        case U_LB_NONSTARTER:
        case U_LB_INSEPARABLE:  // …
            return true;
        default:
            return c == U'”' || c == U'’';
    }
}

bool forbidden_at_line_end(char32_t c) {
    return u_getIntPropertyValue(UChar32(c), UCHAR_LINE_BREAK) == U_LB_OPEN_PUNCTUATION || c == U'“' ||
           c == U'‘';
}

std::vector<std::string> break_lines(std::string_view text, float max_width, const MeasureText& measure) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        size_t newline = text.find('\n');
        break_paragraph(text.substr(0, newline), max_width, measure, lines);
        if (newline == std::string_view::npos) break;
        text.remove_prefix(newline + 1);
        if (text.empty()) lines.emplace_back();  // a final '\n' ends with an empty line
    }
    return lines;
}

std::string format_chinese_ymd(int year, int month, int day) {
    return std::to_string(year) + "年" + format_chinese_month_day(month, day);
}

std::string format_chinese_month_day(int month, int day) {
    return std::to_string(month) + "月" + std::to_string(day) + "日";
}

std::string format_chinese_time_of_day(int hour, int minute, const std::vector<std::string>& day_parts) {
    static constexpr int kPartStarts[] = {0, 5, 9, 12, 13, 18};
    int part = 0;
    for (int i = 0; i < 6; ++i)
        if (hour >= kPartStarts[i]) part = i;
    int shown = hour > 12 ? hour - 12 : hour;  // 中午12:30, 下午2:05, 凌晨0:30
    char digits[16];
    std::snprintf(digits, sizeof digits, "%d:%02d", shown, minute);
    std::string word = size_t(part) < day_parts.size() ? day_parts[size_t(part)] : std::string();
    return word + digits;
}

std::string format_time_span(int from_hour, int from_minute, int to_hour, int to_minute) {
    char text[32];
    std::snprintf(text, sizeof text, "%d:%02d—%d:%02d", from_hour, from_minute, to_hour, to_minute);
    return text;
}

}  // namespace station::ui
