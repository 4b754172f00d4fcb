// ESC/POS encoding and status parsing (DEVICES.md "ESC/POS receipt printers").
#include <algorithm>
#include <cstdio>

#include "common/text.h"
#include "printer/printer.h"

namespace station::drivers {

int paper_dots(PaperWidth width) { return width == PaperWidth::Mm80 ? 576 : 384; }

MonoImage MonoImage::blank(int width, int height) {
    MonoImage image;
    image.width = std::max(0, width);
    image.height = std::max(0, height);
    image.pixels.assign(size_t(image.width) * size_t(image.height), 0);
    return image;
}

EscPosEncoder& EscPosEncoder::initialize() {
    bytes_.insert(bytes_.end(), {0x1B, 0x40});
    chinese_ = false;
    return *this;
}

EscPosEncoder& EscPosEncoder::align(Align a) {
    bytes_.insert(bytes_.end(), {0x1B, 0x61, static_cast<uint8_t>(a)});
    return *this;
}

EscPosEncoder& EscPosEncoder::bold(bool on) {
    bytes_.insert(bytes_.end(), {0x1B, 0x45, uint8_t(on ? 1 : 0)});
    return *this;
}

EscPosEncoder& EscPosEncoder::size(int width, int height) {
    width = std::clamp(width, 1, 8);
    height = std::clamp(height, 1, 8);
    // GS ! n: high nibble width − 1, low nibble height − 1.
    bytes_.insert(bytes_.end(), {0x1D, 0x21, static_cast<uint8_t>(((width - 1) << 4) | (height - 1))});
    return *this;
}

EscPosEncoder& EscPosEncoder::chinese_mode(bool on) {
    if (on) bytes_.insert(bytes_.end(), {0x1C, 0x26});
    else bytes_.insert(bytes_.end(), {0x1C, 0x2E});
    chinese_ = on;
    return *this;
}

EscPosEncoder& EscPosEncoder::chinese_size(bool double_width, bool double_height) {
    // FS ! n: bit 2 double width, bit 3 double height.
    bytes_.insert(bytes_.end(), {0x1C, 0x21, static_cast<uint8_t>((double_width ? 0x04 : 0) | (double_height ? 0x08 : 0))});
    return *this;
}

Result<Ok> EscPosEncoder::text(std::string_view utf8) {
    if (auto ok = validate_utf8(utf8, "text"); !ok) return ok.error();
    std::string encoded;
    if (chinese_) {
        auto gb = utf8_to_gb18030(utf8);
        if (!gb) return gb.error();
        encoded = std::move(*gb);
    } else {
        for (char32_t c : utf8_to_u32(utf8)) encoded += c < 0x80 ? static_cast<char>(c) : '?';
    }
    bytes_.insert(bytes_.end(), encoded.begin(), encoded.end());
    return Ok{};
}

Result<Ok> EscPosEncoder::line(std::string_view utf8) {
    if (auto ok = text(utf8); !ok) return ok;
    newline();
    return Ok{};
}

EscPosEncoder& EscPosEncoder::newline() {
    bytes_.push_back(0x0A);
    return *this;
}

EscPosEncoder& EscPosEncoder::feed(int lines) {
    bytes_.insert(bytes_.end(), {0x1B, 0x64, static_cast<uint8_t>(std::clamp(lines, 0, 255))});
    return *this;
}

EscPosEncoder& EscPosEncoder::cut(bool partial) {
    bytes_.insert(bytes_.end(), {0x1D, 0x56, uint8_t(partial ? 1 : 0)});
    return *this;
}

Result<Ok> EscPosEncoder::qr_native(std::string_view payload, int module_size, QrErrorLevel level) {
    if (payload.empty() || payload.size() > 7089)
        return make_error(ErrorCode::InvalidArgument, "qr.payload", std::to_string(payload.size()) + " bytes",
                          "二维码内容长度应为 1–7089 字节 QR payload must be 1..7089 bytes");
    module_size = std::clamp(module_size, 1, 16);
    // GS ( k, cn = 0x31: model 2, module size, error correction, store, print.
    bytes_.insert(bytes_.end(), {0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00});
    bytes_.insert(bytes_.end(), {0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, static_cast<uint8_t>(module_size)});
    bytes_.insert(bytes_.end(), {0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, static_cast<uint8_t>(level)});
    size_t store_len = payload.size() + 3;  // pL + 256·pH = len + 3
    bytes_.insert(bytes_.end(), {0x1D, 0x28, 0x6B, static_cast<uint8_t>(store_len & 0xFF),
                                 static_cast<uint8_t>(store_len >> 8), 0x31, 0x50, 0x30});
    bytes_.insert(bytes_.end(), payload.begin(), payload.end());
    bytes_.insert(bytes_.end(), {0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30});
    return Ok{};
}

EscPosEncoder& EscPosEncoder::raster(const MonoImage& image, int band_rows) {
    band_rows = std::clamp(band_rows, 1, 960);
    int width_bytes = (image.width + 7) / 8;
    if (width_bytes == 0 || image.height == 0) return *this;
    for (int top = 0; top < image.height; top += band_rows) {
        int rows = std::min(band_rows, image.height - top);
        // GS v 0 m xL xH yL yH: x = bytes per row, y = rows; MSB leftmost, 1 = black.
        bytes_.insert(bytes_.end(), {0x1D, 0x76, 0x30, 0x00, static_cast<uint8_t>(width_bytes & 0xFF),
                                     static_cast<uint8_t>(width_bytes >> 8), static_cast<uint8_t>(rows & 0xFF),
                                     static_cast<uint8_t>(rows >> 8)});
        for (int y = top; y < top + rows; ++y) {
            for (int xb = 0; xb < width_bytes; ++xb) {
                uint8_t packed = 0;
                for (int bit = 0; bit < 8; ++bit) {
                    int x = xb * 8 + bit;
                    if (x < image.width && image.at(x, y)) packed |= uint8_t(0x80 >> bit);
                }
                bytes_.push_back(packed);
            }
        }
    }
    return *this;
}

EscPosEncoder& EscPosEncoder::raw(std::span<const uint8_t> bytes) {
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    return *this;
}

// ---- Status -------------------------------------------------------------------------------

const char* paper_state_name(PaperState paper) {
    switch (paper) {
        case PaperState::Ok: return "ok";
        case PaperState::NearEnd: return "near_end";
        case PaperState::Out: return "out";
    }
    return "ok";
}

bool PrinterStatus::can_print() const {
    return online && !cover_open && paper != PaperState::Out && !stopped_by_paper_end && !any_error();
}

DeviceHealth PrinterStatus::health() const {
    if (paper == PaperState::Out || stopped_by_paper_end) return {HealthState::Offline, "缺纸 paper out"};
    if (cover_open) return {HealthState::Offline, "纸仓盖打开 cover open"};
    if (cutter_error) return {HealthState::Offline, "切刀故障 cutter error"};
    if (unrecoverable_error) return {HealthState::Offline, "打印机故障（不可恢复） unrecoverable error"};
    if (auto_recoverable_error || error_occurred) return {HealthState::Offline, "打印机错误 printer error"};
    if (!online) return {HealthState::Offline, "打印机离线 printer offline"};
    if (paper == PaperState::NearEnd) return {HealthState::Degraded, "纸将尽 paper near end"};
    return {HealthState::Ok, ""};
}

std::array<uint8_t, 3> status_query(int n) { return {0x10, 0x04, static_cast<uint8_t>(n)}; }

Result<Ok> parse_status_byte(int n, uint8_t byte, PrinterStatus& status) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", byte);
    if (n < 1 || n > 4)
        return make_error(ErrorCode::InvalidArgument, "dle_eot.n", std::to_string(n), "状态类别应为 1–4 n must be 1..4");
    // Every DLE EOT reply has bit 1 and bit 4 set, bits 0 and 7 clear.
    if ((byte & 0x93) != 0x12)
        return make_error(ErrorCode::Format, "dle_eot." + std::to_string(n), hex,
                          "状态字节格式错误 status byte lacks the fixed bits 0x12");
    switch (n) {
        case 1: status.online = !(byte & 0x08); break;
        case 2:
            status.cover_open = byte & 0x04;
            status.stopped_by_paper_end = byte & 0x20;
            status.error_occurred = byte & 0x40;
            break;
        case 3:
            status.cutter_error = byte & 0x08;
            status.unrecoverable_error = byte & 0x20;
            status.auto_recoverable_error = byte & 0x40;
            break;
        case 4:
            status.paper = (byte & 0x60) ? PaperState::Out : (byte & 0x0C) ? PaperState::NearEnd : PaperState::Ok;
            break;
    }
    return Ok{};
}

}  // namespace station::drivers
