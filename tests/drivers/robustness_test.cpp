// Fuzz-style robustness: random and truncated bytes into every parser of outside bytes.
// Each must return a value or a clean Error — no crash, no hang, no exception.
#include <doctest/doctest.h>

#include <linux/input-event-codes.h>

#include <random>
#include <thread>

#include "common/text.h"
#include "display/display.h"
#include "idcard/idcard.h"
#include "printer/printer.h"
#include "qr/qr_scanner.h"
#include "sim/simulator.h"
#include "transport/transport.h"

using namespace station::drivers;
using namespace std::chrono_literals;
using Bytes = std::vector<uint8_t>;

namespace {

Bytes random_bytes(std::mt19937& rng, size_t max_len) {
    Bytes out(rng() % (max_len + 1));
    for (auto& b : out) b = uint8_t(rng());
    return out;
}

// Random bytes biased towards the protocol's own bytes, so parsers get past their first check.
Bytes sam_like_bytes(std::mt19937& rng) {
    static const uint8_t alphabet[] = {0xAA, 0x96, 0x69, 0x00, 0x03, 0x04, 0x90, 0x9F, 0x80, 0x05, 0x08, 0xFF};
    Bytes out(rng() % 64);
    for (auto& b : out) b = rng() % 3 == 0 ? uint8_t(rng()) : alphabet[rng() % sizeof alphabet];
    return out;
}

Bytes valid_read_body() {
    Bytes body{0x00, 0x00, 0x90, 0x01, 0x00, 0x04, 0x00};
    auto text = build_card_text(sim::IdCardSimulator::sample_card());
    body.insert(body.end(), text.begin(), text.end());
    body.resize(body.size() + 1024, 0x5A);
    return body;
}

}  // namespace

TEST_CASE("fuzz: SAM frame parser takes random, protocol-like and torn input cleanly") {
    std::mt19937 rng(20240501);
    SamFrameParser parser;
    size_t frames = 0, errors = 0;
    for (int round = 0; round < 3000; ++round) {
        Bytes chunk = round % 2 ? random_bytes(rng, 80) : sam_like_bytes(rng);
        if (round % 7 == 0) {
            auto good = encode_frame(Bytes{0x00, 0x00, 0x90});
            chunk.insert(chunk.end(), good.begin(), good.end());
        }
        parser.feed(chunk);
        while (auto item = parser.next()) {
            if (item->ok()) {
                ++frames;
            } else {
                ++errors;
                CHECK_FALSE(item->error().message.empty());
            }
        }
        CHECK(parser.buffered() <= kSamMaxLen + 7 + 200);
        (void)decode_frame(chunk);
    }
    CHECK(frames >= 3000 / 7 / 2);  // most injected good frames survive the noise around them
    MESSAGE("frames " << frames << ", errors " << errors);
}

TEST_CASE("fuzz: every truncation of a read reply is rejected or parsed, never crashes") {
    auto frame = encode_frame(valid_read_body());
    for (size_t cut = 0; cut < frame.size(); cut += (cut < 40 ? 1 : 37)) {
        auto body = decode_frame(std::span(frame).first(cut));
        CHECK_FALSE(body.ok());
        SamFrameParser parser;
        parser.feed(std::span(frame).first(cut));
        CHECK_FALSE(parser.next().has_value());
    }
    Bytes body = valid_read_body();
    for (size_t cut = 0; cut < body.size(); cut += 13) CHECK_FALSE(parse_read_reply(std::span(body).first(cut)).ok());
}

TEST_CASE("fuzz: card text blocks of random bytes give a card or a named error") {
    std::mt19937 rng(7);
    auto good = build_card_text(sim::IdCardSimulator::sample_card());
    int parsed = 0;
    for (int round = 0; round < 3000; ++round) {
        Bytes block = good;
        int flips = 1 + int(rng() % 6);
        for (int i = 0; i < flips; ++i) block[rng() % block.size()] = uint8_t(rng());
        if (round % 5 == 0) block = random_bytes(rng, 300);
        auto card = parse_card_text(block);
        if (card) {
            ++parsed;
            CHECK(card->masked_id().size() == card->id_number.size());
        } else {
            CHECK(card.error().field.rfind("card.", 0) == 0);
            CHECK(card.error().value.find(sim::IdCardSimulator::sample_card().id_number) == std::string::npos);
        }
    }
    MESSAGE("parsed " << parsed << " of 3000");
}

TEST_CASE("fuzz: UTF-8, UCS-2 and GB18030 converters on random bytes") {
    std::mt19937 rng(99);
    for (int round = 0; round < 3000; ++round) {
        Bytes raw = random_bytes(rng, 40);
        std::string_view text(reinterpret_cast<const char*>(raw.data()), raw.size());
        auto valid = validate_utf8(text, "t");
        auto gb = utf8_to_gb18030(text);
        CHECK(valid.ok() == gb.ok());
        if (gb) CHECK(*gb18030_to_utf8(*gb) == text);
        (void)gb18030_to_utf8(text);
        auto ucs = ucs2le_to_utf8(raw, "t");
        if (ucs) CHECK(validate_utf8(*ucs, "t").ok());
    }
}

TEST_CASE("fuzz: printer status parser accepts exactly the bytes with the fixed bits") {
    for (int n = 0; n <= 5; ++n) {
        for (int b = 0; b < 256; ++b) {
            PrinterStatus s;
            auto ok = parse_status_byte(n, uint8_t(b), s);
            bool expected = n >= 1 && n <= 4 && (b & 0x93) == 0x12;
            CHECK(ok.ok() == expected);
        }
    }
}

TEST_CASE("fuzz: QR line decoder on random streams yields only valid payloads or errors") {
    std::mt19937 rng(3);
    QrLineDecoder decoder(64);
    for (int round = 0; round < 3000; ++round) {
        Bytes chunk = random_bytes(rng, 50);
        if (round % 3 == 0) chunk.push_back('\r');
        decoder.feed(chunk);
        while (auto item = decoder.next()) {
            if (item->ok()) {
                CHECK(validate_qr_payload(**item, 64).ok());
            } else {
                CHECK(item->error().code == ErrorCode::Format);
            }
        }
        CHECK(decoder.partial_size() <= 64);
    }
}

TEST_CASE("fuzz: HID assembler on random key events stays bounded and valid") {
    std::mt19937 rng(11);
    HidScanAssembler hid(32);
    for (int round = 0; round < 20000; ++round) {
        int code = int(rng() % 130);
        int value = int(rng() % 3);
        if (auto r = hid.feed(code, value)) {
            if (r->ok()) CHECK(validate_qr_payload(**r, 32).ok());
        }
    }
}

TEST_CASE("fuzz: schedule and brightness parsers on random text") {
    std::mt19937 rng(5);
    const std::string alphabet = "monfriwedsat-daily0123456789:;, =\noff";
    for (int round = 0; round < 2000; ++round) {
        std::string text;
        size_t len = rng() % 40;
        for (size_t i = 0; i < len; ++i) text += alphabet[rng() % alphabet.size()];
        auto schedule = PowerSchedule::parse(text);
        if (schedule) (void)minutes_until_change(*schedule, {int(rng() % 7), int(rng() % 1440)});
        auto curve = BrightnessCurve::parse(text);
        if (curve) {
            int b = brightness_at(*curve, int(rng() % 1440));
            CHECK(b >= 0);
            CHECK(b <= 100);
        }
    }
}

TEST_CASE("fuzz: printer simulator survives random ESC/POS bytes and still answers status") {
    auto sim = sim::PrinterSimulator::create(sim::SimEndpoint::Tcp);
    REQUIRE(sim.ok());
    auto transport = open_transport((*sim)->uri());
    REQUIRE(transport.ok());
    std::mt19937 rng(17);
    for (int round = 0; round < 200; ++round) {
        Bytes chunk = random_bytes(rng, 200);
        // Keep DLE out so the simulator never answers into our status read below.
        for (auto& b : chunk)
            if (b == 0x10) b = 0x20;
        REQUIRE((*transport)->write_all(chunk, 1000ms).ok());
    }
    // A big declared raster (GS v 0 with 65535 × 65535) would swallow the rest; a new
    // connection starts a fresh command stream, as a printer's network port does.
    transport.value().reset();
    auto printer = EscPosPrinter::open((*sim)->uri());
    REQUIRE_MESSAGE(printer.ok(), printer.error().describe());
    CHECK((*printer)->status().ok());
    CHECK((*sim)->record().bytes_received > 0);
}
