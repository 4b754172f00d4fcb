// Payload validation, the CDC line decoder and the serial scanner.
#include "common/text.h"
#include "qr/qr_scanner.h"

namespace station::drivers {

Result<Ok> validate_qr_payload(std::string_view payload, size_t max_bytes) {
    if (payload.empty()) return make_error(ErrorCode::Format, "qr.payload", "0 bytes", "扫码内容为空 empty scan");
    if (payload.size() > max_bytes)
        return make_error(ErrorCode::Format, "qr.payload", std::to_string(payload.size()) + " bytes",
                          "扫码内容过长 scan longer than " + std::to_string(max_bytes) + " bytes");
    if (auto ok = validate_utf8(payload, "qr.payload"); !ok) {
        Error e = ok.error();
        e.message = "扫码内容不是有效的 UTF-8 文本 scan is not valid UTF-8";
        return e;
    }
    if (auto nul = payload.find('\0'); nul != std::string_view::npos)
        return make_error(ErrorCode::Format, "qr.payload", "offset " + std::to_string(nul) + " byte 0x00",
                          "扫码内容含空字符 scan contains a NUL byte");
    return Ok{};
}

void QrLineDecoder::feed(std::span<const uint8_t> bytes) {
    for (uint8_t b : bytes) {
        bool was_cr = last_was_cr_;
        last_was_cr_ = b == '\r';
        if (b == '\n' && was_cr) continue;  // the LF of CR LF
        if (b == '\r' || b == '\n') {
            if (overlong_) {
                ready_.push_back(make_error(ErrorCode::Format, "qr.payload", "more than " + std::to_string(max_bytes_) + " bytes",
                                            "扫码内容过长 scan longer than " + std::to_string(max_bytes_) + " bytes"));
            } else if (!line_.empty()) {
                auto ok = validate_qr_payload(line_, max_bytes_);
                if (ok) ready_.push_back(std::move(line_));
                else ready_.push_back(ok.error());
            }
            line_.clear();
            overlong_ = false;
            continue;
        }
        if (overlong_) continue;
        line_ += static_cast<char>(b);
        if (line_.size() > max_bytes_) {
            overlong_ = true;
            line_.clear();
        }
    }
}

std::optional<Result<std::string>> QrLineDecoder::next() {
    if (ready_.empty()) return std::nullopt;
    auto item = std::move(ready_.front());
    ready_.pop_front();
    return item;
}

SerialQrScanner::SerialQrScanner(std::unique_ptr<Transport> transport, size_t max_bytes)
    : transport_(std::move(transport)), decoder_(max_bytes) {
    health_.set(HealthState::Ok);
}

Result<std::unique_ptr<SerialQrScanner>> SerialQrScanner::open(const std::string& uri, size_t max_bytes) {
    auto transport = open_transport(uri, SerialSettings{115200});
    if (!transport) return transport.error();
    return std::make_unique<SerialQrScanner>(std::move(*transport), max_bytes);
}

Result<std::string> SerialQrScanner::next_scan(Millis timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    uint8_t buffer[512];
    for (;;) {
        if (auto item = decoder_.next()) return std::move(*item);
        auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        if (left <= Millis(0)) break;
        auto got = transport_->read_some(buffer, left);
        if (!got) {
            health_.set(HealthState::Offline, "扫码器已断开 scanner disconnected");
            return got.error();
        }
        health_.set(HealthState::Ok);
        decoder_.feed(std::span(buffer, *got));
    }
    if (decoder_.partial_size() > 0)
        return make_error(ErrorCode::Timeout, "qr.payload", std::to_string(decoder_.partial_size()) + " bytes without line end",
                          "扫码未结束 scan incomplete (no CR)");
    return make_error(ErrorCode::Timeout, "qr", std::to_string(timeout.count()) + " ms", "没有扫码 no scan");
}

DeviceHealth SerialQrScanner::health() const { return health_.get(); }

}  // namespace station::drivers
