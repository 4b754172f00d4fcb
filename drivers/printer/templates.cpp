// Receipt templates: help ticket, activity sign-up confirmation, test page.
#include <algorithm>

#include "printer/printer.h"

namespace station::drivers {

namespace {

// Writes either native Chinese text or FreeType raster lines, and native or raster QR,
// according to the printer options.
class ReceiptWriter {
public:
    static Result<ReceiptWriter> create(const PrinterOptions& options) {
        ReceiptWriter w(options);
        if (options.chinese == ChineseOutput::Raster) {
            std::string font = options.font_path;
            if (font.empty()) {
                auto found = find_chinese_font();
                if (!found) return found.error();
                font = *found;
            }
            auto rasterizer = TextRasterizer::open(font, 24);
            if (!rasterizer) return rasterizer.error();
            w.rasterizer_ = std::shared_ptr<TextRasterizer>(std::move(*rasterizer));
        }
        w.enc_.initialize();
        if (options.chinese == ChineseOutput::Native) w.enc_.chinese_mode(true);
        return w;
    }

    Result<Ok> line(std::string_view text, std::string_view field, Align align = Align::Left, int scale = 1,
                    bool bold = false) {
        if (rasterizer_) {
            auto image = rasterizer_->render(text, paper_dots(options_.paper), align, scale);
            if (!image) return named(image.error(), field);
            if (bold) embolden(*image);
            enc_.raster(*image);
            return Ok{};
        }
        enc_.align(align).bold(bold).size(scale, scale);
        if (auto ok = enc_.line(text); !ok) return named(ok.error(), field);
        enc_.size(1, 1).bold(false);
        return Ok{};
    }

    Result<Ok> qr(std::string_view payload, std::string_view field) {
        if (options_.qr == QrOutput::Native) {
            enc_.align(Align::Center);
            if (auto ok = enc_.qr_native(payload, options_.paper == PaperWidth::Mm80 ? 8 : 6); !ok) return named(ok.error(), field);
            enc_.newline().align(Align::Left);
            return Ok{};
        }
        int width = paper_dots(options_.paper);
        auto image = qr_image(payload, options_.paper == PaperWidth::Mm80 ? 8 : 6);
        if (!image) return named(image.error(), field);
        // Scale down modules if the symbol is wider than the paper.
        for (int dots = 5; image->width > width && dots >= 1; --dots) {
            image = qr_image(payload, dots);
            if (!image) return named(image.error(), field);
        }
        enc_.raster(centered(*image, width));
        return Ok{};
    }

    void rule() {
        int columns = options_.paper == PaperWidth::Mm80 ? 48 : 32;
        if (rasterizer_) {
            MonoImage image = MonoImage::blank(paper_dots(options_.paper), 9);
            for (int x = 0; x < image.width; ++x) image.set(x, 4, true);
            enc_.raster(image);
        } else {
            enc_.align(Align::Left);
            (void)enc_.line(std::string(size_t(columns), '-'));
        }
    }

    PrintJob finish() {
        enc_.feed(4).cut(false);
        return enc_.take();
    }

private:
    explicit ReceiptWriter(const PrinterOptions& options) : options_(options) {}

    static Error named(Error e, std::string_view field) {
        e.field = std::string(field) + (e.field.empty() ? "" : "." + e.field);
        return e;
    }
    static void embolden(MonoImage& image) {
        for (int y = 0; y < image.height; ++y)
            for (int x = image.width - 1; x > 0; --x)
                if (image.at(x - 1, y)) image.set(x, y, true);
    }
    static MonoImage centered(const MonoImage& image, int width) {
        if (image.width >= width) return image;
        MonoImage out = MonoImage::blank(width, image.height);
        int left = (width - image.width) / 2;
        for (int y = 0; y < image.height; ++y)
            for (int x = 0; x < image.width; ++x)
                if (image.at(x, y)) out.set(left + x, y, true);
        return out;
    }

    PrinterOptions options_;
    EscPosEncoder enc_;
    std::shared_ptr<TextRasterizer> rasterizer_;
};

#define STATION_TRY(expr)                       \
    do {                                        \
        if (auto ok_ = (expr); !ok_) return ok_.error(); \
    } while (0)

}  // namespace

Result<PrintJob> help_ticket_job(const HelpTicket& t, const PrinterOptions& options) {
    if (t.ticket_number.empty())
        return make_error(ErrorCode::InvalidArgument, "ticket.ticket_number", "", "号码为空 ticket number is empty");
    auto writer = ReceiptWriter::create(options);
    if (!writer) return writer.error();
    auto& w = *writer;
    STATION_TRY(w.line(t.station_name, "ticket.station_name", Align::Center, 1, true));
    STATION_TRY(w.line(t.title, "ticket.title", Align::Center));
    w.rule();
    STATION_TRY(w.line(t.number_label, "ticket.number_label", Align::Center));
    STATION_TRY(w.line(t.ticket_number, "ticket.ticket_number", Align::Center, 3, true));
    STATION_TRY(w.line(t.time_label + "：" + t.time_text, "ticket.time_text"));
    STATION_TRY(w.line(t.category_label + "：" + t.category, "ticket.category"));
    if (!t.qr_payload.empty()) {
        STATION_TRY(w.qr(t.qr_payload, "ticket.qr_payload"));
        STATION_TRY(w.line(t.qr_label, "ticket.qr_label", Align::Center));
    }
    w.rule();
    if (!t.footer.empty()) STATION_TRY(w.line(t.footer, "ticket.footer", Align::Center));
    return w.finish();
}

Result<PrintJob> signup_confirmation_job(const SignupConfirmation& s, const PrinterOptions& options) {
    if (s.activity_title.empty())
        return make_error(ErrorCode::InvalidArgument, "signup.activity_title", "", "活动名称为空 activity title is empty");
    auto writer = ReceiptWriter::create(options);
    if (!writer) return writer.error();
    auto& w = *writer;
    STATION_TRY(w.line(s.station_name, "signup.station_name", Align::Center, 1, true));
    STATION_TRY(w.line(s.title, "signup.title", Align::Center, 2, true));
    w.rule();
    STATION_TRY(w.line(s.activity_title, "signup.activity_title", Align::Left, 1, true));
    STATION_TRY(w.line(s.time_label + "：" + s.activity_time, "signup.activity_time"));
    STATION_TRY(w.line(s.place_label + "：" + s.place, "signup.place"));
    STATION_TRY(w.line(s.participant_label + "：" + s.participant, "signup.participant"));
    if (!s.confirmation_code.empty())
        STATION_TRY(w.line(s.code_label + "：" + s.confirmation_code, "signup.confirmation_code", Align::Left, 1, true));
    if (!s.qr_payload.empty()) STATION_TRY(w.qr(s.qr_payload, "signup.qr_payload"));
    w.rule();
    if (!s.footer.empty()) STATION_TRY(w.line(s.footer, "signup.footer", Align::Center));
    return w.finish();
}

Result<PrintJob> activity_roster_job(const ActivityRoster& r, const PrinterOptions& options) {
    if (r.activity_title.empty())
        return make_error(ErrorCode::InvalidArgument, "roster.activity_title", "", "活动名称为空 activity title is empty");
    auto writer = ReceiptWriter::create(options);
    if (!writer) return writer.error();
    auto& w = *writer;
    STATION_TRY(w.line(r.station_name, "roster.station_name", Align::Center, 1, true));
    STATION_TRY(w.line(r.title, "roster.title", Align::Center, 2, true));
    w.rule();
    STATION_TRY(w.line(r.activity_title, "roster.activity_title", Align::Left, 1, true));
    STATION_TRY(w.line(r.activity_time, "roster.activity_time"));
    STATION_TRY(w.line(r.place, "roster.place"));
    STATION_TRY(w.line(r.summary, "roster.summary", Align::Left, 1, true));
    w.rule();
    if (r.entries.empty()) STATION_TRY(w.line(r.empty_text, "roster.empty_text", Align::Center));
    for (const std::string& entry : r.entries) STATION_TRY(w.line(entry, "roster.entries"));
    w.rule();
    STATION_TRY(w.line(r.printed_at, "roster.printed_at", Align::Center));
    return w.finish();
}

Result<PrintJob> test_page_job(const PrinterOptions& options) {
    auto writer = ReceiptWriter::create(options);
    if (!writer) return writer.error();
    auto& w = *writer;
    STATION_TRY(w.line("打印测试 Print test", "test.title", Align::Center, 2, true));
    w.rule();
    STATION_TRY(w.line("党群服务站 中文打印正常", "test.chinese"));
    STATION_TRY(w.line(std::string("纸宽 paper: ") + (options.paper == PaperWidth::Mm80 ? "80 mm / 576 dots" : "58 mm / 384 dots"),
                       "test.paper"));
    STATION_TRY(w.qr("https://example.invalid/station/print-test", "test.qr"));
    STATION_TRY(w.line("扫码测试 scan test", "test.qr_label", Align::Center));
    return w.finish();
}

}  // namespace station::drivers
