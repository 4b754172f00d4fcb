// The reader's side of the SAM protocol (DEVICES.md): answers reset, status, find, select
// and read for the card placed on it.
#include "sim/simulator.h"

namespace station::drivers::sim {

IdCardSimulator::IdCardSimulator(std::string link_path) : SimulatorBase(SimEndpoint::Pty, std::move(link_path)) {
    photo_.resize(1024);
    // A recognisable stand-in for WLT data: "WLT" header then a counting pattern.
    for (size_t i = 0; i < photo_.size(); ++i) photo_[i] = static_cast<uint8_t>(i * 7 + 3);
    photo_[0] = 'W';
    photo_[1] = 'L';
    photo_[2] = 'T';
}

IdCardSimulator::~IdCardSimulator() { stop(); }

Result<std::unique_ptr<IdCardSimulator>> IdCardSimulator::create(std::optional<IdCard> card, std::string link_path) {
    std::unique_ptr<IdCardSimulator> sim(new IdCardSimulator(std::move(link_path)));
    if (card) sim->place_card(*card);
    if (auto ok = sim->start(); !ok) return ok.error();
    return sim;
}

IdCard IdCardSimulator::sample_card() {
    IdCard card;
    card.card_type = CardType::ResidentId;
    card.name = "张三";
    card.sex = Sex::Male;
    card.nation_code = "01";
    card.nation = "汉";
    card.birth_date = "19500307";
    card.address = "上海市黄浦区南京东路100号";
    card.id_number = "310101195003071236";
    card.issuer = "上海市公安局黄浦分局";
    card.valid_from = "20150101";
    card.valid_to = "长期";
    auto check = gb11643_check_digit(card.id_number.substr(0, 17));
    card.id_number[17] = *check;
    return card;
}

void IdCardSimulator::place_card(IdCard card) { place_card_text(build_card_text(card)); }

void IdCardSimulator::place_card_text(std::vector<uint8_t> text256) {
    std::lock_guard lock(mutex_);
    text256.resize(256, 0x20);
    card_text_ = std::move(text256);
}

void IdCardSimulator::lift_card() {
    std::lock_guard lock(mutex_);
    card_text_.reset();
}

std::vector<std::vector<uint8_t>> IdCardSimulator::received_frames() const {
    std::lock_guard lock(mutex_);
    return received_;
}

void IdCardSimulator::reply_locked(std::vector<uint8_t> body) {
    auto frame = encode_frame(body);
    switch (fault_) {
        case SimFault::Silence: return;
        case SimFault::GarbageOnly: send_locked(random_bytes_locked(frame.size())); return;
        case SimFault::Garbage: {
            auto noise = random_bytes_locked(17);
            noise[0] = 0xAA;  // starts like a preamble, to test resync
            send_locked(noise);
            break;
        }
        case SimFault::HalfFrames: frame.resize(frame.size() / 2); break;
        case SimFault::WrongChecksum: frame.back() ^= 0x5A; break;
        default: break;
    }
    send_locked(frame);
}

void IdCardSimulator::on_bytes(std::span<const uint8_t> bytes) {
    parser_.feed(bytes);
    while (auto item = parser_.next()) {
        if (!item->ok()) {
            // SAM status 10: the reader saw a bad checksum; 11: bad length.
            uint8_t sw3 = item->error().code == ErrorCode::Checksum ? 0x10 : 0x11;
            reply_locked({0x00, 0x00, sw3});
            continue;
        }
        const auto& body = item->value();
        received_.push_back(encode_frame(body));
        if (body.size() != 2) {
            reply_locked({0x00, 0x00, 0x11});
            continue;
        }
        uint16_t command = uint16_t(body[0] << 8 | body[1]);
        bool card = card_text_.has_value() && fault_ != SimFault::NoCard;
        switch (command) {
            case 0x10FF:
            case 0x01FF: reply_locked({0x00, 0x00, 0x90}); break;  // reset (both forms seen in the field)
            case 0x11FF: reply_locked({0x00, 0x00, uint8_t(fault_ == SimFault::SamFailure ? 0x60 : 0x90)}); break;
            case 0x2001:
                if (card) reply_locked({0x00, 0x00, 0x9F, 0x00, 0x00, 0x00, 0x00});
                else reply_locked({0x00, 0x00, 0x80});
                break;
            case 0x2002:
                if (card) reply_locked({0x00, 0x00, 0x90, 0, 0, 0, 0, 0, 0, 0, 0});
                else reply_locked({0x00, 0x00, 0x81});
                break;
            case 0x3001:
            case 0x3010: {
                if (!card || fault_ == SimFault::ReadFailed) {
                    reply_locked({0x00, 0x00, 0x41});
                    break;
                }
                bool fingerprint = command == 0x3010;
                std::vector<uint8_t> reply{0x00, 0x00, 0x90, 0x01, 0x00, 0x04, 0x00};
                if (fingerprint) reply.insert(reply.end(), {0x04, 0x00});
                reply.insert(reply.end(), card_text_->begin(), card_text_->end());
                reply.insert(reply.end(), photo_.begin(), photo_.end());
                if (fingerprint)
                    for (int i = 0; i < 1024; ++i) reply.push_back(static_cast<uint8_t>(0xF0 ^ i));
                reply_locked(std::move(reply));
                break;
            }
            default: reply_locked({0x00, 0x00, 0x21}); break;  // SW3 21: bad command
        }
    }
}

}  // namespace station::drivers::sim
