// Pull: a kiosk follows a channel on any static HTTP origin (nginx, MinIO/S3 public bucket).
//
// The origin holds packages as published (.spkg) and one small channel file per channel:
//   { "version": 7, "package": "district-7-v7.spkg" }
// ("package" is a path on the same origin, relative to the channel file's folder, or absolute
// from "/"). A poll reads the channel file; when its version is newer than the active one it
// fetches the package head (header, manifest, signature) with HTTP Range requests, verifies it
// against the trusted keys exactly as a pushed or imported package, then fetches only the
// blobs the store lacks, each by Range from its offset in the package, straight into the store's
// resumable uploads (a poll that stops part-way resumes at the next poll), and activates.
// Runs on a worker thread; blocking; one PullClient per thread.
#pragma once
#include <cstdint>
#include <string>

#include "content/package.h"
#include "content/result.h"
#include "content/store.h"

namespace station::content {

struct PullOptions {
    std::string origin;                  // "http://HOST[:PORT]" (https when built with TLS)
    std::string channel_path;            // "/channels/district-7.json"
    int timeout_ms = 10000;              // per request (connect and read)
    std::uint64_t max_bytes_per_poll = 0;  // stop after this many blob bytes (metered links); 0 = no cap
};

struct PullResult {
    bool updated = false;                // true when a new version was activated
    bool complete = true;                // false when max_bytes_per_poll stopped it part-way
    std::int64_t channel_version = 0;    // what the channel file announced
    std::size_t blobs_fetched = 0;       // blobs completed in this poll
    std::uint64_t bytes_fetched = 0;     // blob bytes received in this poll (head excluded)
    VersionInfo active;                  // the active version after the poll
};

class PullClient {
public:
    PullClient(PullOptions options, TrustedKeys trusted);
    // One poll; errors name the URL and what was wrong (HTTP status, no Range support, checks).
    Result<PullResult> poll(ContentStore& store);

private:
    PullOptions options_;
    TrustedKeys trusted_;
};

}  // namespace station::content
