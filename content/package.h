// The .spkg package: one file an editor signs and a kiosk verifies before anything changes.
//
// Container, format 1 (integers little-endian):
//   offset 0        8 bytes   magic "STNSPKG1"
//   offset 8        u32       manifest length M, 1 .. kMaxManifestBytes
//   offset 12       u32       signature length, always 64
//   offset 16       M bytes   manifest: UTF-8 JSON, below
//   offset 16+M     64 bytes  Ed25519 signature (libsodium crypto_sign_detached) over
//                             "station-spkg-signature-v1\n" followed by the M manifest bytes
//   offset 80+M     blobs, concatenated without padding in the order of the manifest's "blobs"
//                   array, each exactly its "size" bytes; the file ends with the last blob.
// The index of blobs is the signed manifest itself: blob i starts at 80 + M + sum of the sizes of
// blobs 0..i-1. Blobs are content-addressed: a blob's name is the SHA-256 of its bytes.
//
// Manifest:
//   { "format": 1, "version": 7, "created": "2026-11-25T02:39:36Z",
//     "author": { "key_id": "16 hex digits", "name": "editor" },
//     "content": { ...the content model, model.h... },
//     "files": [ { "path": "media/welcome.png", "sha256": "...", "size": 1234,
//                  "media": { "container": "png", "width": 640, ... } } ],
//     "blobs": [ { "sha256": "...", "size": 1234 } ] }
// Every file the content names is listed in "files"; every file's blob is in "blobs"; "blobs"
// holds no duplicates and nothing no file uses.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "content/crypto.h"
#include "content/model.h"
#include "content/result.h"

namespace station::content {

constexpr char kPackageMagic[9] = "STNSPKG1";
constexpr std::size_t kPackageHeaderBytes = 16;              // magic + two lengths
constexpr std::uint32_t kMaxManifestBytes = 4u << 20;        // larger manifests are refused unread
constexpr std::size_t kMaxBlobs = 100000;                    // blobs per package
constexpr std::uint64_t kMaxBlobBytes = 64ull << 30;         // one blob

struct BlobRef {
    std::string sha256;          // 64 lowercase hex digits
    std::uint64_t size = 0;      // bytes
    bool operator==(const BlobRef&) const = default;
};

struct FileEntry {
    std::string path;            // as the content names it ("media/welcome.png")
    std::string sha256;          // its blob
    std::uint64_t size = 0;      // bytes
    nlohmann::json media;        // probe result (media_probe.h), informative
};

struct Manifest {
    int format = 1;                     // container and manifest format
    std::int64_t version = 0;           // content version, from content.toml [package] version
    std::string created;                // UTC, ISO 8601
    std::string author_key_id;          // PublicKey::id() of the signer
    std::string author_name;            // the signer key's name, informative
    ContentModel content;               // items, playlists, layouts, schedules
    std::vector<FileEntry> files;       // every media file the content names
    std::vector<BlobRef> blobs;         // unique blobs, in package order

    const FileEntry* find_file(const std::string& path) const;  // nullptr when absent
    std::uint64_t blob_bytes() const;                           // sum of blob sizes
    nlohmann::json to_json() const;                             // the manifest object
};

// A manifest as signed: its exact bytes, the signature, and what they say.
struct SignedManifest {
    std::string bytes;                  // the manifest JSON exactly as signed
    SignatureBytes signature{};         // Ed25519 over the domain tag + bytes
    Manifest manifest;                  // parsed and validated
    std::string digest() const;         // SHA-256 of bytes, hex: identifies this exact manifest
    std::string head() const;           // header + manifest + signature: a package without blobs
    std::uint64_t blob_offset(std::size_t index) const;  // where blob `index` starts in the package
};

// Keys a verifier trusts (from the kiosk's config and --trust-key files).
struct TrustedKeys {
    std::vector<PublicKey> keys;
    const PublicKey* find(const std::string& key_id) const;  // nullptr when not trusted
};

// Replay policy: a version older than the active one is refused unless it is a rollback.
struct VersionPolicy {
    std::int64_t active_version = 0;    // 0 when nothing is active
    bool allow_rollback = false;        // true: an older version is an explicit rollback
};

// Parses and validates manifest JSON (no signature check); errors name "manifest: FIELD".
Result<Manifest> parse_manifest(std::string_view bytes);

// Checks the signature against trusted keys, then parses; refuses unknown keys and replays.
Result<SignedManifest> verify_manifest(std::string bytes, const SignatureBytes& signature,
                                       const TrustedKeys& trusted, const VersionPolicy& policy = {});

// Reads the manifest length from the 16 header bytes; refuses bad magic and oversized manifests.
Result<std::uint32_t> parse_package_header(std::string_view header);

// Verifies a package head (header + manifest + signature, as SignedManifest::head() writes).
Result<SignedManifest> verify_package_head(std::string_view head, const TrustedKeys& trusted,
                                           const VersionPolicy& policy = {});

// Reads and verifies the head of a package file (blobs are not read).
Result<SignedManifest> read_package_head(const std::filesystem::path& file, const TrustedKeys& trusted,
                                         const VersionPolicy& policy = {});

// Full check of a package file: head, then every blob's size and SHA-256, and the exact length.
Result<SignedManifest> verify_package(const std::filesystem::path& file, const TrustedKeys& trusted,
                                      const VersionPolicy& policy = {});

// Reports progress while packing: bytes done, bytes in all, the file being read.
using PackProgress = std::function<void(std::uint64_t done, std::uint64_t total, const std::string& file)>;

struct PackOptions {
    std::optional<std::int64_t> version;   // overrides content.toml's [package] version
    std::string created;                   // "" = now (UTC)
    PackProgress progress;                 // may be empty
    bool probe_media = true;               // false skips libvlc probing (tests of the container)
};

struct PackSummary {
    SignedManifest manifest;
    std::uint64_t package_bytes = 0;       // size of the written file
};

// Validates DIR/content.toml, probes and hashes every media file, signs, and writes the package
// to `out` atomically (a temporary file renamed into place). Errors name the file and reason.
Result<PackSummary> pack_folder(const std::filesystem::path& dir, const SecretKey& key,
                                const std::filesystem::path& out, const PackOptions& options = {});

// Builds a package from parts (used by pack_folder and by tests to build hostile packages).
std::string package_bytes(const SignedManifest& manifest, const std::vector<std::string>& blobs);

// Signs manifest JSON bytes with `key` into a SignedManifest (manifest must parse).
Result<SignedManifest> sign_manifest(std::string bytes, const SecretKey& key);

std::string utc_now_iso8601();  // "2026-11-25T02:39:36Z"

}  // namespace station::content
