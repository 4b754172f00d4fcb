// The editor's side of content: a starter folder to edit, and small media files generated on the
// spot (no downloads, nothing large committed).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

#include "content/result.h"

namespace station::content {

// Creates DIR (empty or absent) with content.toml (items, playlists, a public-display layout,
// schedules), media/*.png and a narration clip, all valid for `stationctl content pack`.
// Refuses a folder that already holds a content.toml.
Result<Ok> init_content_folder(const std::filesystem::path& dir);

// An RGB PNG (8-bit, stored deflate blocks) of a vertical gradient from top_rgb to bottom_rgb.
std::string make_png(int width, int height, std::uint32_t top_rgb, std::uint32_t bottom_rgb);

// A mono 16-bit PCM WAV of a sine tone.
std::string make_wav_tone(double seconds, double frequency_hz, int sample_rate = 22050);

}  // namespace station::content
