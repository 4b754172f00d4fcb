// SHA-256 (FIPS 180-4), for salted hashes of ID numbers without pulling a crypto library
// into drivers/. Not for anything needing constant time.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace station::drivers {

std::array<uint8_t, 32> sha256(std::string_view bytes);
std::string sha256_hex(std::string_view bytes);  // lowercase hex, 64 characters

}  // namespace station::drivers
