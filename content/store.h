// The kiosk's content store: content-addressed blobs, complete versions, and an atomic switch
// between them, so a power cut at any instant leaves the old or the new version, never a mix.
//
// Layout under ROOT (the kiosk's var/content/):
//   lock                       flock(2) held by every operation that changes versions
//   blobs/ab/<sha256>          complete, verified blobs (0444); written to tmp/, hashed while
//                              written, fsynced, renamed here, directory fsynced
//   tmp/                       blobs and links being written; emptied by open()
//   uploads/<sha256>.part      resumable uploads (kept across restarts until committed)
//   pending.spkghead           a pushed package head (header + manifest + signature) whose blobs
//                              are still arriving; written atomically
//   versions/v<16 digits>/manifest.{json,sig}  a complete version (prepared in versions/.stage-*,
//                              fsynced, renamed into place); its blobs are durable before it is
//   current -> versions/v...   symlink; activation writes current.new and renames it over
//                              current, then fsyncs ROOT
// "previous" is the newest kept version older than the active one; rollback() activates it.
// Only the `keep_versions` newest versions (and always the active one) are kept; blobs no kept
// or pending version names are collected, oldest versions first, and a push whose missing blobs
// would not fit the quota or the free disk space is refused before it starts.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "content/package.h"
#include "content/result.h"

namespace station::content {

struct StoreOptions {
    int keep_versions = 3;                   // versions kept for rollback (>= 2), active included
    std::uint64_t quota_bytes = 0;           // blobs may use at most this much; 0 = no quota
    std::uint64_t reserve_bytes = 64u << 20; // free disk space a push must leave
    int gc_grace_s = 3600;                   // unreferenced blobs younger than this are kept
};

struct VersionInfo {
    std::int64_t version = 0;                // content version
    std::string created;                     // from the manifest
    std::string author_key_id;               // signer
    std::string author_name;                 // signer's key name
    std::string manifest_sha256;             // SHA-256 of the signed manifest bytes
    std::uint64_t blob_bytes = 0;            // total size of its blobs
    nlohmann::json to_json() const;          // {"version", "created", "author", "manifest_sha256", "bytes"}
};

struct StoreStatus {
    std::optional<VersionInfo> active;       // what the player shows
    std::optional<VersionInfo> previous;     // what rollback() would activate
    std::optional<VersionInfo> pending;      // a push in progress
    std::vector<VersionInfo> versions;       // all kept versions, newest first
    std::uint64_t blob_bytes = 0;            // bytes in blobs/
    nlohmann::json to_json() const;          // GET /api/v1/content's body
};

// The active version, ready for the player: manifest plus where each media file lies.
struct ActiveContent {
    VersionInfo info;
    Manifest manifest;
    std::filesystem::path store_root;
    std::filesystem::path media_path(const std::string& file) const;  // blob path; empty if unknown
};

class ContentStore;

// One resumable upload of a blob (push): bytes are appended to uploads/<sha>.part; commit()
// checks size and SHA-256, fsyncs and renames into blobs/. Holds an exclusive lock on the part
// file, so two pushes cannot interleave bytes of one blob. Not thread-safe.
class BlobUpload {
public:
    BlobUpload(BlobUpload&&) noexcept;
    BlobUpload& operator=(BlobUpload&&) noexcept;
    ~BlobUpload();                                          // closes; the part stays for resume

    const BlobRef& blob() const { return blob_; }
    std::uint64_t offset() const { return offset_; }        // bytes held; resume from here
    bool complete() const { return done_; }                 // already in the store
    // Appends bytes that start at `at`; `at` must equal offset() (else nothing changes and the
    // error says the offset to resume from); never past blob().size.
    Result<Ok> append(std::uint64_t at, std::string_view bytes);
    // All bytes here: verifies and moves into the store. A hash mismatch discards the part.
    Result<Ok> commit();

private:
    friend class ContentStore;
    BlobUpload() = default;
    std::filesystem::path root_;
    BlobRef blob_;
    int fd_ = -1;
    std::uint64_t offset_ = 0;
    bool done_ = false;
};

struct ImportOptions {
    bool allow_rollback = false;             // accept a version older than the active one
    bool activate = true;                    // false: prepare only (activate() later)
};

class ContentStore {
public:
    // Opens (creating if needed) the store at root; removes half-written temporaries left by a
    // crash (tmp/, versions/.stage-*, current.new). Never touches complete blobs or versions.
    static Result<ContentStore> open(const std::filesystem::path& root, const StoreOptions& options = {});

    const std::filesystem::path& root() const { return root_; }
    std::filesystem::path blob_path(const std::string& sha256) const;   // where a blob lives
    bool has_blob(const BlobRef& blob) const;                           // present with that size
    std::vector<BlobRef> missing_blobs(const Manifest& manifest) const; // what a push must send

    // Space check before a push or import: the missing bytes must fit the quota (after what GC
    // could free) and leave reserve_bytes free on the disk.
    Result<Ok> check_space(const Manifest& manifest) const;

    // Starts a push: records the manifest as pending (after the caller verified it) and returns
    // the blobs to send. Refuses a replay (older than active, unless rollback) and space misses.
    Result<std::vector<BlobRef>> begin_push(const SignedManifest& manifest, bool allow_rollback = false);
    // Opens (or resumes) the upload of one blob of the pending manifest.
    Result<BlobUpload> begin_upload(const BlobRef& blob);
    // The pending push's manifest (as verified on arrival); error when no push is in progress.
    Result<SignedManifest> pending() const;
    // Prepares the pending version (all blobs present) and activates it; clears pending.
    Result<VersionInfo> finish_push(bool activate = true);

    // Verified package file → store: copies missing blobs (hashing), prepares, activates.
    Result<VersionInfo> import_package(const std::filesystem::path& file, const TrustedKeys& trusted,
                                       const ImportOptions& options = {});
    // Writes one blob from a stream of exactly blob.size bytes (hash checked); no-op if present.
    Result<Ok> write_blob(const BlobRef& blob, const std::function<std::size_t(char*, std::size_t)>& read);

    // Prepares versions/vN from a verified manifest whose blobs are all present (idempotent).
    Result<VersionInfo> prepare(const SignedManifest& manifest);
    // Switches `current` to prepared version N atomically; then prunes old versions and blobs.
    Result<VersionInfo> activate(std::int64_t version);
    Result<VersionInfo> rollback();                          // activates the previous version

    Result<ActiveContent> active() const;                    // the active version; error if none
    StoreStatus status() const;                              // versions, pending, bytes
    std::optional<std::int64_t> active_version() const;      // nullopt when nothing is active

    // Checks that current names a complete version, every kept version's manifest parses and
    // its blobs exist with the right size (and, with hash_blobs, the right SHA-256).
    Result<Ok> check_integrity(bool hash_blobs = true) const;
    // Removes versions beyond keep_versions and blobs nothing kept or pending uses; bytes freed.
    Result<std::uint64_t> collect_garbage();

private:
    Result<std::uint64_t> collect_garbage_locked();          // collect_garbage() with the lock held
    ContentStore(std::filesystem::path root, StoreOptions options) : root_(std::move(root)), options_(options) {}
    std::filesystem::path root_;
    StoreOptions options_;
};

}  // namespace station::content
