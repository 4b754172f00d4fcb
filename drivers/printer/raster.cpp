// Raster fallbacks: FreeType text and libqrencode QR codes as 1-bit images.
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/text.h"
#include "printer/printer.h"

namespace station::drivers {

struct TextRasterizer::Impl {
    FT_Library library = nullptr;
    FT_Face face = nullptr;
    int pixel_size = 24;
    ~Impl() {
        if (face) FT_Done_Face(face);
        if (library) FT_Done_FreeType(library);
    }
};

TextRasterizer::~TextRasterizer() = default;

Result<std::unique_ptr<TextRasterizer>> TextRasterizer::open(const std::string& font_path, int pixel_size) {
    std::unique_ptr<TextRasterizer> r(new TextRasterizer());
    r->impl_ = std::make_unique<Impl>();
    r->impl_->pixel_size = std::clamp(pixel_size, 8, 256);
    if (FT_Init_FreeType(&r->impl_->library) != 0)
        return make_error(ErrorCode::Unavailable, "freetype", "FT_Init_FreeType", "FreeType 初始化失败 FreeType init failed");
    if (FT_New_Face(r->impl_->library, font_path.c_str(), 0, &r->impl_->face) != 0)
        return make_error(ErrorCode::InvalidArgument, "font_path", font_path, "无法打开字体 cannot open font");
    return r;
}

namespace {

// Characters that must not start a line (a small set of Chinese closing punctuation).
bool no_line_start(char32_t c) {
    static constexpr std::u32string_view kSet = U"。，、；：？！）》」』】．,.;:?!)";
    return kSet.find(c) != std::u32string_view::npos;
}

struct Glyph {
    char32_t ch;
    int advance;
};

}  // namespace

Result<MonoImage> TextRasterizer::render(std::string_view utf8, int max_width, Align align, int scale) {
    if (auto ok = validate_utf8(utf8, "text"); !ok) return ok.error();
    if (max_width <= 0) return make_error(ErrorCode::InvalidArgument, "max_width", std::to_string(max_width), "宽度必须为正 width must be positive");
    FT_Face face = impl_->face;
    int px = impl_->pixel_size * std::clamp(scale, 1, 8);
    FT_Set_Pixel_Sizes(face, 0, FT_UInt(px));
    int ascender = int(face->size->metrics.ascender >> 6);
    int line_height = std::max(int(face->size->metrics.height >> 6), px);

    // Measure, then break into lines.
    std::vector<std::vector<Glyph>> lines(1);
    int x = 0;
    for (char32_t c : utf8_to_u32(utf8)) {
        if (c == U'\n') {
            lines.emplace_back();
            x = 0;
            continue;
        }
        int advance = 0;
        if (FT_Load_Char(face, c, FT_LOAD_DEFAULT) == 0) advance = int(face->glyph->advance.x >> 6);
        if (x + advance > max_width && !lines.back().empty()) {
            std::vector<Glyph> carry;
            // Keep closing punctuation off the start of the new line: take the previous
            // character along with it.
            if (no_line_start(c) && lines.back().size() > 1) {
                carry.push_back(lines.back().back());
                lines.back().pop_back();
            }
            lines.push_back(std::move(carry));
            x = 0;
            for (auto& g : lines.back()) x += g.advance;
        }
        lines.back().push_back({c, advance});
        x += advance;
    }

    MonoImage image = MonoImage::blank(max_width, line_height * int(lines.size()));
    for (size_t li = 0; li < lines.size(); ++li) {
        int width = 0;
        for (auto& g : lines[li]) width += g.advance;
        int pen = align == Align::Center ? (max_width - width) / 2 : align == Align::Right ? max_width - width : 0;
        pen = std::max(pen, 0);
        int baseline = int(li) * line_height + ascender;
        for (auto& g : lines[li]) {
            if (FT_Load_Char(face, g.ch, FT_LOAD_RENDER) != 0) {
                pen += g.advance;
                continue;
            }
            FT_Bitmap& bm = face->glyph->bitmap;
            int left = pen + face->glyph->bitmap_left;
            int top = baseline - face->glyph->bitmap_top;
            for (unsigned row = 0; row < bm.rows; ++row) {
                for (unsigned col = 0; col < bm.width; ++col) {
                    int ix = left + int(col), iy = top + int(row);
                    if (ix < 0 || iy < 0 || ix >= image.width || iy >= image.height) continue;
                    uint8_t value = bm.pixel_mode == FT_PIXEL_MODE_MONO
                                        ? ((bm.buffer[row * unsigned(bm.pitch) + col / 8] >> (7 - col % 8)) & 1) * 255
                                        : bm.buffer[row * unsigned(bm.pitch) + col];
                    if (value >= 128) image.set(ix, iy, true);
                }
            }
            pen += g.advance;
        }
    }
    return image;
}

Result<std::string> find_chinese_font() {
    FcConfig* config = FcInitLoadConfigAndFonts();
    if (!config) return make_error(ErrorCode::Unavailable, "fontconfig", "", "fontconfig 不可用 fontconfig unavailable");
    FcPattern* pattern = FcNameParse(reinterpret_cast<const FcChar8*>(":lang=zh"));
    FcObjectSet* objects = FcObjectSetBuild(FC_FILE, FC_FAMILY, FC_SCALABLE, nullptr);
    FcFontSet* fonts = FcFontList(config, pattern, objects);
    std::string best;
    int best_rank = -1;
    for (int i = 0; fonts && i < fonts->nfont; ++i) {
        FcChar8* file = nullptr;
        FcBool scalable = FcFalse;
        if (FcPatternGetString(fonts->fonts[i], FC_FILE, 0, &file) != FcResultMatch) continue;
        FcPatternGetBool(fonts->fonts[i], FC_SCALABLE, 0, &scalable);
        std::string path = reinterpret_cast<const char*>(file);
        // Prefer scalable Simplified-Chinese sans fonts (WenQuanYi Micro Hei, Noto Sans CJK SC).
        int rank = (scalable ? 4 : 0) + (path.find("microhei") != std::string::npos ? 2 : 0) +
                   (path.find("Mono") == std::string::npos ? 1 : 0);
        if (rank > best_rank) {
            best_rank = rank;
            best = path;
        }
    }
    if (fonts) FcFontSetDestroy(fonts);
    FcObjectSetDestroy(objects);
    FcPatternDestroy(pattern);
    FcConfigDestroy(config);
    if (best.empty())
        return make_error(ErrorCode::Unavailable, "font", ":lang=zh", "未找到中文字体 no Chinese font installed (fonts-wqy-microhei)");
    return best;
}

Result<MonoImage> qr_image(std::string_view payload, int module_dots, QrErrorLevel level) {
    if (payload.empty())
        return make_error(ErrorCode::InvalidArgument, "qr.payload", "0 bytes", "二维码内容为空 QR payload is empty");
    QRecLevel ec = level == QrErrorLevel::L ? QR_ECLEVEL_L
                   : level == QrErrorLevel::Q ? QR_ECLEVEL_Q
                   : level == QrErrorLevel::H ? QR_ECLEVEL_H
                                              : QR_ECLEVEL_M;
    QRcode* code = QRcode_encodeData(int(payload.size()), reinterpret_cast<const unsigned char*>(payload.data()), 0, ec);
    if (!code)
        return make_error(ErrorCode::InvalidArgument, "qr.payload", std::to_string(payload.size()) + " bytes",
                          std::string("无法生成二维码 cannot encode QR: ") + std::strerror(errno));
    module_dots = std::clamp(module_dots, 1, 32);
    const int quiet = 4;
    int size = (code->width + 2 * quiet) * module_dots;
    MonoImage image = MonoImage::blank(size, size);
    for (int y = 0; y < code->width; ++y)
        for (int x = 0; x < code->width; ++x)
            if (code->data[y * code->width + x] & 1)
                for (int dy = 0; dy < module_dots; ++dy)
                    for (int dx = 0; dx < module_dots; ++dx)
                        image.set((x + quiet) * module_dots + dx, (y + quiet) * module_dots + dy, true);
    QRcode_free(code);
    return image;
}

}  // namespace station::drivers
