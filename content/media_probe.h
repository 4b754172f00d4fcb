// Media probing before packing: what a file is (container, codecs, resolution, duration) and
// whether the kiosk can play it. Videos and narration clips are probed with libvlc (the kiosk's
// own player, so "it probes" means "it will open"); images by their headers (PNG, JPEG, WebP,
// which SDL_image decodes on the kiosk).
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "content/model.h"
#include "content/result.h"

namespace station::content {

enum class MediaRole { video, image, narration };  // what the content model uses the file for

struct MediaInfo {
    std::string container;       // "mp4", "matroska", "mpeg-ts", "wav", "mp3", "ogg", "png", ...
    std::string video_codec;     // libvlc fourcc as text ("h264"), "" when none
    std::string audio_codec;     // libvlc fourcc as text ("mp4a"), "" when none
    int width = 0, height = 0;   // pixels; 0 when no picture
    std::int64_t duration_ms = 0;  // 0 for images
    nlohmann::json to_json() const;  // {"container", "video_codec", ...}, empty fields left out
};

// Limits of what the kiosk plays (a 1080p screen on a modest x86 box, libvlc + SDL).
constexpr int kMaxVideoLongSide = 1920;
constexpr int kMaxVideoShortSide = 1080;
constexpr int kMaxImageSide = 8192;
constexpr std::int64_t kMaxDurationMs = 2 * 3600 * 1000;

// Probes files; owns one libvlc instance (--no-audio --intf=dummy), created on first use.
// Not thread-safe: one per thread.
class MediaProber {
public:
    MediaProber();
    ~MediaProber();
    MediaProber(const MediaProber&) = delete;
    MediaProber& operator=(const MediaProber&) = delete;

    // What the file is and whether it plays in `role`; the error names the file and the reason
    // ("media/a.avi: video codec 'DIV3' (DivX 3) is not playable; use H.264, VP8 or VP9").
    Result<MediaInfo> probe(const std::filesystem::path& file, MediaRole role,
                            const std::string& display_name);

private:
    struct Vlc;
    std::unique_ptr<Vlc> vlc_;
};

}  // namespace station::content
