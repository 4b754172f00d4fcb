#include "content/authoring.h"

#include <algorithm>
#include <cmath>
#include <fstream>

namespace station::content {
namespace {

std::uint32_t crc32(const std::string& bytes, std::size_t start, std::size_t size) {
    static std::uint32_t table[256];
    static bool ready = false;
    if (!ready) {
        for (std::uint32_t n = 0; n < 256; ++n) {
            std::uint32_t c = n;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        ready = true;
    }
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = start; i < start + size; ++i)
        c = table[(c ^ static_cast<unsigned char>(bytes[i])) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

void put_be32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}
void put_le(std::string& out, std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

// PNG chunk: length, type, data, CRC over type + data (PNG spec §5.3).
void put_chunk(std::string& out, const char* type, const std::string& data) {
    put_be32(out, static_cast<std::uint32_t>(data.size()));
    std::size_t start = out.size();
    out.append(type, 4);
    out += data;
    put_be32(out, crc32(out, start, data.size() + 4));
}

bool write_file(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(out.flush());
}

constexpr const char* kStarterToml = R"(# Station content folder. Edit, then:
#   stationctl content pack . --key ~/keys/editor.key -o station-content.spkg
# Item kinds: video (file), image (file, duration_s), notice (title, body, date, priority 0-9,
# narration = optional audio file, duration_s), ticker (text).
# Media paths are relative to this folder. Dates are TOML dates (2026-03-05), times TOML times.

[package]
title = "示范党群服务站 · 公共屏内容"
version = 1                      # raise it for every package you publish

[[items]]
id = "welcome"
kind = "image"
file = "media/welcome.png"
duration_s = 10

[[items]]
id = "health-talk"
kind = "image"
file = "media/health-talk.png"
duration_s = 8

# A video item: put an H.264 MP4 in media/ and uncomment.
# [[items]]
# id = "flu-video"
# kind = "video"
# file = "media/flu-vaccine.mp4"

[[items]]
id = "notice-vaccine"
kind = "notice"
title = "流感疫苗接种通知"
body = "本周六上午9:00至11:30，社区卫生服务中心医生来站为60岁以上居民接种流感疫苗，请携带身份证和医保卡。"
date = 2026-11-28
priority = 8
narration = "media/notice-vaccine.wav"
duration_s = 20

[[items]]
id = "notice-lecture"
kind = "notice"
title = "防范电信诈骗讲座"
body = "周三下午2:00在二楼活动室，派出所民警讲解常见骗局，欢迎居民参加。"
date = 2026-11-26
priority = 5

[[items]]
id = "ticker-hours"
kind = "ticker"
text = "服务时间：周一至周日 8:30—17:30 · 有事请按“一键呼叫”，工作人员马上就到"

[[playlists]]
id = "main"
items = ["welcome", "health-talk"]

[[playlists]]
id = "notices"
items = ["notice-vaccine", "notice-lecture"]

[[playlists]]
id = "tickers"
items = ["ticker-hours"]

[[layouts]]
id = "signage"
width = 1920
height = 1080

[[layouts.zones]]
id = "main"
kind = "media"
x = 0
y = 0
width = 1280
height = 960

[[layouts.zones]]
id = "notices"
kind = "notices"
x = 1280
y = 0
width = 640
height = 760

[[layouts.zones]]
id = "queue"
kind = "queue"
x = 1280
y = 760
width = 640
height = 200

[[layouts.zones]]
id = "ticker"
kind = "ticker"
x = 0
y = 960
width = 1920
height = 120

[[schedules]]
id = "everyday"
layout = "signage"
priority = 0
zones = { main = "main", notices = "notices", ticker = "tickers" }

[[schedules]]
id = "weekday-opening-hours"
layout = "signage"
priority = 10
from = 2026-01-01
until = 2026-12-31
weekdays = ["mon", "tue", "wed", "thu", "fri"]
dayparts = [{ start = 08:30:00, end = 12:00:00 }, { start = 13:30:00, end = 17:30:00 }]
zones = { main = "main", notices = "notices", ticker = "tickers" }
)";

}  // namespace

std::string make_png(int width, int height, std::uint32_t top_rgb, std::uint32_t bottom_rgb) {
    // Raw scanlines: filter byte 0, then RGB.
    std::string raw;
    raw.reserve(static_cast<std::size_t>(height) * (1 + 3 * width));
    for (int y = 0; y < height; ++y) {
        raw += '\0';
        double t = height > 1 ? double(y) / (height - 1) : 0;
        char pixel[3];
        for (int c = 0; c < 3; ++c) {
            int a = (top_rgb >> (16 - 8 * c)) & 0xFF, b = (bottom_rgb >> (16 - 8 * c)) & 0xFF;
            pixel[c] = static_cast<char>(std::lround(a + (b - a) * t));
        }
        for (int x = 0; x < width; ++x) raw.append(pixel, 3);
    }
    // zlib stream of stored (uncompressed) deflate blocks, RFC 1950/1951.
    std::string z = "\x78\x01";
    std::size_t pos = 0;
    do {
        std::size_t n = std::min<std::size_t>(65535, raw.size() - pos);
        bool last = pos + n == raw.size();
        z += static_cast<char>(last ? 1 : 0);
        put_le(z, static_cast<std::uint32_t>(n), 2);
        put_le(z, static_cast<std::uint32_t>(~n & 0xFFFF), 2);
        z.append(raw, pos, n);
        pos += n;
    } while (pos < raw.size());
    std::uint32_t a = 1, b = 0;
    for (unsigned char c : raw) {
        a = (a + c) % 65521;
        b = (b + a) % 65521;
    }
    put_be32(z, (b << 16) | a);

    std::string png = "\x89PNG\r\n\x1a\n";
    std::string header;
    put_be32(header, static_cast<std::uint32_t>(width));
    put_be32(header, static_cast<std::uint32_t>(height));
    header += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit, truecolour, deflate, no filter, no interlace
    put_chunk(png, "IHDR", header);
    put_chunk(png, "IDAT", z);
    put_chunk(png, "IEND", "");
    return png;
}

std::string make_wav_tone(double seconds, double frequency_hz, int sample_rate) {
    auto samples = static_cast<std::uint32_t>(seconds * sample_rate);
    std::string data;
    data.reserve(samples * 2);
    for (std::uint32_t i = 0; i < samples; ++i) {
        double v = 0.3 * std::sin(2 * M_PI * frequency_hz * i / sample_rate);
        put_le(data, static_cast<std::uint16_t>(static_cast<std::int16_t>(v * 32767)), 2);
    }
    std::string wav = "RIFF";
    put_le(wav, static_cast<std::uint32_t>(36 + data.size()), 4);
    wav += "WAVEfmt ";
    put_le(wav, 16, 4);
    put_le(wav, 1, 2);                                  // PCM
    put_le(wav, 1, 2);                                  // mono
    put_le(wav, static_cast<std::uint32_t>(sample_rate), 4);
    put_le(wav, static_cast<std::uint32_t>(sample_rate * 2), 4);
    put_le(wav, 2, 2);
    put_le(wav, 16, 2);
    wav += "data";
    put_le(wav, static_cast<std::uint32_t>(data.size()), 4);
    return wav + data;
}

Result<Ok> init_content_folder(const std::filesystem::path& dir) {
    std::error_code ec;
    if (std::filesystem::exists(dir / "content.toml", ec))
        return fail((dir / "content.toml").string(), ": already exists; not overwriting an editor's work");
    std::filesystem::create_directories(dir / "media", ec);
    if (ec) return fail(dir.string(), ": cannot create folder: ", ec.message());
    struct File {
        const char* name;
        std::string bytes;
    } files[] = {
        {"content.toml", kStarterToml},
        {"media/welcome.png", make_png(320, 180, 0xC8102E, 0xF2C14E)},       // party red to gold
        {"media/health-talk.png", make_png(320, 180, 0x1B6CA8, 0xE8F1F8)},   // blue to pale
        {"media/notice-vaccine.wav", make_wav_tone(1.0, 440.0)},
    };
    for (const auto& f : files)
        if (!write_file(dir / f.name, f.bytes)) return fail((dir / f.name).string(), ": cannot write");
    return Ok{};
}

}  // namespace station::content
