#include "content/push.h"

#include <httplib.h>

#include <cstdio>

namespace station::content {
namespace {

PushReply error_reply(int status, const std::string& message) { return {status, {{"error", message}}}; }

}  // namespace

nlohmann::json PushOutcome::to_json() const {
    return {{"version", version}, {"blobs_sent", blobs_sent}, {"bytes_sent", bytes_sent}};
}

// ---- kiosk side ----

PushReceiver::PushReceiver(ContentStore& store, TrustedKeys trusted) : store_(store), trusted_(std::move(trusted)) {}

PushReply PushReceiver::offer(std::string_view head, bool allow_rollback) {
    std::lock_guard lock(mutex_);
    auto sm = verify_package_head(head, trusted_);
    if (!sm) return error_reply(400, sm.error().message);
    auto active = store_.active_version();
    if (active && sm->manifest.version < *active && !allow_rollback)
        return error_reply(409, "version " + std::to_string(sm->manifest.version) + " is older than the active version " +
                                    std::to_string(*active) + " (a replay?); refused unless it is an explicit rollback");
    if (auto space = store_.check_space(sm->manifest); !space) return error_reply(507, space.error().message);
    auto missing = store_.begin_push(*sm, allow_rollback);
    if (!missing) return error_reply(409, missing.error().message);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& blob : *missing) {
        std::uint64_t offset = 0;
        if (auto upload = store_.begin_upload(blob)) {
            offset = upload->offset();
            // Every byte arrived but the commit did not (a crash between the two): commit now, or
            // the sender, seeing nothing left to send, would never trigger it.
            if (offset == blob.size && !upload->complete()) {
                if (upload->commit()) continue;  // in the store now: not missing
                offset = 0;                      // hash mismatch: the part was discarded
            }
            if (upload->complete()) continue;
        }
        list.push_back({{"sha256", blob.sha256}, {"size", blob.size}, {"offset", offset}});
    }
    return {200, {{"version", sm->manifest.version}, {"missing", list}}};
}

Result<BlobRef> PushReceiver::pending_blob(const std::string& sha256) {
    auto pending = store_.pending();
    if (!pending) return pending.error();
    for (const auto& b : pending->manifest.blobs)
        if (b.sha256 == sha256) return b;
    return fail("blob ", sha256, " is not part of the pending version ", pending->manifest.version);
}

PushReply PushReceiver::blob_status(const std::string& sha256) {
    auto blob = pending_blob(sha256);
    if (!blob) return error_reply(404, blob.error().message);
    auto upload = store_.begin_upload(*blob);
    if (!upload) return error_reply(423, upload.error().message);
    return {200, {{"offset", upload->offset()}, {"size", blob->size}, {"complete", upload->complete()}}};
}

PushReply PushReceiver::put_blob(const std::string& sha256, std::uint64_t offset, const BodyReader& body) {
    auto blob = pending_blob(sha256);
    if (!blob) return error_reply(404, blob.error().message);
    auto upload = store_.begin_upload(*blob);
    if (!upload) return error_reply(423, upload.error().message);
    if (upload->complete()) return {200, {{"offset", blob->size}, {"complete", true}}};
    if (offset != upload->offset())
        return {409, {{"error", "blob " + sha256 + ": upload is at byte " + std::to_string(upload->offset()) + ", not " +
                                    std::to_string(offset) + "; resume from there"},
                      {"offset", upload->offset()}}};
    Error problem;
    body([&](const char* data, std::size_t size) {
        auto appended = upload->append(upload->offset(), std::string_view(data, size));
        if (!appended) problem = appended.error();
        return static_cast<bool>(appended);
    });
    // What arrived before a dropped connection or an error stays; the sender resumes.
    if (!problem.message.empty()) return {400, {{"error", problem.message}, {"offset", upload->offset()}}};
    if (upload->offset() == blob->size) {
        auto committed = upload->commit();
        if (!committed) return {400, {{"error", committed.error().message}, {"offset", upload->offset()}}};
    }
    return {200, {{"offset", upload->offset()}, {"complete", upload->complete()}}};
}

PushReply PushReceiver::activate() {
    std::lock_guard lock(mutex_);
    auto info = store_.finish_push(true);
    if (!info) return error_reply(409, info.error().message);
    return {200, {{"active", info->to_json()}}};
}

PushReply PushReceiver::rollback() {
    std::lock_guard lock(mutex_);
    auto info = store_.rollback();
    if (!info) return error_reply(409, info.error().message);
    return {200, {{"active", info->to_json()}}};
}

PushReply PushReceiver::status() { return {200, store_.status().to_json()}; }

// ---- editor side ----

Result<PushOutcome> push_package(const std::filesystem::path& package, const std::string& base_url,
                                 const PushOptions& options) {
    // The head as the file holds it; the kiosk does every check itself.
    std::FILE* f = std::fopen(package.c_str(), "rb");
    if (!f) return fail(package.string(), ": cannot open");
    struct Close {
        std::FILE* f;
        ~Close() { std::fclose(f); }
    } close{f};
    std::string head(kPackageHeaderBytes, '\0');
    head.resize(std::fread(head.data(), 1, head.size(), f));
    auto manifest_size = parse_package_header(head);
    if (!manifest_size) return fail(package.string(), ": ", manifest_size.error().message);
    std::string rest(*manifest_size + 64, '\0');
    if (std::fread(rest.data(), 1, rest.size(), f) != rest.size()) return fail(package.string(), ": truncated");
    head += rest;
    auto manifest = parse_manifest(std::string_view(rest).substr(0, *manifest_size));
    if (!manifest) return fail(package.string(), ": ", manifest.error().message);
    SignedManifest layout;  // for blob offsets only
    layout.bytes = rest.substr(0, *manifest_size);
    layout.manifest = *manifest;

    httplib::Client http(base_url);
    http.set_connection_timeout(std::chrono::milliseconds(options.timeout_ms));
    http.set_read_timeout(std::chrono::milliseconds(options.timeout_ms));
    http.set_write_timeout(std::chrono::milliseconds(options.timeout_ms));
    http.set_keep_alive(true);
    if (options.prepare_client) options.prepare_client(http);
    httplib::Headers auth;
    if (!options.token.empty()) auth.emplace("Authorization", "Bearer " + options.token);
    auto reply_error = [&](const char* step, const httplib::Result& r) -> Error {
        if (!r)
            return fail(base_url, ": ", step, ": ",
                        options.transport_error ? options.transport_error(r.error())
                                                : "cannot reach the kiosk: " + httplib::to_string(r.error()));
        auto body = nlohmann::json::parse(r->body, nullptr, false);
        std::string said = body.is_object() && body.contains("error") && body["error"].is_string()
                               ? body["error"].get<std::string>()
                               : r->body.substr(0, 200);
        return fail(base_url, ": ", step, ": HTTP ", r->status, ": ", said);
    };

    auto offered = http.Post(std::string("/api/v1/content/push") + (options.allow_rollback ? "?rollback=1" : ""),
                             auth, head, "application/octet-stream");
    if (!offered || offered->status != 200) return reply_error("offer", offered);
    auto offer = nlohmann::json::parse(offered->body, nullptr, false);
    if (!offer.is_object() || !offer.contains("missing") || !offer["missing"].is_array())
        return fail(base_url, ": offer: unexpected reply");

    PushOutcome outcome;
    std::uint64_t total = 0;
    for (const auto& m : offer["missing"]) total += m.value("size", std::uint64_t(0)) - m.value("offset", std::uint64_t(0));
    std::vector<char> buffer;
    for (const auto& m : offer["missing"]) {
        std::string sha = m.value("sha256", "");
        std::size_t index = 0;
        while (index < manifest->blobs.size() && manifest->blobs[index].sha256 != sha) ++index;
        if (index == manifest->blobs.size()) return fail(base_url, ": asked for blob ", sha, ", which is not in the package");
        const BlobRef& blob = manifest->blobs[index];
        std::uint64_t offset = m.value("offset", std::uint64_t(0));
        ++outcome.blobs_sent;
        int conflicts = 0;
        while (offset < blob.size) {
            std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(options.chunk_bytes, blob.size - offset));
            buffer.resize(chunk);
            std::fseek(f, static_cast<long>(layout.blob_offset(index) + offset), SEEK_SET);
            if (std::fread(buffer.data(), 1, chunk, f) != chunk) return fail(package.string(), ": truncated in blob ", sha);
            auto put = http.Put("/api/v1/content/blobs/" + sha + "?offset=" + std::to_string(offset), auth,
                                buffer.data(), chunk, "application/octet-stream");
            if (put && put->status == 409 && ++conflicts <= 3) {  // the kiosk holds a different amount
                auto body = nlohmann::json::parse(put->body, nullptr, false);
                if (body.is_object() && body.contains("offset") && body["offset"].is_number_unsigned()) {
                    offset = body["offset"].get<std::uint64_t>();
                    continue;
                }
            }
            if (!put || put->status != 200) return reply_error(("blob " + sha.substr(0, 12)).c_str(), put);
            offset += chunk;
            outcome.bytes_sent += chunk;
            if (options.progress) options.progress(outcome.bytes_sent, total);
        }
    }
    auto activated = http.Post("/api/v1/content/activate", auth, "", "application/json");
    if (!activated || activated->status != 200) return reply_error("activate", activated);
    auto body = nlohmann::json::parse(activated->body, nullptr, false);
    if (body.is_object() && body.contains("active") && body["active"].is_object())
        outcome.version = body["active"].value("version", std::int64_t(0));
    return outcome;
}

}  // namespace station::content
