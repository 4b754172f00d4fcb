// Shared by the content tests: content folders and packages built on the spot.
#pragma once
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "content/crypto.h"
#include "content/package.h"

namespace station::content::test {

// Writes DIR/content.toml with one image item per file (files written with the given bytes), a
// playlist of them, a one-zone layout and an all-day schedule. Probing must be off for non-images.
inline void write_folder(const std::filesystem::path& dir, std::int64_t version,
                         const std::map<std::string, std::string>& files) {
    std::filesystem::create_directories(dir / "media");
    std::string toml = "[package]\nversion = " + std::to_string(version) + "\n";
    std::string ids;
    int n = 0;
    for (const auto& [name, bytes] : files) {
        std::ofstream(dir / "media" / name, std::ios::binary) << bytes;
        std::string id = "item" + std::to_string(n++);
        toml += "[[items]]\nid = \"" + id + "\"\nkind = \"image\"\nfile = \"media/" + name + "\"\n";
        ids += (ids.empty() ? "\"" : ", \"") + id + "\"";
    }
    toml += "[[playlists]]\nid = \"main\"\nitems = [" + ids + "]\n";
    toml += "[[layouts]]\nid = \"full\"\n[[layouts.zones]]\nid = \"main\"\nkind = \"media\"\nx = 0\ny = 0\n"
            "width = 1920\nheight = 1080\n";
    toml += "[[schedules]]\nid = \"always\"\nlayout = \"full\"\nzones = { main = \"main\" }\n";
    std::ofstream(dir / "content.toml") << toml;
}

// Packs DIR without media probing (the bytes need not be real images).
inline SignedManifest pack_unprobed(const std::filesystem::path& dir, const SecretKey& key,
                                    const std::filesystem::path& out) {
    PackOptions options;
    options.probe_media = false;
    options.created = "2026-11-25T08:00:00Z";
    auto summary = pack_folder(dir, key, out, options);
    if (!summary) throw std::runtime_error(summary.error().message);
    return summary->manifest;
}

inline std::string pattern_bytes(std::size_t size, unsigned seed) {
    std::string bytes(size, '\0');
    std::uint32_t x = seed * 2654435761u + 1;
    for (auto& c : bytes) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        c = static_cast<char>(x);
    }
    return bytes;
}

inline std::string read_all(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_all(const std::filesystem::path& file, const std::string& bytes) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

}  // namespace station::content::test
