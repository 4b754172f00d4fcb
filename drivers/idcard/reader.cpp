// IdCardReader: find → select → read over a Transport, paced and lift-aware.
#include <cstdio>

#include "idcard/idcard.h"

namespace station::drivers {

namespace {

using Steady = std::chrono::steady_clock;

std::string sw3_text(uint8_t sw3) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", sw3);
    return buf;
}

Error status_error(SamCommand command, uint8_t sw3) {
    auto text = sam_status_message(sw3);
    return make_error(ErrorCode::DeviceStatus, std::string("reply to ") + command_name(command) + ".sw3", sw3_text(sw3),
                      std::string(text.zh) + " " + text.en);
}

}  // namespace

IdCardReader::IdCardReader(std::unique_ptr<Transport> transport, IdCardReaderOptions options, Clock& clock)
    : transport_(std::move(transport)), options_(options), clock_(clock) {
    health_.set(HealthState::Ok);
}

Result<std::unique_ptr<IdCardReader>> IdCardReader::open(const std::string& uri, IdCardReaderOptions options, Clock& clock) {
    auto transport = open_transport(uri, SerialSettings{115200});
    if (!transport) return transport.error();
    auto reader = std::make_unique<IdCardReader>(std::move(*transport), options, clock);
    if (auto status = reader->check_status(); !status) return status.error();
    return reader;
}

Result<std::vector<uint8_t>> IdCardReader::exchange(SamCommand command, Millis timeout) {
    const std::string field = std::string("reply to ") + command_name(command);
    parser_.clear();
    transport_->discard_input();  // a late reply to an earlier command must not answer this one
    auto frame = command_frame(command);
    if (auto written = transport_->write_all(frame, options_.reply_timeout); !written) return written.error();

    auto deadline = Steady::now() + timeout;
    std::optional<Error> skipped;
    uint8_t buffer[2048];
    for (;;) {
        while (auto item = parser_.next()) {
            if (item->ok()) return std::move(item->value());
            // A wrong checksum in the reply: the reader will not resend, so fail now.
            if (item->error().code == ErrorCode::Checksum) {
                Error e = item->error();
                e.field = field + " (" + e.field + ")";
                e.message = "回复校验和错误 checksum mismatch in the " + field;
                return e;
            }
            skipped = item->error();
        }
        auto left = std::chrono::duration_cast<Millis>(deadline - Steady::now());
        if (left <= Millis(0)) break;
        auto got = transport_->read_some(buffer, left);
        if (!got) return got.error();
        parser_.feed(std::span(buffer, *got));
    }
    if (size_t pending = parser_.pending_frame_size(); pending > 0)
        return make_error(ErrorCode::Timeout, field,
                          std::to_string(parser_.buffered()) + " of " + std::to_string(pending) + " bytes",
                          "回复不完整（半帧） incomplete reply (half frame)");
    if (skipped) {
        Error e = *skipped;
        e.code = ErrorCode::Format;
        e.field = field + " (" + e.field + ")";
        return e;
    }
    return make_error(ErrorCode::Timeout, field, std::to_string(timeout.count()) + " ms",
                      "读卡器无响应 no answer from the reader");
}

void IdCardReader::note_error(const Error& error) {
    switch (error.code) {
        case ErrorCode::Unplugged: health_.set(HealthState::Offline, "读卡器已断开 reader disconnected"); break;
        case ErrorCode::Timeout: health_.set(HealthState::Offline, "读卡器无响应 reader not answering"); break;
        case ErrorCode::Checksum:
        case ErrorCode::Format: health_.set(HealthState::Degraded, "读卡器通信错误 reader communication error"); break;
        case ErrorCode::DeviceStatus:
            if (error.value == "0x60" || error.value == "0x66")
                health_.set(HealthState::Offline, "SAM 模块故障 SAM module fault: " + error.message);
            break;  // card-level statuses (no card, read failed) say nothing about the reader
        default: health_.set(HealthState::Offline, error.message);
    }
}

Result<std::vector<uint8_t>> IdCardReader::transact(SamCommand command, Millis timeout) {
    auto body = exchange(command, timeout);
    if (!body) {
        note_error(body.error());
        return body.error();
    }
    if (body->size() < 3) {
        Error e = make_error(ErrorCode::Format, std::string("reply to ") + command_name(command),
                             std::to_string(body->size()) + " bytes", "回复过短 reply too short");
        note_error(e);
        return e;
    }
    health_.set(HealthState::Ok);
    uint8_t sw3 = (*body)[2];
    if (!sam_status_is_success(sw3)) {
        Error e = status_error(command, sw3);
        note_error(e);
        return e;
    }
    return body;
}

Result<Ok> IdCardReader::reset() {
    auto body = transact(SamCommand::Reset, options_.reply_timeout);
    if (!body) return body.error();
    return Ok{};
}

Result<Ok> IdCardReader::check_status() {
    auto body = transact(SamCommand::Status, options_.reply_timeout);
    if (!body) return body.error();
    return Ok{};
}

Result<bool> IdCardReader::find_card() {
    auto body = transact(SamCommand::FindCard, options_.reply_timeout);
    if (body) return (*body)[2] == 0x9F;
    if (body.error().code == ErrorCode::DeviceStatus && body.error().value == "0x80") return false;
    return body.error();
}

Result<Ok> IdCardReader::select_card() {
    auto body = transact(SamCommand::SelectCard, options_.reply_timeout);
    if (!body) return body.error();
    return Ok{};
}

Result<IdCard> IdCardReader::read_card() {
    SamCommand command = options_.with_fingerprint ? SamCommand::ReadWithFingerprint : SamCommand::ReadText;
    auto body = exchange(command, options_.read_timeout);
    if (!body) {
        note_error(body.error());
        return body.error();
    }
    health_.set(HealthState::Ok);
    auto card = parse_read_reply(*body);
    if (!card && card.error().code == ErrorCode::DeviceStatus) {
        Error e = card.error();
        e.field = std::string("reply to ") + command_name(command) + ".sw3";
        return e;
    }
    return card;
}

PollResult IdCardReader::poll() {
    if (last_poll_) {
        auto wait = *last_poll_ + options_.poll_interval - clock_.now();
        if (wait > Clock::Duration::zero()) clock_.sleep_for(wait);
    }
    last_poll_ = clock_.now();

    auto failed = [&](Error error, bool card_involved) {
        if (card_involved) must_lift_ = true;
        return PollResult{PollOutcome::Failed, std::nullopt, std::move(error)};
    };
    auto found = find_card();
    if (!found) return failed(found.error(), false);
    if (!*found) {
        must_lift_ = false;
        return PollResult{PollOutcome::NoCard, std::nullopt, std::nullopt};
    }
    if (must_lift_) return PollResult{PollOutcome::WaitingForLift, std::nullopt, std::nullopt};
    if (auto selected = select_card(); !selected) return failed(selected.error(), true);
    auto card = read_card();
    must_lift_ = true;  // read once per placement, success or not
    if (!card) return failed(card.error(), true);
    return PollResult{PollOutcome::CardRead, std::move(*card), std::nullopt};
}

DeviceHealth IdCardReader::health() const { return health_.get(); }

}  // namespace station::drivers
