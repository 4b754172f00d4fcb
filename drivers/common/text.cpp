#include "common/text.h"

#include <cerrno>
#include <cstdio>
#include <iconv.h>

namespace station::drivers {

namespace {

std::string byte_at(size_t offset, uint8_t byte) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "offset %zu byte 0x%02X", offset, byte);
    return buf;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

Result<std::string> convert(std::string_view text, const char* to, const char* from, const char* field) {
    iconv_t cd = iconv_open(to, from);
    if (cd == reinterpret_cast<iconv_t>(-1))
        return make_error(ErrorCode::Unavailable, field, from, "iconv cannot convert this encoding");
    std::string out(text.size() * 4 + 16, '\0');
    char* in_ptr = const_cast<char*>(text.data());
    size_t in_left = text.size();
    char* out_ptr = out.data();
    size_t out_left = out.size();
    size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
    int err = errno;
    iconv_close(cd);
    if (rc == static_cast<size_t>(-1)) {
        size_t offset = text.size() - in_left;
        uint8_t bad = offset < text.size() ? static_cast<uint8_t>(text[offset]) : 0;
        return make_error(ErrorCode::Format, field, byte_at(offset, bad),
                          err == EINVAL ? "文本被截断 truncated multibyte sequence"
                                        : "无法转换的字符 character cannot be converted");
    }
    out.resize(out.size() - out_left);
    return out;
}

}  // namespace

Result<Ok> validate_utf8(std::string_view text, std::string_view field) {
    const auto* s = reinterpret_cast<const uint8_t*>(text.data());
    size_t n = text.size();
    size_t i = 0;
    auto fail = [&](size_t at) -> Result<Ok> {
        return make_error(ErrorCode::Format, std::string(field), byte_at(at, at < n ? s[at] : 0),
                          "不是有效的 UTF-8 文本 invalid UTF-8");
    };
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t len;
        char32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return fail(i);
        }
        if (i + len > n) return fail(i);
        for (size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return fail(i + k);
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return fail(i);
        i += len;
    }
    return Ok{};
}

Result<std::string> ucs2le_to_utf8(std::span<const uint8_t> bytes, std::string_view field, bool trim) {
    if (bytes.size() % 2 != 0)
        return make_error(ErrorCode::Format, std::string(field), std::to_string(bytes.size()) + " bytes",
                          "UCS-2 字段长度为奇数 odd UCS-2 length");
    std::u32string chars;
    for (size_t i = 0; i < bytes.size(); i += 2) {
        char32_t u = bytes[i] | (bytes[i + 1] << 8);
        if (u >= 0xD800 && u <= 0xDFFF)
            return make_error(ErrorCode::Format, std::string(field), byte_at(i, bytes[i]),
                              "UCS-2 中出现代理项 surrogate in UCS-2 text");
        chars += u;
    }
    auto blank = [](char32_t c) { return c == U' ' || c == 0 || c == 0x3000; };
    size_t begin = 0, end = chars.size();
    if (!trim) return u32_to_utf8(chars);
    while (begin < end && blank(chars[begin])) ++begin;
    while (end > begin && blank(chars[end - 1])) --end;
    return u32_to_utf8(std::u32string_view(chars).substr(begin, end - begin));
}

std::string utf8_to_ucs2le(std::string_view text, size_t byte_length) {
    std::string out;
    for (char32_t cp : utf8_to_u32(text)) {
        if (cp > 0xFFFF) cp = U'?';
        out += static_cast<char>(cp & 0xFF);
        out += static_cast<char>(cp >> 8);
    }
    while (out.size() + 2 <= byte_length) out += std::string(" \0", 2);
    out.resize(byte_length, ' ');
    return out;
}

Result<std::string> utf8_to_gb18030(std::string_view text) {
    if (auto ok = validate_utf8(text, "text"); !ok) return ok.error();
    return convert(text, "GB18030", "UTF-8", "text");
}

Result<std::string> gb18030_to_utf8(std::string_view text) { return convert(text, "UTF-8", "GB18030", "gb18030"); }

std::u32string utf8_to_u32(std::string_view text) {
    std::u32string out;
    const auto* s = reinterpret_cast<const uint8_t*>(text.data());
    size_t n = text.size();
    for (size_t i = 0; i < n;) {
        uint8_t c = s[i];
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
        for (size_t k = 1; k < len && i + k < n; ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
        out += cp;
        i += len;
    }
    return out;
}

std::string u32_to_utf8(std::u32string_view text) {
    std::string out;
    for (char32_t cp : text) append_utf8(out, cp);
    return out;
}

}  // namespace station::drivers
