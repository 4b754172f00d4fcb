// QR scanners: serial lines against QrScannerSimulator, the HID keymap with synthetic key
// events, camera decoding of a libqrencode image, and uinput where the kernel allows it.
#include <doctest/doctest.h>

#include <linux/input-event-codes.h>

#include "printer/printer.h"
#include "qr/qr_scanner.h"
#include "sim/simulator.h"
#include "temp_dir.h"

using namespace station::drivers;
using namespace std::chrono_literals;

namespace {

std::vector<Result<std::string>> decode_all(QrLineDecoder& decoder, std::string_view bytes) {
    decoder.feed(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    std::vector<Result<std::string>> out;
    while (auto item = decoder.next()) out.push_back(std::move(*item));
    return out;
}

std::optional<Result<std::string>> type_keys(HidScanAssembler& hid, std::initializer_list<std::pair<int, int>> events) {
    std::optional<Result<std::string>> last;
    for (auto [code, value] : events)
        if (auto r = hid.feed(code, value)) last = std::move(r);
    return last;
}

// A luminance image of `payload` as a QR code, 4 px per module, white background.
std::vector<uint8_t> qr_luma(const std::string& payload, int& size) {
    auto image = qr_image(payload, 4);
    REQUIRE(image.ok());
    size = image->width;
    std::vector<uint8_t> luma(size_t(size) * size_t(size));
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) luma[size_t(y) * size_t(size) + size_t(x)] = image->at(x, y) ? 0 : 255;
    return luma;
}

}  // namespace

TEST_CASE("scan lines end at CR, CR LF or LF, without empty extra scans") {
    QrLineDecoder decoder;
    auto scans = decode_all(decoder, "first\rsecond\r\nthird\n\r\n");
    REQUIRE(scans.size() == 3);
    CHECK(*scans[0] == "first");
    CHECK(*scans[1] == "second");
    CHECK(*scans[2] == "third");
    // A CR LF split across reads is still one line end.
    CHECK(decode_all(decoder, "fourth\r").size() == 1);
    CHECK(decode_all(decoder, "\nfifth\r").size() == 1);
}

TEST_CASE("scan payload with invalid UTF-8 is rejected with a message naming the byte") {
    QrLineDecoder decoder;
    auto scans = decode_all(decoder, "ok\r\xE4\xB8\r中文\r");
    REQUIRE(scans.size() == 3);
    CHECK(*scans[0] == "ok");
    REQUIRE_FALSE(scans[1].ok());
    CHECK(scans[1].error().code == ErrorCode::Format);
    CHECK(scans[1].error().message.find("UTF-8") != std::string::npos);
    CHECK(scans[1].error().value == "offset 0 byte 0xE4");
    CHECK(*scans[2] == "中文");
}

TEST_CASE("overlong scan is rejected once and the next scan is fine") {
    QrLineDecoder decoder(16);
    auto scans = decode_all(decoder, std::string(40, 'x') + "\rshort\r");
    REQUIRE(scans.size() == 2);
    REQUIRE_FALSE(scans[0].ok());
    CHECK(scans[0].error().message.find("longer than 16") != std::string::npos);
    CHECK(*scans[1] == "short");
    CHECK_FALSE(validate_qr_payload(std::string("a\0b", 3)).ok());
    CHECK_FALSE(validate_qr_payload("").ok());
}

TEST_CASE("serial scanner reads Chinese payloads from the simulator") {
    auto sim = sim::QrScannerSimulator::create();
    REQUIRE(sim.ok());
    auto scanner = SerialQrScanner::open((*sim)->uri());
    REQUIRE(scanner.ok());
    (*sim)->emit_scan("https://example.invalid/活动/42", "\r\n");
    auto scan = (*scanner)->next_scan(1000ms);
    REQUIRE_MESSAGE(scan.ok(), scan.error().describe());
    CHECK(*scan == "https://example.invalid/活动/42");
    CHECK((*scanner)->health().state == HealthState::Ok);
}

TEST_CASE("serial scanner faults: garbage rejected, half line and silence time out") {
    auto sim = sim::QrScannerSimulator::create();
    REQUIRE(sim.ok());
    auto scanner = SerialQrScanner::open((*sim)->uri());
    REQUIRE(scanner.ok());
    (*sim)->set_fault(sim::SimFault::Garbage);
    (*sim)->emit_scan("PAYLOAD");
    auto garbled = (*scanner)->next_scan(1000ms);
    REQUIRE_FALSE(garbled.ok());
    CHECK(garbled.error().code == ErrorCode::Format);
    (*sim)->set_fault(sim::SimFault::HalfFrames);
    (*sim)->emit_scan("HALFPAYLOAD");
    auto half = (*scanner)->next_scan(100ms);
    REQUIRE_FALSE(half.ok());
    CHECK(half.error().code == ErrorCode::Timeout);
    CHECK(half.error().message.find("incomplete") != std::string::npos);
    (*sim)->set_fault(sim::SimFault::None);
    (*sim)->emit_raw("\r");  // ends the half line: the first half arrives as a short scan
    CHECK(*(*scanner)->next_scan(500ms) == "HALFP");
    (*sim)->set_fault(sim::SimFault::Silence);
    (*sim)->emit_scan("NEVER");
    auto silent = (*scanner)->next_scan(50ms);
    REQUIRE_FALSE(silent.ok());
    CHECK(silent.error().code == ErrorCode::Timeout);
    CHECK(silent.error().message.find("no scan") != std::string::npos);
}

TEST_CASE("unplugged serial scanner reports Unplugged and offline health") {
    auto sim = sim::QrScannerSimulator::create();
    REQUIRE(sim.ok());
    auto scanner = SerialQrScanner::open((*sim)->uri());
    REQUIRE(scanner.ok());
    (*sim)->unplug();
    auto scan = (*scanner)->next_scan(500ms);
    REQUIRE_FALSE(scan.ok());
    CHECK(scan.error().code == ErrorCode::Unplugged);
    CHECK((*scanner)->health().state == HealthState::Offline);
}

TEST_CASE("US keymap applies shift to digits, letters and punctuation") {
    CHECK(hid_key_char(KEY_A, false) == 'a');
    CHECK(hid_key_char(KEY_A, true) == 'A');
    CHECK(hid_key_char(KEY_1, true) == '!');
    CHECK(hid_key_char(KEY_SLASH, false) == '/');
    CHECK(hid_key_char(KEY_SLASH, true) == '?');
    CHECK(hid_key_char(KEY_SEMICOLON, true) == ':');
    CHECK(hid_key_char(KEY_APOSTROPHE, true) == '"');
    CHECK(hid_key_char(KEY_KP7, false) == '7');
    CHECK_FALSE(hid_key_char(KEY_LEFTSHIFT, false).has_value());
    CHECK_FALSE(hid_key_char(KEY_F1, false).has_value());
}

TEST_CASE("key events assemble a URL with shifted characters, ending at Enter") {
    HidScanAssembler hid;
    std::vector<std::pair<int, int>> events;
    auto add = [&](std::initializer_list<std::pair<int, int>> e) { events.insert(events.end(), e); };
    auto press = [&](int code) { add({{code, 1}, {code, 0}}); };
    press(KEY_H);
    add({{KEY_LEFTSHIFT, 1}});
    press(KEY_T);
    add({{KEY_LEFTSHIFT, 0}});
    press(KEY_T);
    add({{KEY_RIGHTSHIFT, 1}});
    press(KEY_SEMICOLON);
    add({{KEY_RIGHTSHIFT, 0}});
    press(KEY_SLASH);
    add({{KEY_T, 2}});  // autorepeat types nothing
    std::optional<Result<std::string>> result;
    for (auto [c, v] : events) CHECK_FALSE(hid.feed(c, v).has_value());
    result = hid.feed(KEY_ENTER, 1);
    REQUIRE(result.has_value());
    CHECK(**result == "hTt:/");
}

TEST_CASE("caps lock inverts letters only, and Alt plus keypad enters Unicode") {
    HidScanAssembler hid;
    auto r = type_keys(hid, {{KEY_CAPSLOCK, 1}, {KEY_CAPSLOCK, 0}, {KEY_A, 1}, {KEY_A, 0}, {KEY_1, 1}, {KEY_1, 0},
                             {KEY_LEFTSHIFT, 1}, {KEY_B, 1}, {KEY_B, 0}, {KEY_LEFTSHIFT, 0},
                             // Alt + 20013 = U+4E2D 中
                             {KEY_LEFTALT, 1}, {KEY_KP2, 1}, {KEY_KP2, 0}, {KEY_KP0, 1}, {KEY_KP0, 0}, {KEY_KP0, 1},
                             {KEY_KP0, 0}, {KEY_KP1, 1}, {KEY_KP1, 0}, {KEY_KP3, 1}, {KEY_KP3, 0}, {KEY_LEFTALT, 0},
                             {KEY_KPENTER, 1}});
    REQUIRE(r.has_value());
    CHECK(**r == "A1b中");
}

TEST_CASE("HID scan with an impossible Alt code is rejected, and Enter alone scans nothing") {
    HidScanAssembler hid;
    CHECK_FALSE(hid.feed(KEY_ENTER, 1).has_value());
    auto r = type_keys(hid, {{KEY_LEFTALT, 1}, {KEY_KP9, 1}, {KEY_KP9, 1}, {KEY_KP9, 1}, {KEY_KP9, 1}, {KEY_KP9, 1},
                             {KEY_KP9, 1}, {KEY_KP9, 1}, {KEY_LEFTALT, 0}, {KEY_ENTER, 1}});
    REQUIRE(r.has_value());
    REQUIRE_FALSE(r->ok());
    CHECK(r->error().code == ErrorCode::Format);
}

TEST_CASE("HID scan longer than the bound is rejected") {
    HidScanAssembler hid(8);
    for (int i = 0; i < 20; ++i) CHECK_FALSE(hid.feed(KEY_X, 1).has_value());
    auto r = hid.feed(KEY_ENTER, 1);
    REQUIRE(r.has_value());
    CHECK_FALSE(r->ok());
    CHECK(hid.feed(KEY_X, 1) == std::nullopt);
    CHECK(**hid.feed(KEY_ENTER, 1) == "x");
}

TEST_CASE("HID scanner on a missing node is unavailable with a clear message") {
    auto scanner = HidQrScanner::open("/dev/input/event-station-missing");
    REQUIRE_FALSE(scanner.ok());
    CHECK(scanner.error().code == ErrorCode::Unavailable);
    auto not_input = HidQrScanner::open("/dev/null");
    REQUIRE_FALSE(not_input.ok());
}

TEST_CASE("HID scanner reads a uinput keyboard when uinput is available") {
    auto keyboard = sim::UinputKeyboardSimulator::create();
    if (!keyboard) {
        MESSAGE("uinput not available here, skipped: " << keyboard.error().describe());
        return;
    }
    auto scanner = HidQrScanner::open((*keyboard)->event_path());
    REQUIRE_MESSAGE(scanner.ok(), scanner.error().describe());
    REQUIRE((*keyboard)->type("Scan-42?").ok());
    auto scan = (*scanner)->next_scan(1000ms);
    REQUIRE(scan.ok());
    CHECK(*scan == "Scan-42?");
}

TEST_CASE("camera decoder reads a QR image generated with libqrencode") {
    int size = 0;
    auto luma = qr_luma("https://example.invalid/报名?id=7", size);
    auto text = decode_qr_luma(luma.data(), size, size, size);
    REQUIRE_MESSAGE(text.ok(), text.error().describe());
    CHECK(*text == "https://example.invalid/报名?id=7");
    // Embedded in a larger grey frame with a row stride.
    int width = size + 100, height = size + 60;
    std::vector<uint8_t> frame(size_t(width) * size_t(height), 200);
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) frame[size_t(y + 30) * size_t(width) + size_t(x + 50)] = luma[size_t(y) * size_t(size) + size_t(x)];
    auto in_frame = decode_qr_luma(frame.data(), width - 10, height, width);
    REQUIRE(in_frame.ok());
    CHECK(*in_frame == "https://example.invalid/报名?id=7");
}

TEST_CASE("camera decoder reports no QR code in a blank frame and rejects bad sizes") {
    std::vector<uint8_t> blank(320 * 240, 128);
    auto none = decode_qr_luma(blank.data(), 320, 240, 320);
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().field == "frame");
    CHECK(decode_qr_luma(blank.data(), 320, 240, 100).error().code == ErrorCode::InvalidArgument);
    CHECK(decode_qr_luma(nullptr, 0, 0, 0).error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("camera payload over the bound is rejected after decoding") {
    int size = 0;
    auto luma = qr_luma(std::string(100, 'Q'), size);
    auto text = decode_qr_luma(luma.data(), size, size, size, 50);
    REQUIRE_FALSE(text.ok());
    CHECK(text.error().field == "qr.payload");
}

TEST_CASE("V4L2 camera absent is reported as not available") {
    auto cam = V4l2Camera::open("/dev/video-station-missing");
    REQUIRE_FALSE(cam.ok());
    CHECK(cam.error().code == ErrorCode::Unavailable);
    CHECK(cam.error().message.find("camera not available") != std::string::npos);
    auto not_camera = V4l2Camera::open("/dev/null");
    REQUIRE_FALSE(not_camera.ok());
}

TEST_CASE("serial scanner reopens at the same path after the scanner is replugged") {
    station::test::TempDir dir;
    std::string link = (dir / "qr").string();
    auto sim = sim::QrScannerSimulator::create(link);
    REQUIRE(sim.ok());
    auto scanner = SerialQrScanner::open(link);
    REQUIRE(scanner.ok());
    (*sim)->unplug();
    CHECK((*scanner)->next_scan(200ms).error().code == ErrorCode::Unplugged);
    CHECK_FALSE(SerialQrScanner::open(link).ok());
    REQUIRE((*sim)->replug().ok());
    auto again = SerialQrScanner::open(link);
    REQUIRE(again.ok());
    (*sim)->emit_scan("AFTER-REPLUG");
    CHECK(*(*again)->next_scan(1000ms) == "AFTER-REPLUG");
}
