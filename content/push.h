// Push: an editor's machine sends a package to kiosks over their HTTP API, only the blobs each
// one lacks, resumably. Both ends live here so the protocol is defined and tested in one place;
// kiosk/api wires PushReceiver to its routes (behind its token auth) and stationctl uses
// push_package().
//
// Protocol (all under the kiosk's API, "Authorization: Bearer TOKEN"):
//   POST /api/v1/content/push[?rollback=1]   body: package head (header + manifest + signature)
//        → 200 {"version", "missing": [{"sha256", "size", "offset"}]}   offset: bytes already held
//        → 400 {"error"} bad package / untrusted key / tampered;  409 {"error"} replay, same
//          version with other content;  507 {"error"} would not fit (quota or disk)
//   GET  /api/v1/content/blobs/{sha256}      → 200 {"offset", "size", "complete"}
//   PUT  /api/v1/content/blobs/{sha256}?offset=N   body: the blob's bytes from N (any length)
//        → 200 {"offset", "complete"};  409 {"error", "offset"} wrong N: resume from "offset";
//          423 {"error"} another connection is sending this blob;  400 {"error"} hash mismatch
//   POST /api/v1/content/activate             → 200 {"active": {...}};  409 {"error"} blobs missing
//   POST /api/v1/content/rollback             → 200 {"active": {...}};  409 {"error"}
//   GET  /api/v1/content                      → 200 ContentStore::status().to_json()
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "content/package.h"
#include "content/result.h"
#include "content/store.h"

namespace httplib {
class Client;
enum class Error;
}  // namespace httplib

namespace station::content {

struct PushReply {
    int status = 200;            // HTTP status to answer with
    nlohmann::json body;         // JSON body; errors carry {"error": "..."} naming what and where
};

// Reads a request body in chunks: calls `receive` for each; false from `receive` stops it.
// (httplib's ContentReader fits: [&](auto receive) { return reader(receive); }.)
using BodyReader = std::function<bool(const std::function<bool(const char*, std::size_t)>& receive)>;

// The kiosk's side, transport-neutral. Thread-safe: one per store, shared by API workers.
class PushReceiver {
public:
    PushReceiver(ContentStore& store, TrustedKeys trusted);  // store outlives the receiver
    PushReply offer(std::string_view head, bool allow_rollback);                       // POST push
    PushReply blob_status(const std::string& sha256);                                   // GET blob
    PushReply put_blob(const std::string& sha256, std::uint64_t offset, const BodyReader& body);  // PUT blob
    PushReply activate();                                                               // POST activate
    PushReply rollback();                                                               // POST rollback
    PushReply status();                                                                 // GET content

private:
    Result<BlobRef> pending_blob(const std::string& sha256);
    ContentStore& store_;
    TrustedKeys trusted_;
    std::mutex mutex_;           // guards offer/activate/rollback sequencing (not blob bytes)
};

struct PushOptions {
    std::string token;                          // bearer token from POST /api/v1/login
    bool allow_rollback = false;                // send ?rollback=1
    std::size_t chunk_bytes = 4u << 20;         // bytes per PUT
    int timeout_ms = 30000;                     // per request
    // Progress: bytes sent so far and bytes to send in all (the missing blobs' remainders).
    std::function<void(std::uint64_t sent, std::uint64_t total)> progress;
    // Called once on the HTTP client before its first request: the caller's https:// policy, e.g.
    // stationctl's certificate pin (admin/client/tls.h apply_tls_check). Content knows no TLS policy;
    // without it an https:// kiosk gets httplib's normal CA verification.
    std::function<void(httplib::Client&)> prepare_client;
    // Words for a request that got no reply at all (default: "cannot reach the kiosk: " and
    // httplib's name for the error); e.g. a pin mismatch with both fingerprints.
    std::function<std::string(httplib::Error)> transport_error;
};

struct PushOutcome {
    std::int64_t version = 0;                   // version now active on the kiosk
    std::size_t blobs_sent = 0;                 // blobs the kiosk lacked (sent wholly or in part)
    std::uint64_t bytes_sent = 0;               // blob bytes sent in this push
    nlohmann::json to_json() const;             // {"version", "blobs_sent", "bytes_sent"}
};

// Pushes a package file to one kiosk (base_url "http://HOST:PORT") and activates it there.
// Blocking; run one per thread for several kiosks. Errors name the kiosk and the step.
Result<PushOutcome> push_package(const std::filesystem::path& package, const std::string& base_url,
                                 const PushOptions& options);

}  // namespace station::content
