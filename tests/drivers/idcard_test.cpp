// ID-card reader: SAM frames against DEVICES.md, card layouts, check digits, and the real
// IdCardReader against IdCardSimulator over a pty, faults included.
#include <doctest/doctest.h>

#include <filesystem>

#include "common/sha256.h"
#include "idcard/idcard.h"
#include "sim/simulator.h"
#include "temp_dir.h"

using namespace station::drivers;
using namespace std::chrono_literals;
using Bytes = std::vector<uint8_t>;

namespace {

Bytes tail(const Bytes& frame) { return Bytes(frame.begin() + 5, frame.end()); }  // after the preamble

IdCardReaderOptions fast_options() {
    IdCardReaderOptions o;
    o.reply_timeout = 300ms;
    o.read_timeout = 600ms;
    return o;
}

std::unique_ptr<IdCardReader> reader_for(const sim::IdCardSimulator& sim, Clock& clock,
                                         IdCardReaderOptions options = fast_options()) {
    auto transport = open_transport(sim.uri());
    REQUIRE_MESSAGE(transport.ok(), transport.error().describe());
    return std::make_unique<IdCardReader>(std::move(*transport), options, clock);
}

IdCard foreign_card_2023() {
    IdCard card;
    card.card_type = CardType::Foreigner2023;
    card.name = "史密斯";
    card.english_name = "SMITH, JOHN ALEXANDER WILLIAM HENRY JAMES";  // the seam falls on a space
    card.sex = Sex::Male;
    card.birth_date = "19800102";
    card.id_number = "93384019800102001";
    card.id_number += *gb11643_check_digit(card.id_number);
    card.valid_from = "20230601";
    card.valid_to = "20330601";
    card.nationality = "USA";
    return card;
}

}  // namespace

TEST_CASE("command frames match the reference bytes") {
    CHECK(tail(command_frame(SamCommand::Reset)) == Bytes{0x00, 0x03, 0x10, 0xFF, 0xEC});
    CHECK(tail(command_frame(SamCommand::Status)) == Bytes{0x00, 0x03, 0x11, 0xFF, 0xED});
    CHECK(tail(command_frame(SamCommand::FindCard)) == Bytes{0x00, 0x03, 0x20, 0x01, 0x22});
    CHECK(tail(command_frame(SamCommand::SelectCard)) == Bytes{0x00, 0x03, 0x20, 0x02, 0x21});
    CHECK(tail(command_frame(SamCommand::ReadText)) == Bytes{0x00, 0x03, 0x30, 0x01, 0x32});
    CHECK(tail(command_frame(SamCommand::ReadWithFingerprint)) == Bytes{0x00, 0x03, 0x30, 0x10, 0x23});
    auto find = command_frame(SamCommand::FindCard);
    CHECK(Bytes(find.begin(), find.begin() + 5) == Bytes{0xAA, 0xAA, 0xAA, 0x96, 0x69});
}

TEST_CASE("reference replies decode: status ok, card found, no card") {
    Bytes status{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x90, 0x94};
    auto body = decode_frame(status);
    REQUIRE(body.ok());
    CHECK(*body == Bytes{0x00, 0x00, 0x90});
    Bytes found{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x08, 0x00, 0x00, 0x9F, 0x00, 0x00, 0x00, 0x00, 0x97};
    REQUIRE(decode_frame(found).ok());
    CHECK(decode_frame(found)->at(2) == 0x9F);
    Bytes none{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x80, 0x84};
    CHECK(decode_frame(none)->at(2) == 0x80);
    Bytes self_test_failed{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x60, 0x64};
    CHECK(decode_frame(self_test_failed)->at(2) == 0x60);
}

TEST_CASE("a wrong checksum is reported with found and expected values") {
    Bytes frame{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x90, 0x95};
    auto body = decode_frame(frame);
    REQUIRE_FALSE(body.ok());
    CHECK(body.error().code == ErrorCode::Checksum);
    CHECK(body.error().value == "0x95 (expected 0x94)");
}

TEST_CASE("decode_frame rejects truncated, oversized and preamble-less input") {
    Bytes good = encode_frame(Bytes{0x00, 0x00, 0x90});
    CHECK(decode_frame(std::span(good).first(good.size() - 1)).error().message.find("half frame") != std::string::npos);
    Bytes longer = good;
    longer.push_back(0);
    CHECK(decode_frame(longer).error().code == ErrorCode::Format);
    Bytes no_preamble(good.begin() + 1, good.end());
    CHECK(decode_frame(no_preamble).error().field == "sam.preamble");
    Bytes huge{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xFF, 0x00};
    CHECK(decode_frame(huge).error().field == "sam.len");
}

TEST_CASE("frame parser skips garbage and reassembles a frame fed byte by byte") {
    SamFrameParser parser;
    Bytes garbage{0x01, 0xAA, 0xAA, 0x13, 0x96, 0x69, 0xAA};
    parser.feed(garbage);
    CHECK_FALSE(parser.next().has_value());
    Bytes frame = encode_frame(Bytes{0x00, 0x00, 0x9F, 0, 0, 0, 0});
    for (size_t i = 0; i + 1 < frame.size(); ++i) {
        parser.feed(std::span(&frame[i], 1));
        CHECK_FALSE(parser.next().has_value());
    }
    parser.feed(std::span(&frame.back(), 1));
    auto item = parser.next();
    REQUIRE(item.has_value());
    REQUIRE(item->ok());
    CHECK(item->value()[2] == 0x9F);
    CHECK(parser.buffered() == 0);
}

TEST_CASE("frame parser drops a half frame when a complete frame follows") {
    SamFrameParser parser;
    Bytes big_body(1287, 0x11);
    big_body[2] = 0x90;
    Bytes big = encode_frame(big_body);
    Bytes half(big.begin(), big.begin() + 300);
    Bytes good = encode_frame(Bytes{0x00, 0x00, 0x90});
    parser.feed(half);
    CHECK_FALSE(parser.next().has_value());
    CHECK(parser.pending_frame_size() == big.size());
    parser.feed(good);
    auto first = parser.next();
    REQUIRE(first.has_value());
    REQUIRE_FALSE(first->ok());
    CHECK(first->error().message.find("half frame") != std::string::npos);
    auto second = parser.next();
    REQUIRE(second.has_value());
    REQUIRE(second->ok());
    CHECK(second->value() == Bytes{0x00, 0x00, 0x90});
}

TEST_CASE("frame parser reports a bad checksum then resyncs on the next preamble") {
    SamFrameParser parser;
    Bytes bad = encode_frame(Bytes{0x00, 0x00, 0x90});
    bad.back() ^= 0xFF;
    Bytes good = encode_frame(Bytes{0x00, 0x00, 0x80});
    parser.feed(bad);
    parser.feed(good);
    auto first = parser.next();
    REQUIRE(first.has_value());
    CHECK(first->error().code == ErrorCode::Checksum);
    std::optional<Result<Bytes>> item;
    while ((item = parser.next()) && !item->ok()) {
    }
    REQUIRE(item.has_value());
    CHECK(item->value()[2] == 0x80);
}

TEST_CASE("every SW3 status code has a Chinese and English message") {
    for (uint8_t code : {0x90, 0x9F, 0x91, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x3F, 0x40, 0x41, 0x47, 0x60,
                         0x66, 0x80, 0x81}) {
        auto text = sam_status_message(code);
        CAPTURE(int(code));
        CHECK(std::string(text.zh).size() > 0);
        CHECK(std::string(text.en).find("unknown status") == std::string::npos);
    }
    CHECK(std::string(sam_status_message(0x80).en) == "no card found, place the card");
    CHECK(std::string(sam_status_message(0x60).zh).find("SAM 自检失败") == 0);
    CHECK(std::string(sam_status_message(0x55).en) == "reader returned an unknown status");
}

TEST_CASE("GB 11643 check digit: known numbers and X") {
    CHECK(gb11643_check_digit("11010519491231002") == 'X');
    CHECK(gb11643_check_digit("44052418800101001") == '4');
    CHECK(validate_id_number("11010519491231002X").ok());
    CHECK(validate_id_number("11010519491231002x").ok());
    auto wrong = validate_id_number("110105194912310021");
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().message.find("expected X, found 1") != std::string::npos);
    CHECK(wrong.error().value == "1101**********0021");  // masked, never raw
    CHECK_FALSE(validate_id_number("1101051949").ok());
    CHECK_FALSE(validate_id_number("1101051949123100AX").ok());
    CHECK_FALSE(gb11643_check_digit("1234").has_value());
}

TEST_CASE("masked_id keeps four characters each side and the hash is salted") {
    IdCard card;
    card.id_number = "31010119500307123X";
    CHECK(card.masked_id() == "3101**********123X");
    CHECK(card.salted_id_hash("salt-a") != card.salted_id_hash("salt-b"));
    CHECK(card.salted_id_hash("salt-a").size() == 64);
    CHECK(card.salted_id_hash("salt-a").find("3101") == std::string::npos);
    CHECK(mask_id_number("abc") == "***");
}

TEST_CASE("resident card text block parses every field trimmed") {
    IdCard in = sim::IdCardSimulator::sample_card();
    auto block = build_card_text(in);
    REQUIRE(block.size() == 256);
    auto card = parse_card_text(block);
    REQUIRE_MESSAGE(card.ok(), card.error().describe());
    CHECK(card->card_type == CardType::ResidentId);
    CHECK(card->name == "张三");
    CHECK(card->sex == Sex::Male);
    CHECK(card->nation_code == "01");
    CHECK(card->nation == "汉");
    CHECK(card->birth_date == "19500307");
    CHECK(card->address == "上海市黄浦区南京东路100号");
    CHECK(card->id_number == in.id_number);
    CHECK(card->issuer == "上海市公安局黄浦分局");
    CHECK(card->valid_from == "20150101");
    CHECK(card->valid_to == "长期");
}

TEST_CASE("hand-built UCS-2LE block: name padded with spaces is trimmed, nation 56 is 基诺") {
    Bytes block(256);
    for (size_t i = 0; i < 256; i += 2) block[i] = 0x20;
    auto put = [&](size_t offset, std::u16string text) {
        for (size_t i = 0; i < text.size(); ++i) {
            block[offset + 2 * i] = uint8_t(text[i] & 0xFF);
            block[offset + 2 * i + 1] = uint8_t(text[i] >> 8);
        }
    };
    put(0, u"李四");
    put(30, u"2");
    put(32, u"56");
    put(36, u"19880808");
    put(52, u"云南省景洪市");
    put(122, u"53280119880808002");
    put(122 + 34, std::u16string(1, char16_t(*gb11643_check_digit("53280119880808002"))));
    put(158, u"景洪市公安局");
    put(188, u"20100101");
    put(204, u"20300101");
    auto card = parse_card_text(block);
    REQUIRE_MESSAGE(card.ok(), card.error().describe());
    CHECK(card->name == "李四");
    CHECK(card->sex == Sex::Female);
    CHECK(card->nation == "基诺");
    CHECK(card->address == "云南省景洪市");
}

TEST_CASE("a wrong check digit on the card is an error, never accepted") {
    IdCard in = sim::IdCardSimulator::sample_card();
    in.id_number[17] = in.id_number[17] == '0' ? '1' : '0';
    auto card = parse_card_text(build_card_text(in));
    REQUIRE_FALSE(card.ok());
    CHECK(card.error().field == "card.id_number");
    CHECK(card.error().message.find("check digit") != std::string::npos);
    CHECK(card.error().value.find("**********") != std::string::npos);
}

TEST_CASE("Hong Kong Macau Taiwan residence permit layout J") {
    IdCard in = sim::IdCardSimulator::sample_card();
    in.card_type = CardType::HkMacauTaiwanPermit;
    in.name = "陈大文";
    in.nation_code.clear();
    in.id_number = "81000019900101001";
    in.id_number += *gb11643_check_digit(in.id_number);
    in.pass_number = "H12345678";
    in.issue_count = "01";
    in.valid_to = "20280101";
    auto card = parse_card_text(build_card_text(in));
    REQUIRE_MESSAGE(card.ok(), card.error().describe());
    CHECK(card->card_type == CardType::HkMacauTaiwanPermit);
    CHECK(card->name == "陈大文");
    CHECK(card->pass_number == "H12345678");
    CHECK(card->issue_count == "01");
    CHECK(card->nation.empty());
}

TEST_CASE("old foreigner permanent residence card layout I") {
    IdCard in;
    in.card_type = CardType::ForeignerOld;
    in.english_name = "MUELLER, ANNA";
    in.name = "安娜";
    in.sex = Sex::Female;
    in.id_number = "DEU310075020101";
    in.nationality = "DEU";
    in.valid_from = "20100101";
    in.valid_to = "20200101";
    in.birth_date = "19750202";
    auto block = build_card_text(in);
    CHECK(block[248] == 'I');
    auto card = parse_card_text(block);
    REQUIRE_MESSAGE(card.ok(), card.error().describe());
    CHECK(card->card_type == CardType::ForeignerOld);
    CHECK(card->english_name == "MUELLER, ANNA");
    CHECK(card->name == "安娜");
    CHECK(card->nationality == "DEU");
    CHECK(card->id_number == "DEU310075020101");
    CHECK(card->birth_date == "19750202");
    CHECK(card->masked_id() == "DEU3*******0101");
}

TEST_CASE("2023 foreigner card layout Y joins both English name parts") {
    IdCard in = foreign_card_2023();
    auto block = build_card_text(in);
    CHECK(block[248] == 'Y');
    auto card = parse_card_text(block);
    REQUIRE_MESSAGE(card.ok(), card.error().describe());
    CHECK(card->card_type == CardType::Foreigner2023);
    CHECK(card->name == "史密斯");
    CHECK(card->english_name == in.english_name);
    CHECK(card->nationality == "USA");
    CHECK(card->birth_date == "19800102");
    CHECK(card->valid_to == "20330601");
}

TEST_CASE("card text errors name the field and the value") {
    IdCard in = sim::IdCardSimulator::sample_card();
    in.birth_date = "1950-3-7";
    auto bad_date = parse_card_text(build_card_text(in));
    REQUIRE_FALSE(bad_date.ok());
    CHECK(bad_date.error().field == "card.birth_date");
    CHECK(bad_date.error().value == "1950-3-7");
    Bytes short_block(100, 0x20);
    CHECK(parse_card_text(short_block).error().field == "card.text");
    auto block = build_card_text(sim::IdCardSimulator::sample_card());
    block[0] = 0x00;
    block[1] = 0xD8;  // lone surrogate in the name
    CHECK(parse_card_text(block).error().field == "card.name");
    auto sex = build_card_text(sim::IdCardSimulator::sample_card());
    sex[30] = '7';
    CHECK(parse_card_text(sex).error().field == "card.sex");
}

TEST_CASE("read reply passes the photo bytes through untouched") {
    Bytes body{0x00, 0x00, 0x90, 0x01, 0x00, 0x04, 0x00};
    auto text = build_card_text(sim::IdCardSimulator::sample_card());
    body.insert(body.end(), text.begin(), text.end());
    Bytes photo(1024);
    for (size_t i = 0; i < photo.size(); ++i) photo[i] = uint8_t(255 - i % 256);
    body.insert(body.end(), photo.begin(), photo.end());
    auto frame = encode_frame(body);
    CHECK(frame.size() == 1295);
    CHECK(Bytes(frame.begin(), frame.begin() + 14) ==
          Bytes{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x05, 0x08, 0x00, 0x00, 0x90, 0x01, 0x00, 0x04, 0x00});
    auto card = parse_read_reply(body);
    REQUIRE(card.ok());
    CHECK(card->photo == photo);
    CHECK(card->fingerprint.empty());
}

TEST_CASE("read reply 0x41 is a read failure with the status message") {
    auto card = parse_read_reply(Bytes{0x00, 0x00, 0x41});
    REQUIRE_FALSE(card.ok());
    CHECK(card.error().code == ErrorCode::DeviceStatus);
    CHECK(card.error().value == "0x41");
    CHECK(card.error().message.find("read failed") != std::string::npos);
}

TEST_CASE("reader reads a card from the simulator: find, select, read") {
    auto sim = sim::IdCardSimulator::create(sim::IdCardSimulator::sample_card());
    REQUIRE(sim.ok());
    ManualClock clock;
    auto reader = reader_for(**sim, clock);
    CHECK(reader->check_status().ok());
    CHECK(reader->reset().ok());
    auto result = reader->poll();
    REQUIRE(result.outcome == PollOutcome::CardRead);
    CHECK(result.card->name == "张三");
    CHECK(result.card->masked_id() == mask_id_number(sim::IdCardSimulator::sample_card().id_number));
    CHECK(result.card->photo.size() == 1024);
    CHECK(result.card->photo[0] == 'W');
    CHECK(reader->health().state == HealthState::Ok);
    auto frames = (*sim)->received_frames();
    REQUIRE(frames.size() == 5);
    CHECK(frames[2] == command_frame(SamCommand::FindCard));
    CHECK(frames[3] == command_frame(SamCommand::SelectCard));
    CHECK(frames[4] == command_frame(SamCommand::ReadText));
}

TEST_CASE("reader reads with fingerprint when asked") {
    auto sim = sim::IdCardSimulator::create(sim::IdCardSimulator::sample_card());
    REQUIRE(sim.ok());
    ManualClock clock;
    auto options = fast_options();
    options.with_fingerprint = true;
    auto reader = reader_for(**sim, clock, options);
    auto card = reader->read_card();
    REQUIRE_MESSAGE(card.ok(), card.error().describe());
    CHECK(card->fingerprint.size() == 1024);
    CHECK(card->name == "张三");
}

TEST_CASE("find card reply 0x80 means no card") {
    auto sim = sim::IdCardSimulator::create();
    REQUIRE(sim.ok());
    ManualClock clock;
    auto reader = reader_for(**sim, clock);
    auto found = reader->find_card();
    REQUIRE(found.ok());
    CHECK_FALSE(*found);
    CHECK(reader->poll().outcome == PollOutcome::NoCard);
    (*sim)->set_fault(sim::SimFault::NoCard);
    (*sim)->place_card(sim::IdCardSimulator::sample_card());
    CHECK(reader->poll().outcome == PollOutcome::NoCard);
    CHECK(reader->health().state == HealthState::Ok);
}

TEST_CASE("polling is paced at 300 ms by the injected clock") {
    auto sim = sim::IdCardSimulator::create();
    REQUIRE(sim.ok());
    ManualClock clock;
    auto reader = reader_for(**sim, clock);
    reader->poll();
    CHECK(clock.total_slept() == 0ms);
    reader->poll();
    CHECK(clock.total_slept() == 300ms);
    clock.advance(200ms);
    reader->poll();
    CHECK(clock.total_slept() == 400ms);
    clock.advance(1s);
    reader->poll();
    CHECK(clock.total_slept() == 400ms);
}

TEST_CASE("after a read error the card must be lifted and placed again") {
    auto sim = sim::IdCardSimulator::create(sim::IdCardSimulator::sample_card());
    REQUIRE(sim.ok());
    ManualClock clock;
    auto reader = reader_for(**sim, clock);
    (*sim)->set_fault(sim::SimFault::ReadFailed);
    auto failed = reader->poll();
    REQUIRE(failed.outcome == PollOutcome::Failed);
    CHECK(failed.error->value == "0x41");
    CHECK(failed.error->field == "reply to read.sw3");
    (*sim)->set_fault(sim::SimFault::None);
    CHECK(reader->poll().outcome == PollOutcome::WaitingForLift);
    CHECK(reader->poll().outcome == PollOutcome::WaitingForLift);
    (*sim)->lift_card();
    CHECK(reader->poll().outcome == PollOutcome::NoCard);
    (*sim)->place_card(sim::IdCardSimulator::sample_card());
    CHECK(reader->poll().outcome == PollOutcome::CardRead);
    CHECK(reader->poll().outcome == PollOutcome::WaitingForLift);  // not read twice
}

TEST_CASE("a card with a wrong check digit is reported by the reader") {
    IdCard bad = sim::IdCardSimulator::sample_card();
    bad.id_number[17] = bad.id_number[17] == '5' ? '6' : '5';
    auto sim = sim::IdCardSimulator::create(bad);
    REQUIRE(sim.ok());
    ManualClock clock;
    auto reader = reader_for(**sim, clock);
    auto result = reader->poll();
    REQUIRE(result.outcome == PollOutcome::Failed);
    CHECK(result.error->field == "card.id_number");
    CHECK_FALSE(result.card.has_value());
}

TEST_CASE("wrong checksum from the reader names the read reply") {
    auto sim = sim::IdCardSimulator::create(sim::IdCardSimulator::sample_card());
    REQUIRE(sim.ok());
    ManualClock clock;
    auto reader = reader_for(**sim, clock);
    (*sim)->set_fault(sim::SimFault::WrongChecksum);
    auto card = reader->read_card();
    REQUIRE_FALSE(card.ok());
    CHECK(card.error().code == ErrorCode::Checksum);
    CHECK(card.error().message.find("checksum mismatch in the reply to read") != std::string::npos);
    CHECK(reader->health().state == HealthState::Degraded);
}

TEST_CASE("garbage before each reply is skipped and the card still reads") {
    auto sim = sim::IdCardSimulator::create(sim::IdCardSimulator::sample_card());
    REQUIRE(sim.ok());
    ManualClock clock;
    auto reader = reader_for(**sim, clock);
    (*sim)->set_fault(sim::SimFault::Garbage);
    auto result = reader->poll();
    REQUIRE_MESSAGE(result.outcome == PollOutcome::CardRead, (result.error ? result.error->describe() : ""));
    CHECK(result.card->name == "张三");
}

TEST_CASE("garbage instead of replies times out cleanly") {
    auto sim = sim::IdCardSimulator::create(sim::IdCardSimulator::sample_card());
    REQUIRE(sim.ok());
    ManualClock clock;
    auto reader = reader_for(**sim, clock);
    (*sim)->set_fault(sim::SimFault::GarbageOnly);
    auto found = reader->find_card();
    REQUIRE_FALSE(found.ok());
    CHECK((found.error().code == ErrorCode::Timeout || found.error().code == ErrorCode::Format));
    CHECK(reader->health().state != HealthState::Ok);
}

TEST_CASE("half frame reply times out naming the bytes received") {
    auto sim = sim::IdCardSimulator::create(sim::IdCardSimulator::sample_card());
    REQUIRE(sim.ok());
    ManualClock clock;
    auto reader = reader_for(**sim, clock);
    (*sim)->set_fault(sim::SimFault::HalfFrames);
    auto card = reader->read_card();
    REQUIRE_FALSE(card.ok());
    CHECK(card.error().code == ErrorCode::Timeout);
    CHECK(card.error().value == "647 of 1295 bytes");
    CHECK(card.error().message.find("half frame") != std::string::npos);
}

TEST_CASE("silence from the reader is a timeout and marks it offline") {
    auto sim = sim::IdCardSimulator::create();
    REQUIRE(sim.ok());
    ManualClock clock;
    auto reader = reader_for(**sim, clock);
    (*sim)->set_fault(sim::SimFault::Silence);
    auto status = reader->check_status();
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == ErrorCode::Timeout);
    CHECK(reader->health().state == HealthState::Offline);
    CHECK(reader->health().reason.find("reader not answering") != std::string::npos);
}

TEST_CASE("SAM self-test failure 0x60 makes the reader offline") {
    auto sim = sim::IdCardSimulator::create();
    REQUIRE(sim.ok());
    ManualClock clock;
    auto reader = reader_for(**sim, clock);
    (*sim)->set_fault(sim::SimFault::SamFailure);
    auto status = reader->check_status();
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().value == "0x60");
    CHECK(reader->health().state == HealthState::Offline);
}

TEST_CASE("unplugged reader fails with Unplugged and reopens after replug") {
    station::test::TempDir dir;
    std::string link = (dir / "idcard").string();
    auto sim = sim::IdCardSimulator::create(sim::IdCardSimulator::sample_card(), link);
    REQUIRE(sim.ok());
    CHECK((*sim)->uri() == link);
    ManualClock clock;
    auto reader = IdCardReader::open(link, fast_options(), clock);
    REQUIRE(reader.ok());
    (*sim)->unplug();
    auto found = (*reader)->find_card();
    REQUIRE_FALSE(found.ok());
    CHECK(found.error().code == ErrorCode::Unplugged);
    CHECK((*reader)->health().state == HealthState::Offline);
    CHECK_FALSE(IdCardReader::open(link, fast_options(), clock).ok());
    REQUIRE((*sim)->replug().ok());
    auto again = IdCardReader::open(link, fast_options(), clock);
    REQUIRE_MESSAGE(again.ok(), again.error().describe());
    CHECK((*again)->poll().outcome == PollOutcome::CardRead);
}

TEST_CASE("all four card layouts read through the simulator") {
    IdCard permit = sim::IdCardSimulator::sample_card();
    permit.card_type = CardType::HkMacauTaiwanPermit;
    permit.nation_code.clear();
    permit.id_number = "83000019850505002";
    permit.id_number += *gb11643_check_digit(permit.id_number);
    permit.pass_number = "T0012345";
    permit.issue_count = "02";
    IdCard old_foreigner;
    old_foreigner.card_type = CardType::ForeignerOld;
    old_foreigner.english_name = "TANAKA, HANAKO";
    old_foreigner.name = "田中花子";
    old_foreigner.sex = Sex::Female;
    old_foreigner.id_number = "JPN310070010203";
    old_foreigner.nationality = "JPN";
    old_foreigner.birth_date = "19700102";
    old_foreigner.valid_from = "20120101";
    old_foreigner.valid_to = "20220101";
    auto sim = sim::IdCardSimulator::create();
    REQUIRE(sim.ok());
    ManualClock clock;
    auto reader = reader_for(**sim, clock);
    for (const IdCard& card : {sim::IdCardSimulator::sample_card(), permit, old_foreigner, foreign_card_2023()}) {
        CAPTURE(card_type_name(card.card_type));
        (*sim)->place_card(card);
        REQUIRE(reader->select_card().ok());
        auto read = reader->read_card();
        REQUIRE_MESSAGE(read.ok(), read.error().describe());
        CHECK(read->card_type == card.card_type);
        CHECK(read->name == card.name);
        CHECK(read->id_number == card.id_number);
    }
}

TEST_CASE("card_fields masks the ID number unless asked") {
    auto card = sim::IdCardSimulator::sample_card();
    auto masked = card_fields(card);
    auto find = [](const auto& fields, const std::string& key) {
        for (auto& [k, v] : fields)
            if (k == key) return v;
        return std::string("<missing>");
    };
    CHECK(find(masked, "id_number") == card.masked_id());
    CHECK(find(card_fields(card, true), "id_number") == card.id_number);
    CHECK(find(masked, "card_type") == "resident_id");
    CHECK(find(masked, "sex") == "male");
    CHECK(find(masked, "nation") == "汉");
    CHECK(find(masked, "valid_to") == "长期");
}

TEST_CASE("simulated wire speed: replies take their transmission time") {
    auto sim = sim::IdCardSimulator::create();
    REQUIRE(sim.ok());
    (*sim)->set_wire_baud(9600);  // the 11-byte status reply takes ~11.5 ms at 9600 baud
    ManualClock clock;
    auto reader = reader_for(**sim, clock);
    auto start = std::chrono::steady_clock::now();
    REQUIRE(reader->check_status().ok());
    CHECK(std::chrono::steady_clock::now() - start >= 10ms);
}

TEST_CASE("reconnect back-off doubles to its cap and resets") {
    Backoff backoff(250ms, 2000ms);
    CHECK(backoff.next() == 250ms);
    CHECK(backoff.next() == 500ms);
    CHECK(backoff.next() == 1000ms);
    CHECK(backoff.next() == 2000ms);
    CHECK(backoff.next() == 2000ms);
    backoff.reset();
    CHECK(backoff.next() == 250ms);
}

TEST_CASE("salted hash is SHA-256 of salt then number (FIPS 180-4 vectors)") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    IdCard card;
    card.id_number = "11010519491231002X";
    CHECK(card.salted_id_hash("s1") == sha256_hex("s111010519491231002X"));
}
