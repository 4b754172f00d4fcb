#include "content/media_probe.h"

#include <vlc/vlc.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <set>
#include <thread>

namespace station::content {
namespace {

std::string read_head(const std::filesystem::path& file, std::size_t size) {
    std::ifstream in(file, std::ios::binary);
    std::string head(size, '\0');
    in.read(head.data(), static_cast<std::streamsize>(size));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head;
}

std::uint32_t be(const std::string& s, std::size_t at, int bytes) {
    std::uint32_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
    return v;
}
std::uint32_t le(const std::string& s, std::size_t at, int bytes) {
    std::uint32_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
    return v;
}

// Container by magic bytes; libvlc does not report its demuxer.
std::string sniff_container(const std::string& h) {
    if (h.size() >= 12 && h.compare(4, 4, "ftyp") == 0) return h.compare(8, 2, "qt") == 0 ? "mov" : "mp4";
    if (h.size() >= 4 && be(h, 0, 4) == 0x1A45DFA3) return h.find("webm") != std::string::npos ? "webm" : "matroska";
    if (h.size() >= 377 && h[0] == 0x47 && h[188] == 0x47 && h[376] == 0x47) return "mpeg-ts";
    if (h.size() >= 12 && h.compare(0, 4, "RIFF") == 0 && h.compare(8, 4, "WAVE") == 0) return "wav";
    if (h.size() >= 12 && h.compare(0, 4, "RIFF") == 0 && h.compare(8, 4, "AVI ") == 0) return "avi";
    if (h.size() >= 12 && h.compare(0, 4, "RIFF") == 0 && h.compare(8, 4, "WEBP") == 0) return "webp";
    if (h.size() >= 4 && h.compare(0, 4, "OggS") == 0) return "ogg";
    if (h.size() >= 3 && h.compare(0, 3, "ID3") == 0) return "mp3";
    if (h.size() >= 2 && static_cast<unsigned char>(h[0]) == 0xFF && (static_cast<unsigned char>(h[1]) & 0xE0) == 0xE0)
        return "mp3";
    if (h.size() >= 8 && h.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) return "png";
    if (h.size() >= 3 && be(h, 0, 3) == 0xFFD8FF) return "jpeg";
    if (h.size() >= 4 && h.compare(0, 4, "GIF8") == 0) return "gif";
    if (h.size() >= 2 && h.compare(0, 2, "BM") == 0) return "bmp";
    return "unknown";
}

std::string fourcc_text(std::uint32_t codec) {
    std::string s(4, ' ');
    for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((codec >> (8 * i)) & 0xFF);
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

Result<MediaInfo> probe_image(const std::filesystem::path& file, const std::string& name) {
    std::error_code ec;
    auto size = std::filesystem::file_size(file, ec);
    std::string h = read_head(file, std::min<std::uintmax_t>(size, 1 << 20));
    MediaInfo info;
    info.container = sniff_container(h);
    if (info.container == "png") {
        if (h.size() < 24 || h.compare(12, 4, "IHDR") != 0) return fail(name, ": PNG without an IHDR header");
        info.width = static_cast<int>(be(h, 16, 4));
        info.height = static_cast<int>(be(h, 20, 4));
    } else if (info.container == "jpeg") {
        // Walk the JPEG segments to the first SOFn (ITU T.81 B.2.2): height then width.
        std::size_t at = 2;
        while (at + 9 < h.size() && static_cast<unsigned char>(h[at]) == 0xFF) {
            unsigned marker = static_cast<unsigned char>(h[at + 1]);
            std::uint32_t length = be(h, at + 2, 2);
            bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                info.height = static_cast<int>(be(h, at + 5, 2));
                info.width = static_cast<int>(be(h, at + 7, 2));
                break;
            }
            at += 2 + length;
        }
        if (info.width == 0) return fail(name, ": JPEG without a frame header (SOF)");
    } else if (info.container == "webp") {
        if (h.size() >= 30 && h.compare(12, 4, "VP8 ") == 0) {
            info.width = static_cast<int>(le(h, 26, 2) & 0x3FFF);
            info.height = static_cast<int>(le(h, 28, 2) & 0x3FFF);
        } else if (h.size() >= 25 && h.compare(12, 4, "VP8L") == 0) {
            std::uint32_t bits = le(h, 21, 4);
            info.width = static_cast<int>((bits & 0x3FFF) + 1);
            info.height = static_cast<int>(((bits >> 14) & 0x3FFF) + 1);
        } else if (h.size() >= 30 && h.compare(12, 4, "VP8X") == 0) {
            info.width = static_cast<int>(le(h, 24, 3) + 1);
            info.height = static_cast<int>(le(h, 27, 3) + 1);
        } else {
            return fail(name, ": WebP with an unknown chunk layout");
        }
    } else {
        return fail(name, ": ", info.container == "unknown" ? "not an image" : info.container + " image",
                    " is not playable; use PNG, JPEG or WebP");
    }
    if (info.width <= 0 || info.height <= 0) return fail(name, ": image has no size");
    if (info.width > kMaxImageSide || info.height > kMaxImageSide)
        return fail(name, ": image is ", info.width, "x", info.height, ", larger than ", kMaxImageSide, " px a side");
    return info;
}

}  // namespace

nlohmann::json MediaInfo::to_json() const {
    nlohmann::json j = {{"container", container}};
    if (!video_codec.empty()) j["video_codec"] = video_codec;
    if (!audio_codec.empty()) j["audio_codec"] = audio_codec;
    if (width) j["width"] = width;
    if (height) j["height"] = height;
    if (duration_ms) j["duration_ms"] = duration_ms;
    return j;
}

struct MediaProber::Vlc {
    libvlc_instance_t* instance = nullptr;
    ~Vlc() {
        if (instance) libvlc_release(instance);
    }
};

MediaProber::MediaProber() : vlc_(std::make_unique<Vlc>()) {}
MediaProber::~MediaProber() = default;

Result<MediaInfo> MediaProber::probe(const std::filesystem::path& file, MediaRole role,
                                     const std::string& name) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return fail(name, ": file not found");
    if (std::filesystem::file_size(file, ec) == 0) return fail(name, ": empty file");
    if (role == MediaRole::image) return probe_image(file, name);

    MediaInfo info;
    info.container = sniff_container(read_head(file, 512));
    static const std::set<std::string> video_containers = {"mp4", "mov", "matroska", "webm", "mpeg-ts"};
    static const std::set<std::string> audio_containers = {"wav", "mp3", "ogg", "mp4"};
    const auto& containers = role == MediaRole::video ? video_containers : audio_containers;
    if (!containers.count(info.container))
        return fail(name, ": container '", info.container, "' is not playable; use ",
                    role == MediaRole::video ? "MP4, Matroska/WebM or MPEG-TS" : "WAV, MP3, Ogg or M4A");

    if (!vlc_->instance) {
        const char* args[] = {"--no-audio", "--intf=dummy", "--quiet", "--no-video-title-show"};
        vlc_->instance = libvlc_new(4, args);
        if (!vlc_->instance) return fail(name, ": cannot start libvlc to probe it (is vlc-plugin-base installed?)");
    }
    libvlc_media_t* media = libvlc_media_new_path(vlc_->instance, file.c_str());
    if (!media) return fail(name, ": libvlc cannot open it");
    struct Release {
        libvlc_media_t* m;
        ~Release() { libvlc_media_release(m); }
    } release{media};
    // Poll instead of a parsed-changed callback: nothing here runs on libvlc's threads.
    if (libvlc_media_parse_with_options(media, libvlc_media_parse_local, 10000) != 0)
        return fail(name, ": libvlc refused to parse it");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    libvlc_media_parsed_status_t status;
    while ((status = libvlc_media_get_parsed_status(media)) == 0) {
        if (std::chrono::steady_clock::now() > deadline) return fail(name, ": libvlc took too long to probe it");
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (status != libvlc_media_parsed_status_done) return fail(name, ": libvlc could not parse it");
    info.duration_ms = libvlc_media_get_duration(media);
    libvlc_media_track_t** tracks = nullptr;
    unsigned count = libvlc_media_tracks_get(media, &tracks);
    std::string unplayable;
    for (unsigned i = 0; i < count; ++i) {
        const auto* t = tracks[i];
        if (t->i_type == libvlc_track_video && info.video_codec.empty()) {
            info.video_codec = fourcc_text(t->i_codec);
            info.width = static_cast<int>(t->video->i_width);
            info.height = static_cast<int>(t->video->i_height);
            const char* description = libvlc_media_get_codec_description(t->i_type, t->i_codec);
            if (description && *description) unplayable = description;
        } else if (t->i_type == libvlc_track_audio && info.audio_codec.empty()) {
            info.audio_codec = fourcc_text(t->i_codec);
        }
    }
    libvlc_media_tracks_release(tracks, count);

    static const std::set<std::string> video_codecs = {"h264", "VP80", "VP90"};
    static const std::set<std::string> audio_codecs = {"mp4a", "mpga", "mp3", "opus", "vorb", "araw", "s16l", "s16b",
                                                       "u8"};
    if (role == MediaRole::video) {
        if (info.video_codec.empty()) return fail(name, ": no video track found (not a video, or damaged)");
        if (!video_codecs.count(info.video_codec))
            return fail(name, ": video codec '", info.video_codec, "'", unplayable.empty() ? "" : " (" + unplayable + ")",
                        " is not playable; use H.264, VP8 or VP9");
        int long_side = std::max(info.width, info.height), short_side = std::min(info.width, info.height);
        if (info.width <= 0 || info.height <= 0) return fail(name, ": video has no picture size");
        if (long_side > kMaxVideoLongSide || short_side > kMaxVideoShortSide)
            return fail(name, ": video is ", info.width, "x", info.height, "; the kiosk plays at most ",
                        kMaxVideoLongSide, "x", kMaxVideoShortSide, " (either orientation)");
    } else {
        if (!info.video_codec.empty()) return fail(name, ": narration must be audio only, found a video track");
        if (info.audio_codec.empty()) return fail(name, ": no audio track found (not audio, or damaged)");
    }
    if (!info.audio_codec.empty() && !audio_codecs.count(info.audio_codec))
        return fail(name, ": audio codec '", info.audio_codec, "' is not playable; use AAC, MP3, Opus, Vorbis or PCM");
    if (info.duration_ms <= 0) return fail(name, ": has no duration (damaged or a live stream?)");
    if (info.duration_ms > kMaxDurationMs)
        return fail(name, ": lasts ", info.duration_ms / 60000, " min, longer than the ", kMaxDurationMs / 60000,
                    " min limit");
    return info;
}

}  // namespace station::content
