// SAM frames, commands and status codes (DEVICES.md, "Second-generation resident ID card reader").
#include <algorithm>
#include <cstdio>

#include "idcard/idcard.h"

namespace station::drivers {

namespace {

std::string hex2(unsigned value) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", value & 0xFFu);
    return buf;
}

// Position of the first full preamble at or after `from`, or npos.
size_t find_preamble(const std::vector<uint8_t>& buf, size_t from) {
    if (buf.size() < kSamPreamble.size()) return std::string::npos;
    auto it = std::search(buf.begin() + static_cast<std::ptrdiff_t>(std::min(from, buf.size())), buf.end(),
                          kSamPreamble.begin(), kSamPreamble.end());
    return it == buf.end() ? std::string::npos : static_cast<size_t>(it - buf.begin());
}

size_t frame_len_at(const std::vector<uint8_t>& buf, size_t at) { return (size_t(buf[at + 5]) << 8) | buf[at + 6]; }

bool len_plausible(size_t len) { return len >= 3 && len <= kSamMaxLen; }

}  // namespace

uint8_t sam_xor(std::span<const uint8_t> bytes) {
    uint8_t x = 0;
    for (uint8_t b : bytes) x ^= b;
    return x;
}

std::vector<uint8_t> encode_frame(std::span<const uint8_t> body) {
    std::vector<uint8_t> out(kSamPreamble.begin(), kSamPreamble.end());
    size_t len = body.size() + 1;
    out.push_back(static_cast<uint8_t>(len >> 8));
    out.push_back(static_cast<uint8_t>(len & 0xFF));
    out.insert(out.end(), body.begin(), body.end());
    out.push_back(sam_xor(std::span(out).subspan(5)));
    return out;
}

Result<std::vector<uint8_t>> decode_frame(std::span<const uint8_t> frame) {
    if (frame.size() < 7 || !std::equal(kSamPreamble.begin(), kSamPreamble.end(), frame.begin()))
        return make_error(ErrorCode::Format, "sam.preamble", hex_bytes(frame.data(), std::min<size_t>(frame.size(), 5)),
                          "帧头应为 AA AA AA 96 69 frame must start with AA AA AA 96 69");
    size_t len = (size_t(frame[5]) << 8) | frame[6];
    if (!len_plausible(len))
        return make_error(ErrorCode::Format, "sam.len", std::to_string(len), "帧长度不合理 impossible frame length");
    if (frame.size() < 7 + len)
        return make_error(ErrorCode::Format, "sam.len",
                          std::to_string(frame.size()) + " of " + std::to_string(7 + len) + " bytes",
                          "帧不完整 truncated frame (half frame)");
    if (frame.size() > 7 + len)
        return make_error(ErrorCode::Format, "sam.len", std::to_string(frame.size() - 7 - len) + " extra bytes",
                          "帧后有多余字节 trailing bytes after frame");
    uint8_t expected = sam_xor(frame.subspan(5, len + 1));
    uint8_t found = frame[6 + len];
    if (expected != found)
        return make_error(ErrorCode::Checksum, "sam.checksum", hex2(found) + " (expected " + hex2(expected) + ")",
                          "校验和错误 checksum mismatch");
    return std::vector<uint8_t>(frame.begin() + 7, frame.begin() + 6 + static_cast<std::ptrdiff_t>(len));
}

void SamFrameParser::feed(std::span<const uint8_t> bytes) { buffer_.insert(buffer_.end(), bytes.begin(), bytes.end()); }

size_t SamFrameParser::pending_frame_size() const {
    if (buffer_.size() < 7 || !std::equal(kSamPreamble.begin(), kSamPreamble.end(), buffer_.begin())) return 0;
    size_t len = frame_len_at(buffer_, 0);
    return len_plausible(len) ? 7 + len : 0;
}

std::optional<Result<std::vector<uint8_t>>> SamFrameParser::next() {
    size_t start = find_preamble(buffer_, 0);
    if (start == std::string::npos) {
        // Keep a tail that may be the start of a preamble split across reads.
        if (buffer_.size() > kSamPreamble.size() - 1)
            buffer_.erase(buffer_.begin(), buffer_.end() - static_cast<std::ptrdiff_t>(kSamPreamble.size() - 1));
        return std::nullopt;
    }
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start));  // garbage
    if (buffer_.size() < 7) return std::nullopt;
    size_t len = frame_len_at(buffer_, 0);
    if (!len_plausible(len)) {
        buffer_.erase(buffer_.begin());
        return Result<std::vector<uint8_t>>(make_error(ErrorCode::Format, "sam.len", std::to_string(len),
                                                       "帧长度不合理，已跳过 impossible frame length, skipped"));
    }
    size_t total = 7 + len;
    if (buffer_.size() >= total) {
        auto result = decode_frame(std::span(buffer_).first(total));
        // A good frame is consumed whole; a bad one only by a byte, so a preamble inside it
        // (the start of the real frame after a torn one) is still found.
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(result.ok() ? total : 1));
        return result;
    }
    // Incomplete. If a later preamble starts a complete, valid frame, the one at the front was
    // a half frame: report it and drop it.
    for (size_t later = find_preamble(buffer_, 1); later != std::string::npos; later = find_preamble(buffer_, later + 1)) {
        if (buffer_.size() < later + 7) break;
        size_t later_len = frame_len_at(buffer_, later);
        if (!len_plausible(later_len) || buffer_.size() < later + 7 + later_len) continue;
        if (!decode_frame(std::span(buffer_).subspan(later, 7 + later_len)).ok()) continue;
        std::string got = std::to_string(later) + " of " + std::to_string(total) + " bytes";
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(later));
        return Result<std::vector<uint8_t>>(
            make_error(ErrorCode::Format, "sam.len", got, "半帧，已丢弃并重新同步 half frame dropped, resynchronised"));
    }
    return std::nullopt;
}

std::array<uint8_t, 2> command_body(SamCommand command) {
    switch (command) {
        case SamCommand::Reset: return {0x10, 0xFF};
        case SamCommand::Status: return {0x11, 0xFF};
        case SamCommand::FindCard: return {0x20, 0x01};
        case SamCommand::SelectCard: return {0x20, 0x02};
        case SamCommand::ReadText: return {0x30, 0x01};
        case SamCommand::ReadWithFingerprint: return {0x30, 0x10};
    }
    return {0x11, 0xFF};
}

std::vector<uint8_t> command_frame(SamCommand command) {
    auto body = command_body(command);
    return encode_frame(body);
}

const char* command_name(SamCommand command) {
    switch (command) {
        case SamCommand::Reset: return "reset";
        case SamCommand::Status: return "status";
        case SamCommand::FindCard: return "find";
        case SamCommand::SelectCard: return "select";
        case SamCommand::ReadText: return "read";
        case SamCommand::ReadWithFingerprint: return "read with fingerprint";
    }
    return "?";
}

SamStatusText sam_status_message(uint8_t sw3) {
    switch (sw3) {
        case 0x90: return {"操作成功", "success"};
        case 0x9F: return {"找到身份证", "card found"};
        case 0x91: return {"卡中此项无内容", "no content for this item on the card"};
        case 0x10: return {"接收数据校验和错误", "reader received a frame with a checksum error"};
        case 0x11: return {"接收数据长度错误", "reader received a frame with a length error"};
        case 0x21: return {"命令错误", "bad command"};
        case 0x23: return {"越权操作", "operation not authorised"};
        case 0x24: return {"无法识别的错误", "unrecognised error"};
        case 0x31: return {"卡认证 SAM 失败", "card failed to authenticate the SAM"};
        case 0x32: return {"SAM 认证卡失败", "SAM failed to authenticate the card"};
        case 0x33: return {"信息验证错误", "information verification failed"};
        case 0x3F: return {"信息长度错误", "information length error"};
        case 0x40: return {"无法识别的卡类型", "unknown card type"};
        case 0x41: return {"读卡操作失败，请重新放卡", "read failed, lift the card and place it again"};
        case 0x47: return {"取随机数失败", "getting the random number failed"};
        case 0x60: return {"SAM 自检失败，读卡器需要维修", "SAM self-test failed, reader needs service"};
        case 0x66: return {"SAM 未经授权", "SAM not authorised"};
        case 0x80: return {"未找到身份证，请放卡", "no card found, place the card"};
        case 0x81: return {"选卡失败，请重新放卡", "select failed, lift the card and place it again"};
        default: return {"读卡器返回未知状态", "reader returned an unknown status"};
    }
}

bool sam_status_is_success(uint8_t sw3) { return sw3 == 0x90 || sw3 == 0x9F; }

}  // namespace station::drivers
