// Receipt printer (ESC/POS). Byte facts: ../shared/reference/DEVICES.md.
//
//  1. Encoding     EscPosEncoder builds a PrintJob (bytes): text (GB18030 in Chinese mode),
//                  style, feed, cut, native QR (GS ( k), raster images (GS v 0, ≤960-row bands)
//  2. Raster       MonoImage; TextRasterizer (FreeType, for printers without Chinese fonts);
//                  qr_image() (libqrencode, for printers without native QR); find_chinese_font()
//  3. Status       parse_status_byte() for DLE EOT 1..4 → PrinterStatus → health
//  4. Printer      EscPosPrinter: status before and after each job, over any Transport
//  5. Templates    help_ticket_job(), signup_confirmation_job() from plain structs
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/device.h"
#include "transport/transport.h"

namespace station::drivers {

// ---- 1. Encoding --------------------------------------------------------------------------

enum class PaperWidth { Mm58, Mm80 };
int paper_dots(PaperWidth width);  // 384 for 58 mm, 576 for 80 mm (dots per line at 203 dpi)

enum class Align { Left = 0, Center = 1, Right = 2 };
enum class QrErrorLevel { L = 48, M = 49, Q = 50, H = 51 };  // GS ( k function 169 values

// A 1-bit image, row-major, 1 = black; width need not be a multiple of 8.
struct MonoImage {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> pixels;  // width * height bytes, 0 or 1
    bool at(int x, int y) const { return pixels[size_t(y) * size_t(width) + size_t(x)] != 0; }
    void set(int x, int y, bool black) { pixels[size_t(y) * size_t(width) + size_t(x)] = black ? 1 : 0; }
    static MonoImage blank(int width, int height);
};

using PrintJob = std::vector<uint8_t>;

// Appends ESC/POS commands to a byte buffer. Not thread-safe; cheap to create per job.
class EscPosEncoder {
public:
    EscPosEncoder& initialize();                 // ESC @
    EscPosEncoder& align(Align align);           // ESC a n
    EscPosEncoder& bold(bool on);                // ESC E n
    EscPosEncoder& size(int width, int height);  // GS ! n, each 1..8 (clamped)
    EscPosEncoder& chinese_mode(bool on);        // FS & / FS .
    EscPosEncoder& chinese_size(bool double_width, bool double_height);  // FS ! n
    // Text in the current mode: GB18030 when Chinese mode is on, else bytes ≥ 0x80 become '?'.
    // Returns a Format error (and appends nothing) for invalid UTF-8 or unmappable text.
    Result<Ok> text(std::string_view utf8);
    Result<Ok> line(std::string_view utf8);      // text + LF
    EscPosEncoder& newline();                    // LF
    EscPosEncoder& feed(int lines);              // ESC d n (0..255)
    EscPosEncoder& cut(bool partial = false);    // GS V 0 / GS V 1
    // Native QR: model 2, module size 1..16, error level; payload ≤ 7089 bytes.
    Result<Ok> qr_native(std::string_view payload, int module_size = 6, QrErrorLevel level = QrErrorLevel::M);
    // Raster image in GS v 0 bands of at most `band_rows` rows (≤ 960).
    EscPosEncoder& raster(const MonoImage& image, int band_rows = 960);
    EscPosEncoder& raw(std::span<const uint8_t> bytes);

    const PrintJob& bytes() const { return bytes_; }
    PrintJob take() { return std::move(bytes_); }

private:
    PrintJob bytes_;
    bool chinese_ = false;
};

// ---- 2. Raster fallbacks ------------------------------------------------------------------

// Renders UTF-8 text with FreeType into 1-bit images. Owns the FT_Library and FT_Face; one
// thread at a time.
class TextRasterizer {
public:
    // `font_path` e.g. from find_chinese_font(); `pixel_size` the em height in dots (24 ≈ 3 mm).
    static Result<std::unique_ptr<TextRasterizer>> open(const std::string& font_path, int pixel_size = 24);
    ~TextRasterizer();
    TextRasterizer(const TextRasterizer&) = delete;
    TextRasterizer& operator=(const TextRasterizer&) = delete;

    // Lays out `utf8` within `max_width` dots, wrapping at characters (keeping 。，、 off a line
    // start), aligned as asked; returns one image of all lines. Invalid UTF-8 is an error.
    Result<MonoImage> render(std::string_view utf8, int max_width, Align align = Align::Left, int scale = 1);

private:
    TextRasterizer() = default;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Path of an installed font covering Simplified Chinese (fontconfig `:lang=zh`), or Unavailable.
Result<std::string> find_chinese_font();

// QR symbol as an image (libqrencode), `module_dots` per module, 4-module quiet zone.
Result<MonoImage> qr_image(std::string_view payload, int module_dots = 6, QrErrorLevel level = QrErrorLevel::M);

// ---- 3. Status ----------------------------------------------------------------------------

enum class PaperState { Ok, NearEnd, Out };
const char* paper_state_name(PaperState paper);  // "ok", "near_end", "out"

struct PrinterStatus {
    bool online = true;
    bool cover_open = false;
    PaperState paper = PaperState::Ok;
    bool cutter_error = false;
    bool unrecoverable_error = false;
    bool auto_recoverable_error = false;
    bool stopped_by_paper_end = false;
    bool error_occurred = false;  // DLE EOT 2 bit 6

    bool can_print() const;      // online, cover shut, paper present, no error
    bool any_error() const {
        return cutter_error || unrecoverable_error || auto_recoverable_error || error_occurred;
    }
    DeviceHealth health() const; // ok / degraded (near end) / offline (out, cover, error), reason zh + en
    bool operator==(const PrinterStatus&) const = default;
};

// Applies one DLE EOT `n` reply byte (n = 1..4) to `status`. Error (Format) when n is not
// 1..4 or the byte lacks the fixed bits (bit 1 and bit 4 set, bits 0 and 7 clear).
Result<Ok> parse_status_byte(int n, uint8_t byte, PrinterStatus& status);

// The DLE EOT n query, 10 04 n.
std::array<uint8_t, 3> status_query(int n);

// ---- 4. Printer ---------------------------------------------------------------------------

enum class ChineseOutput { Native, Raster };  // native = FS & + GB18030; raster = FreeType image
enum class QrOutput { Native, Raster };

struct PrinterOptions {
    PaperWidth paper = PaperWidth::Mm58;
    ChineseOutput chinese = ChineseOutput::Native;
    QrOutput qr = QrOutput::Native;
    std::string font_path;           // for ChineseOutput::Raster; empty = find_chinese_font()
    Millis status_timeout{300};      // per DLE EOT reply (/dev/usb/lp answers after ~0.2 s)
    Millis write_timeout{5000};      // a whole job
    bool query_status = true;        // false for write-only transports that never answer
};

struct PrintOutcome {
    PrinterStatus before;
    std::optional<PrinterStatus> after;  // status once the job was written, when it answered
    std::optional<Error> after_error;    // why `after` is missing (timeout, unplugged, ...)
    // True when the printer answered afterwards and reports nothing that would have spoiled
    // the job (paper out, cover open, errors). The kiosk should not reprint on a false here
    // without asking staff: the bytes were sent.
    bool confirmed() const { return after.has_value() && after->can_print(); }
};

// Talks to one printer. One worker thread calls status()/print(); health() from any thread.
class EscPosPrinter : public HealthSource {
public:
    EscPosPrinter(std::unique_ptr<Transport> transport, PrinterOptions options = {});
    // Opens "tcp://host:9100", "/dev/usb/lp0", "serial:///dev/ttyS0?baud=9600" (115200
    // when no baud is given) and asks for status (skipped when options.query_status is off).
    static Result<std::unique_ptr<EscPosPrinter>> open(const std::string& uri, PrinterOptions options = {});

    // DLE EOT 1..4. Timeout when the printer stays silent, Format for a garbage byte,
    // Unplugged when the transport is gone.
    Result<PrinterStatus> status();
    // Checks status (refuses with DeviceStatus when it cannot print, nothing sent), writes the
    // job, checks status again. Once the bytes are written the result is a PrintOutcome even
    // if the second status fails (see PrintOutcome::confirmed), so a ticket is never printed
    // twice by a blind retry.
    Result<PrintOutcome> print(const PrintJob& job);

    const PrinterOptions& options() const { return options_; }
    DeviceHealth health() const override;

private:
    void note_error(const Error& error);
    std::unique_ptr<Transport> transport_;
    PrinterOptions options_;
    HealthCell health_;
};

// ---- 5. Templates -------------------------------------------------------------------------

struct HelpTicket {
    std::string station_name;   // 服务站名称, e.g. "南京东路街道党群服务站"
    std::string ticket_number;  // e.g. "A012"
    std::string time_text;      // as it should be printed, e.g. "2024-05-01 09:30"
    std::string category;       // e.g. "医保咨询"
    std::string qr_payload;     // e.g. a URL to follow the request
    std::string footer = "工作人员将尽快为您服务";  // optional last line; empty = none
    // Labels printed before the values (zh-CN defaults; the kiosk may pass its catalogue's).
    std::string title = "求助服务单";
    std::string number_label = "您的号码";
    std::string time_label = "时间";
    std::string category_label = "事项";
    std::string qr_label = "扫码查看处理进度";
};

struct SignupConfirmation {
    std::string station_name;
    std::string activity_title;
    std::string activity_time;  // as printed
    std::string place;
    std::string participant;    // a display name or masked phone; never a raw ID number
    std::string confirmation_code;
    std::string qr_payload;     // optional; empty = no QR
    // Labels (zh-CN defaults).
    std::string title = "活动报名确认";
    std::string time_label = "时间";
    std::string place_label = "地点";
    std::string participant_label = "报名人";
    std::string code_label = "确认码";
    std::string footer = "请按时参加，如需取消请告知工作人员";
};

// An activity's sign-up list for the staff (station-admin's 活动 tab): masked ids only.
struct ActivityRoster {
    std::string station_name;
    std::string activity_title;
    std::string activity_time;  // as printed
    std::string place;
    std::string summary;                // e.g. "报名 12 / 30 人，最少 10 人：已达到"
    std::vector<std::string> entries;   // one line per sign-up, e.g. "1. 3101**********1234  身份证  09:30"
    std::string printed_at;             // as printed
    std::string title = "活动报名名单";
    std::string empty_text = "暂无报名";
};

// Builds the job for `options` (paper width, native or raster Chinese and QR). With raster
// output a TextRasterizer is opened from options.font_path (or fontconfig). Errors name the
// field that could not be encoded.
Result<PrintJob> help_ticket_job(const HelpTicket& ticket, const PrinterOptions& options);
Result<PrintJob> signup_confirmation_job(const SignupConfirmation& signup, const PrinterOptions& options);
Result<PrintJob> activity_roster_job(const ActivityRoster& roster, const PrinterOptions& options);
// A Chinese test receipt with a QR code and a cut (for `stationctl device print-test`).
Result<PrintJob> test_page_job(const PrinterOptions& options);

}  // namespace station::drivers
