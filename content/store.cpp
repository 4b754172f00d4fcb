#include "content/store.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

namespace station::content {
namespace fs = std::filesystem;
namespace {

constexpr const char* kPendingFile = "pending.spkghead";  // header + manifest + signature

std::string errno_text() { return std::strerror(errno); }

bool fsync_path(const fs::path& path, bool directory) {
    int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

bool write_all(int fd, const char* bytes, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::write(fd, bytes, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        bytes += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

// Writes a file durably beside its final name, then renames it into place and fsyncs the folder.
Result<Ok> write_file_atomic(const fs::path& path, std::string_view bytes) {
    fs::path tmp = path;
    tmp += ".new";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fail(tmp.string(), ": cannot create: ", errno_text());
    bool ok = write_all(fd, bytes.data(), bytes.size()) && ::fsync(fd) == 0;
    ok = ::close(fd) == 0 && ok;
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return fail(path.string(), ": write failed: ", errno_text());
    }
    fsync_path(path.parent_path(), true);
    return Ok{};
}

Result<std::string> read_whole(const fs::path& path, std::size_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(path.string(), ": cannot open");
    std::string bytes;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (bytes.size() > limit) return fail(path.string(), ": larger than ", limit, " bytes");
    }
    return bytes;
}

std::string version_dir_name(std::int64_t version) {
    char name[32];
    std::snprintf(name, sizeof name, "v%016lld", static_cast<long long>(version));
    return name;
}

std::optional<std::int64_t> parse_version_dir_name(const std::string& name) {
    if (name.size() != 17 || name[0] != 'v') return std::nullopt;
    if (!std::all_of(name.begin() + 1, name.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
    return std::stoll(name.substr(1));
}

VersionInfo info_of(const SignedManifest& sm) {
    VersionInfo info;
    info.version = sm.manifest.version;
    info.created = sm.manifest.created;
    info.author_key_id = sm.manifest.author_key_id;
    info.author_name = sm.manifest.author_name;
    info.manifest_sha256 = sm.digest();
    info.blob_bytes = sm.manifest.blob_bytes();
    return info;
}

// A version folder's manifest as stored (its signature was checked when it arrived).
Result<SignedManifest> load_version(const fs::path& dir) {
    auto bytes = read_whole(dir / "manifest.json", kMaxManifestBytes);
    if (!bytes) return bytes.error();
    auto sig = read_whole(dir / "manifest.sig", 64);
    if (!sig) return sig.error();
    if (sig->size() != 64) return fail((dir / "manifest.sig").string(), ": not 64 bytes");
    auto manifest = parse_manifest(*bytes);
    if (!manifest) return fail((dir / "manifest.json").string(), ": ", manifest.error().message);
    SignedManifest sm;
    sm.bytes = std::move(*bytes);
    std::memcpy(sm.signature.data(), sig->data(), 64);
    sm.manifest = std::move(*manifest);
    return sm;
}

// Parses a stored head (pending push) without a trust check: it was verified on arrival.
Result<SignedManifest> parse_stored_head(const std::string& head, const std::string& where) {
    auto manifest_size = parse_package_header(head);
    if (!manifest_size) return fail(where, ": ", manifest_size.error().message);
    if (head.size() != kPackageHeaderBytes + *manifest_size + 64) return fail(where, ": truncated");
    SignedManifest sm;
    sm.bytes = head.substr(kPackageHeaderBytes, *manifest_size);
    std::memcpy(sm.signature.data(), head.data() + kPackageHeaderBytes + *manifest_size, 64);
    auto manifest = parse_manifest(sm.bytes);
    if (!manifest) return fail(where, ": ", manifest.error().message);
    sm.manifest = std::move(*manifest);
    return sm;
}

// flock on ROOT/lock for operations that change versions (pushes, imports, activation, GC).
class StoreLock {
public:
    explicit StoreLock(const fs::path& root) {
        fd_ = ::open((root / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ >= 0) ::flock(fd_, LOCK_EX);
    }
    ~StoreLock() {
        if (fd_ >= 0) ::close(fd_);
    }
    StoreLock(const StoreLock&) = delete;
    StoreLock& operator=(const StoreLock&) = delete;

private:
    int fd_ = -1;
};

std::atomic<unsigned> temp_counter{0};

// Temporary names are "<stem>.<pid>.<n>" (tmp/) or ".stage-v<version>-<pid>" (versions/).
bool writer_alive(const std::string& name) {
    std::string pid_text;
    if (name.rfind(".stage-", 0) == 0) {
        pid_text = name.substr(name.rfind('-') + 1);
    } else {
        auto last = name.rfind('.');
        if (last == std::string::npos || last == 0) return false;
        auto before = name.rfind('.', last - 1);
        if (before == std::string::npos) return false;
        pid_text = name.substr(before + 1, last - before - 1);
    }
    if (pid_text.empty() || pid_text.size() > 9 ||
        !std::all_of(pid_text.begin(), pid_text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    return pid != ::getpid() && ::kill(pid, 0) == 0;
}

fs::path temp_name(const fs::path& root, const std::string& stem) {
    return root / "tmp" / (stem + "." + std::to_string(::getpid()) + "." + std::to_string(temp_counter++));
}

// Moves a complete file from tmp/ or uploads/ into blobs/ab/<sha>, durably.
Result<Ok> install_blob(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    bool created = !fs::exists(to.parent_path(), ec);
    fs::create_directories(to.parent_path(), ec);
    if (ec) return fail(to.parent_path().string(), ": cannot create: ", ec.message());
    if (created) fsync_path(to.parent_path().parent_path(), true);
    ::chmod(from.c_str(), 0444);
    if (::rename(from.c_str(), to.c_str()) != 0) return fail(to.string(), ": cannot rename into place: ", errno_text());
    if (!fsync_path(to.parent_path(), true)) return fail(to.parent_path().string(), ": fsync failed");
    return Ok{};
}

}  // namespace

nlohmann::json VersionInfo::to_json() const {
    return {{"version", version},
            {"created", created},
            {"author", {{"key_id", author_key_id}, {"name", author_name}}},
            {"manifest_sha256", manifest_sha256},
            {"bytes", blob_bytes}};
}

nlohmann::json StoreStatus::to_json() const {
    auto opt = [](const std::optional<VersionInfo>& v) { return v ? v->to_json() : nlohmann::json(); };
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& v : versions) kept.push_back(v.version);
    return {{"active", opt(active)}, {"previous", opt(previous)}, {"pending", opt(pending)},
            {"versions", kept},      {"blob_bytes", blob_bytes}};
}

fs::path ActiveContent::media_path(const std::string& file) const {
    const FileEntry* entry = manifest.find_file(file);
    if (!entry) return {};
    return store_root / "blobs" / entry->sha256.substr(0, 2) / entry->sha256;
}

// ---- BlobUpload ----

BlobUpload::BlobUpload(BlobUpload&& other) noexcept
    : root_(std::move(other.root_)), blob_(std::move(other.blob_)), fd_(other.fd_), offset_(other.offset_),
      done_(other.done_) {
    other.fd_ = -1;
}

BlobUpload& BlobUpload::operator=(BlobUpload&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        root_ = std::move(other.root_);
        blob_ = std::move(other.blob_);
        fd_ = other.fd_;
        offset_ = other.offset_;
        done_ = other.done_;
        other.fd_ = -1;
    }
    return *this;
}

BlobUpload::~BlobUpload() {
    if (fd_ >= 0) ::close(fd_);
}

Result<Ok> BlobUpload::append(std::uint64_t at, std::string_view bytes) {
    if (done_) return fail("blob ", blob_.sha256, ": already complete");
    if (at != offset_) return fail("blob ", blob_.sha256, ": upload is at byte ", offset_, ", not ", at, "; resume from ", offset_);
    if (offset_ + bytes.size() > blob_.size)
        return fail("blob ", blob_.sha256, ": ", offset_ + bytes.size(), " bytes is more than its size ", blob_.size);
    std::size_t written = 0;
    while (written < bytes.size()) {
        ssize_t n = ::pwrite(fd_, bytes.data() + written, bytes.size() - written,
                             static_cast<off_t>(offset_ + written));
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("blob ", blob_.sha256, ": write failed: ", errno_text());
        }
        written += static_cast<std::size_t>(n);
    }
    offset_ += bytes.size();
    return Ok{};
}

Result<Ok> BlobUpload::commit() {
    if (done_) return Ok{};
    if (offset_ != blob_.size)
        return fail("blob ", blob_.sha256, ": incomplete, ", offset_, " of ", blob_.size, " bytes");
    auto part = root_ / "uploads" / (blob_.sha256 + ".part");
    Sha256 hash;
    std::vector<char> buffer(1 << 16);
    std::uint64_t at = 0;
    while (at < blob_.size) {
        ssize_t n = ::pread(fd_, buffer.data(), buffer.size(), static_cast<off_t>(at));
        if (n <= 0) return fail("blob ", blob_.sha256, ": read back failed");
        hash.update(buffer.data(), static_cast<std::size_t>(n));
        at += static_cast<std::uint64_t>(n);
    }
    if (hash.hex() != blob_.sha256) {
        // Drop the bytes but keep the (locked) part file, so the sender can start again at 0.
        if (::ftruncate(fd_, 0) != 0) return fail("blob ", blob_.sha256, ": cannot discard bad bytes: ", errno_text());
        offset_ = 0;
        return fail("blob ", blob_.sha256, ": SHA-256 of the uploaded bytes does not match; discarded, send it again");
    }
    if (::fsync(fd_) != 0) return fail("blob ", blob_.sha256, ": fsync failed: ", errno_text());
    auto installed = install_blob(part, root_ / "blobs" / blob_.sha256.substr(0, 2) / blob_.sha256);
    if (!installed) return installed;
    done_ = true;
    return Ok{};
}

// ---- ContentStore ----

Result<ContentStore> ContentStore::open(const fs::path& root, const StoreOptions& options) {
    if (options.keep_versions < 2) return fail("store: keep_versions must be at least 2 (active and previous)");
    std::error_code ec;
    for (const char* sub : {"blobs", "tmp", "uploads", "versions"}) {
        fs::create_directories(root / sub, ec);
        if (ec) return fail((root / sub).string(), ": cannot create: ", ec.message());
    }
    ContentStore store(fs::absolute(root), options);
    StoreLock lock(store.root_);
    // Crash leftovers: none of these is ever visible as content. Names carry the writer's pid;
    // a live writer (another process using the store now) keeps its files.
    for (const auto& entry : fs::directory_iterator(root / "tmp", ec))
        if (!writer_alive(entry.path().filename().string())) fs::remove_all(entry.path(), ec);
    for (const auto& entry : fs::directory_iterator(root / "versions", ec)) {
        auto name = entry.path().filename().string();
        if (name.rfind(".stage-", 0) == 0 && !writer_alive(name)) fs::remove_all(entry.path(), ec);
    }
    fs::remove(root / "current.new", ec);
    fs::path pending_new = root / kPendingFile;
    pending_new += ".new";
    fs::remove(pending_new, ec);
    return store;
}

fs::path ContentStore::blob_path(const std::string& sha256) const {
    return root_ / "blobs" / sha256.substr(0, 2) / sha256;
}

bool ContentStore::has_blob(const BlobRef& blob) const {
    struct stat st {};
    return ::stat(blob_path(blob.sha256).c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_size) == blob.size;
}

std::vector<BlobRef> ContentStore::missing_blobs(const Manifest& manifest) const {
    std::vector<BlobRef> missing;
    for (const auto& b : manifest.blobs)
        if (!has_blob(b)) missing.push_back(b);
    return missing;
}

Result<Ok> ContentStore::check_space(const Manifest& manifest) const {
    std::uint64_t missing = 0;
    for (const auto& b : missing_blobs(manifest)) missing += b.size;
    if (options_.quota_bytes > 0) {
        // What must coexist after the switch: the new version and the active one (for rollback).
        std::set<std::string> needed;
        std::uint64_t needed_bytes = 0;
        for (const auto& b : manifest.blobs)
            if (needed.insert(b.sha256).second) needed_bytes += b.size;
        if (auto act = active())
            for (const auto& b : act->manifest.blobs)
                if (needed.insert(b.sha256).second) needed_bytes += b.size;
        if (needed_bytes > options_.quota_bytes)
            return fail("version ", manifest.version, " needs ", needed_bytes, " bytes beside the active version; the content quota is ",
                        options_.quota_bytes, " bytes");
    }
    struct statvfs vfs {};
    if (::statvfs(root_.c_str(), &vfs) == 0) {
        std::uint64_t free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
        if (missing + options_.reserve_bytes > free_bytes)
            return fail("version ", manifest.version, " needs ", missing, " more bytes but the disk has ", free_bytes,
                        " free (", options_.reserve_bytes, " kept in reserve); refused before writing anything");
    }
    return Ok{};
}

Result<Ok> ContentStore::write_blob(const BlobRef& blob, const std::function<std::size_t(char*, std::size_t)>& read) {
    if (has_blob(blob)) return Ok{};
    fs::path tmp = temp_name(root_, blob.sha256);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return fail(tmp.string(), ": cannot create: ", errno_text());
    Sha256 hash;
    std::vector<char> buffer(1 << 16);
    std::uint64_t left = blob.size;
    bool ok = true;
    while (ok && left > 0) {
        std::size_t n = read(buffer.data(), static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size())));
        if (n == 0) break;
        hash.update(buffer.data(), n);
        ok = write_all(fd, buffer.data(), n);
        left -= n;
    }
    ok = ok && ::fsync(fd) == 0;
    ok = ::close(fd) == 0 && ok;
    if (!ok || left > 0 || hash.hex() != blob.sha256) {
        ::unlink(tmp.c_str());
        if (!ok) return fail("blob ", blob.sha256, ": write failed: ", errno_text());
        if (left > 0) return fail("blob ", blob.sha256, ": source ended ", left, " bytes early");
        return fail("blob ", blob.sha256, ": SHA-256 does not match (tampered or damaged)");
    }
    auto installed = install_blob(tmp, blob_path(blob.sha256));
    if (!installed) ::unlink(tmp.c_str());
    return installed;
}

Result<VersionInfo> ContentStore::prepare(const SignedManifest& sm) {
    for (const auto& b : sm.manifest.blobs)
        if (!has_blob(b)) {
            std::string name;
            for (const auto& f : sm.manifest.files)
                if (f.sha256 == b.sha256) name = " (" + f.path + ")";
            return fail("version ", sm.manifest.version, ": blob ", b.sha256, name, " is missing from the store");
        }
    fs::path final_dir = root_ / "versions" / version_dir_name(sm.manifest.version);
    std::error_code ec;
    if (fs::exists(final_dir, ec)) {
        auto existing = load_version(final_dir);
        if (existing && existing->digest() == sm.digest()) return info_of(*existing);
        return fail("version ", sm.manifest.version,
                    " is already in the store with different content; give the new package a higher version");
    }
    fs::path stage = root_ / "versions" / (".stage-" + version_dir_name(sm.manifest.version) + "-" + std::to_string(::getpid()));
    fs::remove_all(stage, ec);
    fs::create_directory(stage, ec);
    if (ec) return fail(stage.string(), ": cannot create: ", ec.message());
    auto write = [&](const char* name, std::string_view bytes) -> bool {
        int fd = ::open((stage / name).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
        if (fd < 0) return false;
        bool ok = write_all(fd, bytes.data(), bytes.size()) && ::fsync(fd) == 0;
        return ::close(fd) == 0 && ok;
    };
    bool ok = write("manifest.json", sm.bytes) &&
              write("manifest.sig", std::string_view(reinterpret_cast<const char*>(sm.signature.data()), 64)) &&
              fsync_path(stage, true);
    if (!ok || ::rename(stage.c_str(), final_dir.c_str()) != 0) {
        fs::remove_all(stage, ec);
        return fail(final_dir.string(), ": cannot prepare: ", errno_text());
    }
    fsync_path(root_ / "versions", true);
    return info_of(sm);
}

Result<VersionInfo> ContentStore::activate(std::int64_t version) {
    StoreLock lock(root_);
    fs::path dir = root_ / "versions" / version_dir_name(version);
    auto sm = load_version(dir);
    if (!sm) return fail("version ", version, " is not prepared in the store (", sm.error().message, ")");
    for (const auto& b : sm->manifest.blobs)
        if (!has_blob(b)) return fail("version ", version, ": blob ", b.sha256, " is missing; not activating");
    fs::path link_new = root_ / "current.new";
    ::unlink(link_new.c_str());
    std::string target = "versions/" + version_dir_name(version);
    if (::symlink(target.c_str(), link_new.c_str()) != 0) return fail(link_new.string(), ": ", errno_text());
    // rename(2) replaces `current` in one step: readers see the old link or the new, never none.
    if (::rename(link_new.c_str(), (root_ / "current").c_str()) != 0) {
        ::unlink(link_new.c_str());
        return fail((root_ / "current").string(), ": cannot switch: ", errno_text());
    }
    if (!fsync_path(root_, true)) return fail(root_.string(), ": fsync failed after the switch");
    auto freed = collect_garbage_locked();
    (void)freed;  // a failed collection leaves extra files, never a broken version
    return info_of(*sm);
}

std::optional<std::int64_t> ContentStore::active_version() const {
    std::error_code ec;
    auto target = fs::read_symlink(root_ / "current", ec);
    if (ec) return std::nullopt;
    return parse_version_dir_name(target.filename().string());
}

Result<ActiveContent> ContentStore::active() const {
    auto version = active_version();
    if (!version) return fail(root_.string(), ": no active content version");
    auto sm = load_version(root_ / "versions" / version_dir_name(*version));
    if (!sm) return sm.error();
    ActiveContent out;
    out.info = info_of(*sm);
    out.manifest = std::move(sm->manifest);
    out.store_root = root_;
    return out;
}

StoreStatus ContentStore::status() const {
    StoreStatus st;
    auto active_v = active_version();
    std::error_code ec;
    std::vector<std::int64_t> kept;
    for (const auto& entry : fs::directory_iterator(root_ / "versions", ec))
        if (auto v = parse_version_dir_name(entry.path().filename().string())) kept.push_back(*v);
    std::sort(kept.rbegin(), kept.rend());
    for (auto v : kept) {
        auto sm = load_version(root_ / "versions" / version_dir_name(v));
        if (!sm) continue;
        VersionInfo info = info_of(*sm);
        st.versions.push_back(info);
        if (active_v && v == *active_v) st.active = info;
        if (active_v && v < *active_v && !st.previous) st.previous = info;
    }
    if (auto head = read_whole(root_ / kPendingFile, kMaxManifestBytes + 1024))
        if (auto sm = parse_stored_head(*head, kPendingFile)) st.pending = info_of(*sm);
    for (const auto& entry : fs::recursive_directory_iterator(root_ / "blobs", ec))
        if (entry.is_regular_file(ec)) st.blob_bytes += entry.file_size(ec);
    return st;
}

Result<VersionInfo> ContentStore::rollback() {
    StoreStatus st = status();
    if (!st.active) return fail("nothing is active; nothing to roll back");
    if (!st.previous)
        return fail("no version older than the active version ", st.active->version, " is kept; cannot roll back");
    return activate(st.previous->version);
}

Result<VersionInfo> ContentStore::import_package(const fs::path& file, const TrustedKeys& trusted,
                                                 const ImportOptions& options) {
    auto current = active_version();
    auto head = read_package_head(file, trusted, {current.value_or(0), options.allow_rollback});
    if (!head) return head.error();
    const Manifest& m = head->manifest;
    if (current && m.version == *current) {
        auto act = active();
        if (act && act->info.manifest_sha256 == head->digest()) return act->info;  // already there
        return fail(file.string(), ": version ", m.version, " is already active with different content; raise the version");
    }
    if (auto space = check_space(m); !space) return space.error();
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) return fail(file.string(), ": cannot open");
    for (std::size_t i = 0; i < m.blobs.size(); ++i) {
        if (has_blob(m.blobs[i])) continue;
        std::fseek(f, static_cast<long>(head->blob_offset(i)), SEEK_SET);
        auto written = write_blob(m.blobs[i], [&](char* out, std::size_t n) { return std::fread(out, 1, n, f); });
        if (!written) {
            std::fclose(f);
            return fail(file.string(), ": ", written.error().message);
        }
    }
    std::fclose(f);
    VersionInfo info;
    {
        StoreLock lock(root_);
        auto prepared = prepare(*head);
        if (!prepared) return prepared.error();
        info = *prepared;
    }
    if (!options.activate) return info;
    return activate(m.version);
}

Result<std::vector<BlobRef>> ContentStore::begin_push(const SignedManifest& sm, bool allow_rollback) {
    auto current = active_version();
    if (current && sm.manifest.version < *current && !allow_rollback)
        return fail("version ", sm.manifest.version, " is older than the active version ", *current,
                    " (a replay?); refused unless it is an explicit rollback");
    if (current && sm.manifest.version == *current) {
        auto act = active();
        if (!act || act->info.manifest_sha256 != sm.digest())
            return fail("version ", sm.manifest.version, " is already active with different content; raise the version");
    }
    if (auto space = check_space(sm.manifest); !space) return space.error();
    StoreLock lock(root_);
    auto written = write_file_atomic(root_ / kPendingFile, sm.head());
    if (!written) return written.error();
    return missing_blobs(sm.manifest);
}

Result<SignedManifest> ContentStore::pending() const {
    auto head = read_whole(root_ / kPendingFile, kMaxManifestBytes + 1024);
    if (!head) return fail("no push in progress; send the manifest first");
    return parse_stored_head(*head, kPendingFile);
}

Result<BlobUpload> ContentStore::begin_upload(const BlobRef& blob) {
    auto pending = this->pending();
    if (!pending) return pending.error();
    auto listed = std::find(pending->manifest.blobs.begin(), pending->manifest.blobs.end(), blob);
    if (listed == pending->manifest.blobs.end())
        return fail("blob ", blob.sha256, " (", blob.size, " bytes) is not part of the pending version ",
                    pending->manifest.version);
    BlobUpload upload;
    upload.root_ = root_;
    upload.blob_ = blob;
    if (has_blob(blob)) {
        upload.done_ = true;
        upload.offset_ = blob.size;
        return upload;
    }
    auto part = root_ / "uploads" / (blob.sha256 + ".part");
    upload.fd_ = ::open(part.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (upload.fd_ < 0) return fail(part.string(), ": cannot open: ", errno_text());
    if (::flock(upload.fd_, LOCK_EX | LOCK_NB) != 0)
        return fail("blob ", blob.sha256, " is being uploaded by another connection");
    struct stat st {};
    ::fstat(upload.fd_, &st);
    upload.offset_ = static_cast<std::uint64_t>(st.st_size);
    if (upload.offset_ > blob.size) {
        if (::ftruncate(upload.fd_, 0) != 0) return fail(part.string(), ": cannot reset: ", errno_text());
        upload.offset_ = 0;
    }
    return upload;
}

Result<VersionInfo> ContentStore::finish_push(bool activate_now) {
    auto head = read_whole(root_ / kPendingFile, kMaxManifestBytes + 1024);
    if (!head) return fail("no push in progress");
    auto pending = parse_stored_head(*head, kPendingFile);
    if (!pending) return pending.error();
    VersionInfo info;
    {
        StoreLock lock(root_);
        auto prepared = prepare(*pending);
        if (!prepared) return prepared.error();
        info = *prepared;
    }
    if (activate_now) {
        auto activated = activate(pending->manifest.version);
        if (!activated) return activated;
        info = *activated;
    }
    ::unlink((root_ / kPendingFile).c_str());
    fsync_path(root_, true);
    return info;
}

Result<Ok> ContentStore::check_integrity(bool hash_blobs) const {
    std::error_code ec;
    auto active_v = active_version();
    if (fs::is_symlink(root_ / "current", ec) && !active_v)
        return fail((root_ / "current").string(), ": does not name a version folder");
    if (active_v && !fs::is_directory(root_ / "versions" / version_dir_name(*active_v), ec))
        return fail((root_ / "current").string(), ": names version ", *active_v, ", which is not in the store");
    std::map<std::string, std::uint64_t> needed;
    for (const auto& entry : fs::directory_iterator(root_ / "versions", ec)) {
        auto name = entry.path().filename().string();
        if (!parse_version_dir_name(name)) continue;  // a leftover stage; open() removes it
        auto sm = load_version(entry.path());
        if (!sm) return fail("version folder ", name, ": ", sm.error().message);
        if (version_dir_name(sm->manifest.version) != name)
            return fail("version folder ", name, " holds version ", sm->manifest.version);
        for (const auto& b : sm->manifest.blobs) needed[b.sha256] = b.size;
    }
    for (const auto& [sha, size] : needed) {
        struct stat st {};
        if (::stat(blob_path(sha).c_str(), &st) != 0) return fail("blob ", sha, ": missing");
        if (static_cast<std::uint64_t>(st.st_size) != size)
            return fail("blob ", sha, ": ", st.st_size, " bytes, expected ", size);
        if (hash_blobs) {
            auto actual = sha256_file(blob_path(sha));
            if (!actual) return actual.error();
            if (*actual != sha) return fail("blob ", sha, ": content does not match its name (SHA-256 ", *actual, ")");
        }
    }
    return Ok{};
}

Result<std::uint64_t> ContentStore::collect_garbage() {
    StoreLock lock(root_);
    return collect_garbage_locked();
}

Result<std::uint64_t> ContentStore::collect_garbage_locked() {
    std::error_code ec;
    auto active_v = active_version();
    std::vector<std::int64_t> versions;
    for (const auto& entry : fs::directory_iterator(root_ / "versions", ec))
        if (auto v = parse_version_dir_name(entry.path().filename().string())) versions.push_back(*v);
    std::sort(versions.rbegin(), versions.rend());
    // Always the active version, then the newest others up to keep_versions in all.
    std::vector<std::int64_t> keep;
    if (active_v) keep.push_back(*active_v);
    for (auto v : versions)
        if (static_cast<int>(keep.size()) < options_.keep_versions && (!active_v || v != *active_v)) keep.push_back(v);

    auto referenced_by = [&](const std::vector<std::int64_t>& kept) {
        std::map<std::string, std::uint64_t> refs;
        for (auto v : kept)
            if (auto sm = load_version(root_ / "versions" / version_dir_name(v)))
                for (const auto& b : sm->manifest.blobs) refs[b.sha256] = b.size;
        if (auto head = read_whole(root_ / kPendingFile, kMaxManifestBytes + 1024))
            if (auto sm = parse_stored_head(*head, kPendingFile))
                for (const auto& b : sm->manifest.blobs) refs[b.sha256] = b.size;
        return refs;
    };
    // Under a quota, drop the oldest non-active kept versions until what remains fits.
    if (options_.quota_bytes > 0) {
        while (keep.size() > 1) {
            std::uint64_t bytes = 0;
            for (const auto& [sha, size] : referenced_by(keep)) bytes += size;
            if (bytes <= options_.quota_bytes) break;
            keep.pop_back();
        }
    }
    std::uint64_t freed = 0;
    for (auto v : versions) {
        if (std::find(keep.begin(), keep.end(), v) != keep.end()) continue;
        // Move out of versions/ in one step first, so no half-deleted version is ever listed.
        fs::path gone = temp_name(root_, "gone-" + version_dir_name(v));
        if (::rename((root_ / "versions" / version_dir_name(v)).c_str(), gone.c_str()) == 0) fs::remove_all(gone, ec);
    }
    fsync_path(root_ / "versions", true);
    auto refs = referenced_by(keep);
    auto now = fs::file_time_type::clock::now();
    auto grace = std::chrono::seconds(options_.gc_grace_s);
    for (const auto& entry : fs::recursive_directory_iterator(root_ / "blobs", ec)) {
        if (!entry.is_regular_file(ec)) continue;
        auto name = entry.path().filename().string();
        if (refs.count(name)) continue;
        if (options_.gc_grace_s > 0 && now - entry.last_write_time(ec) < grace) continue;
        std::uint64_t size = entry.file_size(ec);
        if (fs::remove(entry.path(), ec)) freed += size;
    }
    for (const auto& entry : fs::directory_iterator(root_ / "uploads", ec)) {
        auto name = entry.path().filename().string();
        auto sha = name.substr(0, name.find('.'));
        if (refs.count(sha)) continue;
        if (options_.gc_grace_s > 0 && now - entry.last_write_time(ec) < grace) continue;
        freed += entry.file_size(ec);
        fs::remove(entry.path(), ec);
    }
    return freed;
}

}  // namespace station::content
