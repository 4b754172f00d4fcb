// ESC/POS printer: encoder bytes against DEVICES.md, status parsing, templates, and the real
// EscPosPrinter against PrinterSimulator over a pty and TCP, with faults.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <thread>

#include "common/text.h"
#include "printer/printer.h"
#include "sim/simulator.h"

using namespace station::drivers;
using namespace std::chrono_literals;
using Bytes = std::vector<uint8_t>;

namespace {

PrinterOptions fast_options() {
    PrinterOptions o;
    o.status_timeout = 200ms;
    o.write_timeout = 2000ms;
    return o;
}

std::unique_ptr<EscPosPrinter> printer_for(const sim::PrinterSimulator& sim, PrinterOptions options = fast_options()) {
    auto p = EscPosPrinter::open(sim.uri(), options);
    REQUIRE_MESSAGE(p.ok(), p.error().describe());
    return std::move(*p);
}

// Waits (≤ 2 s, polling every 5 ms) until the simulator has seen `cuts` cuts.
sim::SimPrinterRecord wait_for_cuts(const sim::PrinterSimulator& sim, int cuts) {
    for (int i = 0; i < 400; ++i) {
        auto record = sim.record();
        if (record.cuts >= cuts) return record;
        std::this_thread::sleep_for(5ms);
    }
    return sim.record();
}

bool has_line(const sim::SimPrinterRecord& r, const std::string& text) {
    for (auto& line : r.lines)
        if (line.text == text) return true;
    return false;
}

}  // namespace

TEST_CASE("encoder emits the reference ESC/POS bytes") {
    EscPosEncoder enc;
    enc.initialize().align(Align::Center).bold(true).size(2, 3).feed(3).cut().cut(true);
    CHECK(enc.bytes() == Bytes{0x1B, 0x40, 0x1B, 0x61, 0x01, 0x1B, 0x45, 0x01, 0x1D, 0x21, 0x12, 0x1B, 0x64, 0x03,
                               0x1D, 0x56, 0x00, 0x1D, 0x56, 0x01});
    EscPosEncoder chinese;
    chinese.chinese_mode(true);
    REQUIRE(chinese.text("中").ok());
    chinese.chinese_size(true, true).chinese_mode(false);
    CHECK(chinese.bytes() == Bytes{0x1C, 0x26, 0xD6, 0xD0, 0x1C, 0x21, 0x0C, 0x1C, 0x2E});
}

TEST_CASE("text outside Chinese mode replaces non-ASCII and invalid UTF-8 is rejected") {
    EscPosEncoder enc;
    REQUIRE(enc.text("A中B").ok());
    CHECK(enc.bytes() == Bytes{'A', '?', 'B'});
    auto bad = enc.text("\xC3\x28");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().field == "text");
    CHECK(enc.bytes().size() == 3);  // nothing appended
}

TEST_CASE("GB18030 covers characters outside GB2312") {
    auto gb = utf8_to_gb18030("𠀀");  // U+20000, four bytes in GB18030
    REQUIRE(gb.ok());
    CHECK(gb->size() == 4);
    CHECK(*gb18030_to_utf8(*gb) == "𠀀");
}

TEST_CASE("native QR uses GS ( k with pL pH = len + 3") {
    EscPosEncoder enc;
    REQUIRE(enc.qr_native("ABC", 6, QrErrorLevel::M).ok());
    Bytes expected{0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00,  // model 2
                   0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06,        // module size
                   0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31,        // error level M
                   0x1D, 0x28, 0x6B, 0x06, 0x00, 0x31, 0x50, 0x30, 'A', 'B', 'C',
                   0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30};
    CHECK(enc.bytes() == expected);
    CHECK_FALSE(enc.qr_native("").ok());
    CHECK_FALSE(enc.qr_native(std::string(8000, 'x')).ok());
    EscPosEncoder big;
    REQUIRE(big.qr_native(std::string(300, 'x')).ok());
    CHECK(big.bytes()[28] == ((303) & 0xFF));
    CHECK(big.bytes()[29] == 1);
}

TEST_CASE("raster images are split into bands of at most 960 rows, MSB leftmost") {
    MonoImage image = MonoImage::blank(10, 2000);
    image.set(0, 0, true);
    image.set(9, 1999, true);
    EscPosEncoder enc;
    enc.raster(image);
    const auto& b = enc.bytes();
    // Band 1: GS v 0 0 xL=2 xH=0 yL yH = 960.
    CHECK(Bytes(b.begin(), b.begin() + 8) == Bytes{0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0xC0, 0x03});
    CHECK(b[8] == 0x80);
    size_t band = 8 + 2 * 960;
    CHECK(b.size() == 3 * 8 + 2 * 2000);
    CHECK(Bytes(b.begin() + long(2 * band), b.begin() + long(2 * band) + 8) ==
          Bytes{0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 80, 0x00});
    CHECK(b.back() == 0x40);  // x = 9 is bit 6 of the second byte
}

TEST_CASE("status bytes decode paper out, near end, cover open, offline, cutter error") {
    PrinterStatus s;
    REQUIRE(parse_status_byte(1, 0x12, s).ok());
    CHECK(s.online);
    REQUIRE(parse_status_byte(1, 0x1A, s).ok());
    CHECK_FALSE(s.online);
    REQUIRE(parse_status_byte(2, 0x16, s).ok());
    CHECK(s.cover_open);
    REQUIRE(parse_status_byte(3, 0x1A, s).ok());
    CHECK(s.cutter_error);
    REQUIRE(parse_status_byte(4, 0x1E, s).ok());
    CHECK(s.paper == PaperState::NearEnd);
    REQUIRE(parse_status_byte(4, 0x72, s).ok());
    CHECK(s.paper == PaperState::Out);
    REQUIRE(parse_status_byte(4, 0x12, s).ok());
    CHECK(s.paper == PaperState::Ok);
    auto bad = parse_status_byte(2, 0xFF, s);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().value == "0xFF");
    CHECK_FALSE(parse_status_byte(5, 0x12, s).ok());
}

TEST_CASE("printer health: near end is degraded, paper out offline, with Chinese reason") {
    PrinterStatus s;
    CHECK(s.health().state == HealthState::Ok);
    s.paper = PaperState::NearEnd;
    CHECK(s.health() == DeviceHealth{HealthState::Degraded, "纸将尽 paper near end"});
    CHECK(s.can_print());
    s.paper = PaperState::Out;
    CHECK(s.health() == DeviceHealth{HealthState::Offline, "缺纸 paper out"});
    CHECK_FALSE(s.can_print());
}

TEST_CASE("help ticket prints to the simulated printer with Chinese text, QR and a cut") {
    auto sim = sim::PrinterSimulator::create();
    REQUIRE(sim.ok());
    auto printer = printer_for(**sim);
    HelpTicket ticket{"南京东路街道党群服务站", "A012", "2024-05-01 09:30", "医保咨询", "https://example.invalid/h/A012"};
    auto job = help_ticket_job(ticket, printer->options());
    REQUIRE_MESSAGE(job.ok(), job.error().describe());
    auto outcome = printer->print(*job);
    REQUIRE_MESSAGE(outcome.ok(), outcome.error().describe());
    CHECK(outcome->confirmed());
    auto record = wait_for_cuts(**sim, 1);
    CHECK(record.cuts == 1);
    CHECK(has_line(record, "南京东路街道党群服务站"));
    CHECK(has_line(record, "A012"));
    CHECK(has_line(record, "时间：2024-05-01 09:30"));
    CHECK(has_line(record, "事项：医保咨询"));
    REQUIRE(record.qr_codes.size() == 1);
    CHECK(record.qr_codes[0] == "https://example.invalid/h/A012");
    CHECK(record.status_queries == 12);  // DLE EOT 1..4 at open, before and after the job
    CHECK(record.problems.empty());
    for (auto& line : record.lines)
        if (line.text == "A012") CHECK(line.width_scale == 3);
    CHECK(printer->health().state == HealthState::Ok);
}

TEST_CASE("sign-up confirmation prints on 80 mm paper over TCP") {
    auto sim = sim::PrinterSimulator::create(sim::SimEndpoint::Tcp);
    REQUIRE(sim.ok());
    CHECK((*sim)->uri().rfind("tcp://127.0.0.1:", 0) == 0);
    auto options = fast_options();
    options.paper = PaperWidth::Mm80;
    auto printer = printer_for(**sim, options);
    SignupConfirmation signup;
    signup.station_name = "外滩街道党群服务站";
    signup.activity_title = "智能手机使用课堂";
    signup.activity_time = "5月8日 14:00";
    signup.place = "二楼活动室";
    signup.participant = "王阿姨";
    signup.confirmation_code = "K7Q2";
    auto job = signup_confirmation_job(signup, printer->options());
    REQUIRE(job.ok());
    REQUIRE(printer->print(*job).ok());
    auto record = wait_for_cuts(**sim, 1);
    CHECK(has_line(record, "智能手机使用课堂"));
    CHECK(has_line(record, "确认码：K7Q2"));
    CHECK(has_line(record, std::string(48, '-')));
    CHECK(record.qr_codes.empty());
}

TEST_CASE("raster fallback renders Chinese with FreeType and QR with libqrencode") {
    auto font = find_chinese_font();
    REQUIRE_MESSAGE(font.ok(), font.error().describe());
    auto sim = sim::PrinterSimulator::create();
    REQUIRE(sim.ok());
    auto options = fast_options();
    options.chinese = ChineseOutput::Raster;
    options.qr = QrOutput::Raster;
    options.font_path = *font;
    auto printer = printer_for(**sim, options);
    auto job = help_ticket_job({"服务站", "B007", "09:30", "其他", "HELLO"}, options);
    REQUIRE_MESSAGE(job.ok(), job.error().describe());
    REQUIRE(printer->print(*job).ok());
    auto record = wait_for_cuts(**sim, 1);
    CHECK(record.lines.empty());
    CHECK(record.qr_codes.empty());
    REQUIRE(record.rasters.size() >= 8);
    for (auto& raster : record.rasters) {
        CHECK(raster.width_bytes == 48);  // 384 dots
        CHECK(raster.height <= 960);
    }
    size_t black = 0;
    for (auto& raster : record.rasters)
        for (uint8_t byte : raster.bits) black += size_t(__builtin_popcount(byte));
    CHECK(black > 1000);
}

TEST_CASE("text rasterizer wraps long lines and keeps 。 off a line start") {
    auto font = find_chinese_font();
    REQUIRE(font.ok());
    auto r = TextRasterizer::open(*font, 24);
    REQUIRE(r.ok());
    auto one = (*r)->render("中", 384);
    REQUIRE(one.ok());
    int line_height = one->height;
    // 16 characters of 24 dots fill 384 exactly; the 17th wraps.
    auto two = (*r)->render(std::string("一二三四五六七八九十一二三四五六") + "。", 384);
    REQUIRE(two.ok());
    CHECK(two->height == 2 * line_height);
    // The full stop took the previous character with it: the second line has two glyphs.
    int ink_right = 0;
    for (int y = line_height; y < two->height; ++y)
        for (int x = 0; x < two->width; ++x)
            if (two->at(x, y)) ink_right = std::max(ink_right, x);
    CHECK(ink_right > 24);
    CHECK(ink_right < 60);
    CHECK_FALSE((*r)->render("\xFF", 384).ok());
    CHECK_FALSE(TextRasterizer::open("/nonexistent/font.ttf").ok());
}

TEST_CASE("qr_image makes a square symbol with a quiet zone") {
    auto image = qr_image("HELLO", 4);
    REQUIRE(image.ok());
    CHECK(image->width == image->height);
    CHECK(image->width == (21 + 8) * 4);  // version 1
    CHECK_FALSE(image->at(0, 0));
    CHECK(image->at(16, 16));  // top-left finder
    CHECK_FALSE(qr_image("").ok());
}

TEST_CASE("paper out: the job is refused before any byte is printed") {
    auto sim = sim::PrinterSimulator::create();
    REQUIRE(sim.ok());
    auto printer = printer_for(**sim);
    (*sim)->set_fault(sim::SimFault::PaperOut);
    auto status = printer->status();
    REQUIRE(status.ok());
    CHECK(status->paper == PaperState::Out);
    CHECK_FALSE(status->online);
    CHECK(printer->health() == DeviceHealth{HealthState::Offline, "缺纸 paper out"});
    auto job = test_page_job(printer->options());
    REQUIRE(job.ok());
    auto outcome = printer->print(*job);
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.error().code == ErrorCode::DeviceStatus);
    CHECK(outcome.error().message.find("paper out") != std::string::npos);
    CHECK((*sim)->record().cuts == 0);
}

TEST_CASE("cover open and cutter error are reported by status") {
    auto sim = sim::PrinterSimulator::create();
    REQUIRE(sim.ok());
    auto printer = printer_for(**sim);
    (*sim)->set_fault(sim::SimFault::CoverOpen);
    auto status = printer->status();
    REQUIRE(status.ok());
    CHECK(status->cover_open);
    CHECK(printer->health().reason == "纸仓盖打开 cover open");
    (*sim)->set_fault(sim::SimFault::CutterError);
    status = printer->status();
    REQUIRE(status.ok());
    CHECK(status->cutter_error);
    CHECK_FALSE(status->can_print());
    (*sim)->set_fault(sim::SimFault::Offline);
    CHECK_FALSE(printer->status()->online);
}

TEST_CASE("paper near end still prints and reports degraded") {
    auto sim = sim::PrinterSimulator::create();
    REQUIRE(sim.ok());
    auto printer = printer_for(**sim);
    (*sim)->set_fault(sim::SimFault::NearEnd);
    auto job = test_page_job(printer->options());
    REQUIRE(job.ok());
    auto outcome = printer->print(*job);
    REQUIRE(outcome.ok());
    REQUIRE(outcome->after.has_value());
    CHECK(outcome->after->paper == PaperState::NearEnd);
    CHECK(outcome->confirmed());
    CHECK(printer->health() == DeviceHealth{HealthState::Degraded, "纸将尽 paper near end"});
    CHECK(wait_for_cuts(**sim, 1).cuts == 1);
}

TEST_CASE("silent printer times out, garbage status is a format error") {
    auto sim = sim::PrinterSimulator::create();
    REQUIRE(sim.ok());
    auto printer = printer_for(**sim);
    (*sim)->set_fault(sim::SimFault::Silence);
    auto status = printer->status();
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == ErrorCode::Timeout);
    CHECK(printer->health().state == HealthState::Offline);
    (*sim)->set_fault(sim::SimFault::GarbageOnly);
    status = printer->status();
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == ErrorCode::Format);
    CHECK(printer->health().state == HealthState::Degraded);
    (*sim)->set_fault(sim::SimFault::None);
    CHECK(printer->status().ok());
    CHECK(printer->health().state == HealthState::Ok);
}

TEST_CASE("unplugged TCP printer fails with Unplugged and reconnects after replug") {
    auto sim = sim::PrinterSimulator::create(sim::SimEndpoint::Tcp);
    REQUIRE(sim.ok());
    std::string uri = (*sim)->uri();
    auto printer = printer_for(**sim);
    (*sim)->unplug();
    auto status = printer->status();
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == ErrorCode::Unplugged);
    CHECK(printer->health().state == HealthState::Offline);
    CHECK_FALSE(EscPosPrinter::open(uri, fast_options()).ok());
    REQUIRE((*sim)->replug().ok());
    CHECK((*sim)->uri() == uri);
    auto again = EscPosPrinter::open(uri, fast_options());
    REQUIRE_MESSAGE(again.ok(), again.error().describe());
    CHECK((*again)->status().ok());
}

TEST_CASE("unplugged pty printer fails with Unplugged") {
    auto sim = sim::PrinterSimulator::create();
    REQUIRE(sim.ok());
    auto printer = printer_for(**sim);
    (*sim)->unplug();
    auto status = printer->status();
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == ErrorCode::Unplugged);
}

TEST_CASE("a file transport printer writes without status when query_status is off") {
    char path[] = "/tmp/station-lp-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    PrinterOptions options;
    options.query_status = false;
    auto printer = EscPosPrinter::open(std::string("file://") + path, options);
    REQUIRE(printer.ok());
    auto job = test_page_job(options);
    REQUIRE(job.ok());
    REQUIRE((*printer)->print(*job).ok());
    FILE* f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    CHECK(size_t(ftell(f)) == job->size());
    fclose(f);
    unlink(path);
}

TEST_CASE("serial URIs take a baud rate and reject a bad one") {
    auto sim = sim::PrinterSimulator::create();
    REQUIRE(sim.ok());
    auto printer = EscPosPrinter::open("serial://" + (*sim)->uri() + "?baud=9600", fast_options());
    REQUIRE_MESSAGE(printer.ok(), printer.error().describe());
    CHECK((*printer)->status().ok());
    auto odd = open_transport("serial://" + (*sim)->uri() + "?baud=12345");
    REQUIRE_FALSE(odd.ok());
    CHECK(odd.error().field == "baud");
    CHECK_FALSE(open_transport("serial://" + (*sim)->uri() + "?baud=fast").ok());
}

TEST_CASE("open_transport rejects unknown URIs with a message") {
    auto t = open_transport("lpt1");
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code == ErrorCode::InvalidArgument);
    auto missing = open_transport("/dev/usb/lp99");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == ErrorCode::Unplugged);
    CHECK(open_transport("tcp://127.0.0.1:1").error().code == ErrorCode::Unplugged);
}

TEST_CASE("a printer that goes silent after the job still reports the job as sent, unconfirmed") {
    auto sim = sim::PrinterSimulator::create();
    REQUIRE(sim.ok());
    auto printer = printer_for(**sim);
    auto job = test_page_job(printer->options());
    REQUIRE(job.ok());
    (*sim)->fault_after_next_cut(sim::SimFault::Silence);
    auto outcome = printer->print(*job);
    REQUIRE(outcome.ok());  // the bytes went out: no blind reprint
    REQUIRE(outcome->after_error.has_value());
    CHECK(outcome->after_error->code == ErrorCode::Timeout);
    CHECK_FALSE(outcome->confirmed());
    CHECK((*sim)->record().cuts == 1);
    CHECK(printer->health().state == HealthState::Offline);
}

TEST_CASE("paper running out during the job is reported by the status after it") {
    auto sim = sim::PrinterSimulator::create();
    REQUIRE(sim.ok());
    auto printer = printer_for(**sim);
    auto job = test_page_job(printer->options());
    REQUIRE(job.ok());
    (*sim)->fault_after_next_cut(sim::SimFault::PaperOut);
    auto outcome = printer->print(*job);
    REQUIRE(outcome.ok());
    REQUIRE(outcome->after.has_value());
    CHECK(outcome->after->paper == PaperState::Out);
    CHECK_FALSE(outcome->confirmed());
    CHECK(printer->health() == DeviceHealth{HealthState::Offline, "缺纸 paper out"});
}

TEST_CASE("a USB printer device file (lp stand-in) prints and answers status") {
    auto sim = sim::PrinterSimulator::create();
    REQUIRE(sim.ok());
    auto printer = EscPosPrinter::open("file://" + (*sim)->uri(), fast_options());
    REQUIRE_MESSAGE(printer.ok(), printer.error().describe());
    auto job = help_ticket_job({"服务站", "C003", "10:00", "证明开具", "C003"}, (*printer)->options());
    REQUIRE(job.ok());
    REQUIRE((*printer)->print(*job).ok());
    auto record = wait_for_cuts(**sim, 1);
    CHECK(has_line(record, "C003"));
    CHECK(record.qr_codes == std::vector<std::string>{"C003"});
}
