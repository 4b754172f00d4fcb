// Text encodings met at the device edge: UTF-8 validation, UCS-2LE (ID cards) and
// GB18030 (ESC/POS Chinese mode, through glibc iconv). Pure functions, any thread.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/device.h"

namespace station::drivers {

// Ok when `text` is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF); else a
// Format error whose value names the byte offset and the offending byte.
Result<Ok> validate_utf8(std::string_view text, std::string_view field);

// UCS-2 little-endian to UTF-8, trailing/leading spaces and NULs trimmed unless `trim` is
// false. Odd trailing byte or a lone surrogate is a Format error naming `field`.
Result<std::string> ucs2le_to_utf8(std::span<const uint8_t> bytes, std::string_view field, bool trim = true);

// UTF-8 to UCS-2LE, padded with spaces to `byte_length` (for simulators and tests);
// characters outside the BMP become '?'.
std::string utf8_to_ucs2le(std::string_view text, size_t byte_length);

// UTF-8 → GB18030 and back via iconv; Format error on invalid input.
Result<std::string> utf8_to_gb18030(std::string_view text);
Result<std::string> gb18030_to_utf8(std::string_view text);

// Splits UTF-8 text into code points (input must be valid UTF-8).
std::u32string utf8_to_u32(std::string_view text);
std::string u32_to_utf8(std::u32string_view text);

}  // namespace station::drivers
