#include "content/package.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <set>

#include "content/media_probe.h"

namespace station::content {
namespace {

using nlohmann::json;

void put_le32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}
std::uint32_t get_le32(std::string_view s, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
    return v;
}

WhereFn manifest_where(const std::string& prefix) {
    return [prefix](const std::string& path) {
        std::string p = path.empty() ? prefix : prefix + "." + path;
        return "manifest: " + p;
    };
}

Result<std::string> get_text(const json& j, const char* key, const std::string& where) {
    if (!j.contains(key)) return fail(where, ": missing field '", key, "'");
    if (!j.at(key).is_string()) return fail(where, ".", key, ": expected a string");
    return j.at(key).get<std::string>();
}

Result<std::uint64_t> get_size(const json& j, const std::string& where) {
    if (!j.contains("size") || !j.at("size").is_number_unsigned())
        return fail(where, ".size: expected a byte count");
    auto size = j.at("size").get<std::uint64_t>();
    if (size > kMaxBlobBytes) return fail(where, ".size: ", size, " bytes is over the ", kMaxBlobBytes, " limit");
    return size;
}

std::string read_key_id(const json& j) {
    if (j.is_object() && j.contains("author") && j["author"].is_object() && j["author"].contains("key_id") &&
        j["author"]["key_id"].is_string())
        return j["author"]["key_id"].get<std::string>();
    return "";
}

}  // namespace

const FileEntry* Manifest::find_file(const std::string& path) const {
    for (const auto& f : files)
        if (f.path == path) return &f;
    return nullptr;
}

std::uint64_t Manifest::blob_bytes() const {
    std::uint64_t total = 0;
    for (const auto& b : blobs) total += b.size;
    return total;
}

json Manifest::to_json() const {
    json j;
    j["format"] = format;
    j["version"] = version;
    j["created"] = created;
    j["author"] = {{"key_id", author_key_id}, {"name", author_name}};
    j["content"] = content::to_json(content);
    j["files"] = json::array();
    for (const auto& f : files) {
        json fj = {{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}};
        if (!f.media.is_null()) fj["media"] = f.media;
        j["files"].push_back(fj);
    }
    j["blobs"] = json::array();
    for (const auto& b : blobs) j["blobs"].push_back({{"sha256", b.sha256}, {"size", b.size}});
    return j;
}

std::string SignedManifest::digest() const { return sha256_hex(bytes); }

std::string SignedManifest::head() const {
    std::string out(kPackageMagic, 8);
    put_le32(out, static_cast<std::uint32_t>(bytes.size()));
    put_le32(out, static_cast<std::uint32_t>(signature.size()));
    out += bytes;
    out.append(reinterpret_cast<const char*>(signature.data()), signature.size());
    return out;
}

std::uint64_t SignedManifest::blob_offset(std::size_t index) const {
    std::uint64_t at = kPackageHeaderBytes + bytes.size() + signature.size();
    for (std::size_t i = 0; i < index && i < manifest.blobs.size(); ++i) at += manifest.blobs[i].size;
    return at;
}

const PublicKey* TrustedKeys::find(const std::string& key_id) const {
    for (const auto& k : keys)
        if (k.id() == key_id) return &k;
    return nullptr;
}

Result<Manifest> parse_manifest(std::string_view bytes) {
    if (bytes.size() > kMaxManifestBytes)
        return fail("manifest: ", bytes.size(), " bytes, over the ", kMaxManifestBytes, " byte limit");
    json j = json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (j.is_discarded()) return fail("manifest: not valid JSON");
    if (!j.is_object()) return fail("manifest: expected a JSON object");
    static const std::set<std::string> known = {"format", "version", "created", "author", "content", "files", "blobs"};
    for (auto it = j.begin(); it != j.end(); ++it)
        if (!known.count(it.key())) return fail("manifest: ", it.key(), ": unknown field");
    Manifest m;
    if (!j.contains("format") || !j["format"].is_number_integer()) return fail("manifest: format: missing");
    m.format = j["format"].get<int>();
    if (m.format != 1) return fail("manifest: format ", m.format, " is not supported (this kiosk reads format 1)");
    if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<std::int64_t>() < 1)
        return fail("manifest: version: expected an integer >= 1");
    m.version = j["version"].get<std::int64_t>();
    auto created = get_text(j, "created", "manifest");
    if (!created) return created.error();
    m.created = *created;
    if (!j.contains("author") || !j["author"].is_object()) return fail("manifest: author: missing");
    auto key_id = get_text(j["author"], "key_id", "manifest: author");
    if (!key_id) return key_id.error();
    m.author_key_id = *key_id;
    if (j["author"].contains("name") && j["author"]["name"].is_string())
        m.author_name = j["author"]["name"].get<std::string>();
    if (!j.contains("content")) return fail("manifest: content: missing");
    auto content = parse_content(j["content"], manifest_where("content"));
    if (!content) return content.error();
    m.content = std::move(*content);
    if (m.content.version != m.version)
        return fail("manifest: content.package.version ", m.content.version, " differs from version ", m.version);

    if (!j.contains("blobs") || !j["blobs"].is_array()) return fail("manifest: blobs: expected an array");
    if (j["blobs"].size() > kMaxBlobs) return fail("manifest: blobs: more than ", kMaxBlobs);
    std::map<std::string, std::uint64_t> blob_sizes;
    for (std::size_t i = 0; i < j["blobs"].size(); ++i) {
        std::string where = "manifest: blobs[" + std::to_string(i) + "]";
        const json& bj = j["blobs"][i];
        if (!bj.is_object()) return fail(where, ": expected an object");
        auto sha = get_text(bj, "sha256", where);
        if (!sha) return sha.error();
        if (!is_sha256_hex(*sha)) return fail(where, ".sha256: \"", *sha, "\" is not 64 lowercase hex digits");
        auto size = get_size(bj, where);
        if (!size) return size.error();
        if (!blob_sizes.emplace(*sha, *size).second) return fail(where, ": blob ", *sha, " listed twice");
        m.blobs.push_back({*sha, *size});
    }
    if (!j.contains("files") || !j["files"].is_array()) return fail("manifest: files: expected an array");
    std::set<std::string> used_blobs;
    for (std::size_t i = 0; i < j["files"].size(); ++i) {
        std::string where = "manifest: files[" + std::to_string(i) + "]";
        const json& fj = j["files"][i];
        if (!fj.is_object()) return fail(where, ": expected an object");
        FileEntry f;
        auto path = get_text(fj, "path", where);
        if (!path) return path.error();
        f.path = *path;
        if (auto problem = media_path_problem(f.path); !problem.empty())
            return fail(where, ".path: \"", f.path, "\": ", problem);
        if (m.find_file(f.path)) return fail(where, ".path: \"", f.path, "\" listed twice");
        auto sha = get_text(fj, "sha256", where);
        if (!sha) return sha.error();
        f.sha256 = *sha;
        auto size = get_size(fj, where);
        if (!size) return size.error();
        f.size = *size;
        auto blob = blob_sizes.find(f.sha256);
        if (blob == blob_sizes.end()) return fail(where, ": blob ", f.sha256, " of ", f.path, " is not in blobs");
        if (blob->second != f.size)
            return fail(where, ": ", f.path, " is ", f.size, " bytes but its blob is ", blob->second);
        if (fj.contains("media")) f.media = fj["media"];
        used_blobs.insert(f.sha256);
        m.files.push_back(std::move(f));
    }
    for (const auto& b : m.blobs)
        if (!used_blobs.count(b.sha256)) return fail("manifest: blobs: ", b.sha256, " is used by no file");
    for (const auto& path : m.content.media_files())
        if (!m.find_file(path)) return fail("manifest: content names \"", path, "\", which is not in files");
    return m;
}

Result<SignedManifest> verify_manifest(std::string bytes, const SignatureBytes& signature,
                                       const TrustedKeys& trusted, const VersionPolicy& policy) {
    if (bytes.size() > kMaxManifestBytes)
        return fail("manifest: ", bytes.size(), " bytes, over the ", kMaxManifestBytes, " byte limit");
    // Only the key id is read before the signature is checked.
    std::string key_id = read_key_id(json::parse(bytes, nullptr, false));
    if (key_id.empty()) return fail("manifest: author.key_id missing or not JSON; cannot check the signature");
    const PublicKey* key = trusted.find(key_id);
    if (!key) return fail("signature: signed by key ", key_id, ", which this station does not trust");
    if (!signature_valid(*key, bytes, signature))
        return fail("signature: does not match the manifest (tampered, or not signed by key ", key_id, " \"",
                    key->name, "\")");
    auto manifest = parse_manifest(bytes);
    if (!manifest) return manifest.error();
    if (policy.active_version > 0 && manifest->version < policy.active_version && !policy.allow_rollback)
        return fail("version ", manifest->version, " is older than the active version ", policy.active_version,
                    " (a replay?); refused unless it is an explicit rollback");
    SignedManifest out;
    out.bytes = std::move(bytes);
    out.signature = signature;
    out.manifest = std::move(*manifest);
    return out;
}

Result<std::uint32_t> parse_package_header(std::string_view header) {
    if (header.size() < kPackageHeaderBytes) return fail("package: shorter than its 16-byte header");
    if (header.substr(0, 8) != std::string_view(kPackageMagic, 8))
        return fail("package: not a Station package (bad magic; expected \"STNSPKG1\")");
    std::uint32_t manifest_size = get_le32(header, 8);
    std::uint32_t signature_size = get_le32(header, 12);
    if (manifest_size == 0) return fail("package: empty manifest");
    if (manifest_size > kMaxManifestBytes)
        return fail("package: manifest of ", manifest_size, " bytes is over the ", kMaxManifestBytes,
                    " byte limit; refused unread");
    if (signature_size != 64) return fail("package: signature length ", signature_size, ", expected 64 (Ed25519)");
    return manifest_size;
}

Result<SignedManifest> verify_package_head(std::string_view head, const TrustedKeys& trusted,
                                           const VersionPolicy& policy) {
    auto manifest_size = parse_package_header(head);
    if (!manifest_size) return manifest_size.error();
    if (head.size() < kPackageHeaderBytes + *manifest_size + 64)
        return fail("package: truncated inside the manifest or signature");
    SignatureBytes sig;
    std::memcpy(sig.data(), head.data() + kPackageHeaderBytes + *manifest_size, sig.size());
    return verify_manifest(std::string(head.substr(kPackageHeaderBytes, *manifest_size)), sig, trusted, policy);
}

Result<SignedManifest> read_package_head(const std::filesystem::path& file, const TrustedKeys& trusted,
                                         const VersionPolicy& policy) {
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) return fail(file.string(), ": cannot open");
    std::string header(kPackageHeaderBytes, '\0');
    std::size_t got = std::fread(header.data(), 1, header.size(), f);
    header.resize(got);
    auto manifest_size = parse_package_header(header);
    if (!manifest_size) {
        std::fclose(f);
        return fail(file.string(), ": ", manifest_size.error().message);
    }
    std::string rest(*manifest_size + 64, '\0');
    got = std::fread(rest.data(), 1, rest.size(), f);
    std::fclose(f);
    if (got != rest.size()) return fail(file.string(), ": package: truncated inside the manifest or signature");
    auto head = verify_package_head(header + rest, trusted, policy);
    if (!head) return fail(file.string(), ": ", head.error().message);
    return head;
}

Result<SignedManifest> verify_package(const std::filesystem::path& file, const TrustedKeys& trusted,
                                      const VersionPolicy& policy) {
    auto head = read_package_head(file, trusted, policy);
    if (!head) return head;
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) return fail(file.string(), ": cannot open");
    std::fseek(f, static_cast<long>(head->blob_offset(0)), SEEK_SET);
    std::vector<char> buffer(1 << 16);
    const auto& files = head->manifest.files;
    for (const auto& blob : head->manifest.blobs) {
        std::string name = blob.sha256;
        for (const auto& fe : files)
            if (fe.sha256 == blob.sha256) {
                name = fe.path + " (blob " + blob.sha256.substr(0, 12) + ")";
                break;
            }
        Sha256 hash;
        std::uint64_t left = blob.size;
        while (left > 0) {
            std::size_t n = std::fread(buffer.data(), 1, std::min<std::uint64_t>(left, buffer.size()), f);
            if (n == 0) {
                std::fclose(f);
                return fail(file.string(), ": ", name, ": package ends ", left, " bytes before this blob does");
            }
            hash.update(buffer.data(), n);
            left -= n;
        }
        if (hash.hex() != blob.sha256) {
            std::fclose(f);
            return fail(file.string(), ": ", name, ": SHA-256 does not match the manifest (tampered or damaged)");
        }
    }
    bool trailing = std::fgetc(f) != EOF;
    std::fclose(f);
    if (trailing) return fail(file.string(), ": unexpected bytes after the last blob");
    return head;
}

std::string package_bytes(const SignedManifest& manifest, const std::vector<std::string>& blobs) {
    std::string out = manifest.head();
    for (const auto& b : blobs) out += b;
    return out;
}

Result<SignedManifest> sign_manifest(std::string bytes, const SecretKey& key) {
    auto manifest = parse_manifest(bytes);
    if (!manifest) return manifest.error();
    SignedManifest out;
    out.signature = sign(key, bytes);
    out.bytes = std::move(bytes);
    out.manifest = std::move(*manifest);
    return out;
}

std::string utc_now_iso8601() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

Result<PackSummary> pack_folder(const std::filesystem::path& dir, const SecretKey& key,
                                const std::filesystem::path& out, const PackOptions& options) {
    auto model = load_content_folder(dir);
    if (!model) return model.error();
    if (options.version) model->version = *options.version;
    if (model->version < 1) return fail("--version: must be >= 1");
    const std::string toml_name = (dir / "content.toml").string();

    // Probe each use of each file (a file may be an image in one item and ... nothing else).
    Manifest m;
    m.version = model->version;
    m.created = options.created.empty() ? utc_now_iso8601() : options.created;
    m.author_key_id = key.public_key().id();
    m.author_name = key.name;
    MediaProber prober;
    std::map<std::string, json> media_info;
    for (std::size_t i = 0; i < model->items.size(); ++i) {
        const Item& item = model->items[i];
        std::vector<std::pair<std::string, MediaRole>> uses;
        if (item.kind == ItemKind::video) uses.push_back({item.file, MediaRole::video});
        if (item.kind == ItemKind::image) uses.push_back({item.file, MediaRole::image});
        if (!item.narration.empty()) uses.push_back({item.narration, MediaRole::narration});
        for (const auto& [path, role] : uses) {
            std::string name = toml_name + ": items[" + std::to_string(i) + "] (" + item.id + "): " + path;
            std::error_code ec;
            auto status = std::filesystem::symlink_status(dir / path, ec);
            if (!std::filesystem::exists(status)) return fail(name, ": file not found");
            if (!std::filesystem::is_regular_file(status)) return fail(name, ": not a regular file (a link or folder?)");
            if (!options.probe_media) continue;
            auto info = prober.probe(dir / path, role, name);
            if (!info) return info.error();
            media_info[path] = info->to_json();
        }
    }
    std::uint64_t total = 0;
    for (const auto& path : model->media_files()) total += std::filesystem::file_size(dir / path);
    std::uint64_t done = 0;
    std::set<std::string> blob_seen;
    std::vector<std::string> blob_files;  // a path for each blob, to copy from
    for (const auto& path : model->media_files()) {
        if (options.progress) options.progress(done, total * 2, path);
        auto sha = sha256_file(dir / path);
        if (!sha) return sha.error();
        FileEntry f{path, *sha, std::filesystem::file_size(dir / path), json()};
        if (media_info.count(path)) f.media = media_info[path];
        if (blob_seen.insert(*sha).second) {
            m.blobs.push_back({*sha, f.size});
            blob_files.push_back(path);
        }
        done += f.size;
        m.files.push_back(std::move(f));
    }
    m.content = std::move(*model);
    auto signed_manifest = sign_manifest(m.to_json().dump(), key);
    if (!signed_manifest) return fail("internal: packed manifest does not verify: ", signed_manifest.error().message);

    auto tmp = out;
    tmp += ".tmp-" + std::to_string(::getpid());
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) return fail(out.string(), ": cannot create");
    std::string head = signed_manifest->head();
    bool ok = std::fwrite(head.data(), 1, head.size(), f) == head.size();
    std::vector<char> buffer(1 << 16);
    for (std::size_t i = 0; ok && i < blob_files.size(); ++i) {
        const auto& path = blob_files[i];
        if (options.progress) options.progress(done, total * 2, path);
        std::FILE* in = std::fopen((dir / path).c_str(), "rb");
        if (!in) {
            ok = false;
            break;
        }
        Sha256 hash;
        std::size_t n;
        std::uint64_t copied = 0;
        while ((n = std::fread(buffer.data(), 1, buffer.size(), in)) > 0) {
            hash.update(buffer.data(), n);
            ok = ok && std::fwrite(buffer.data(), 1, n, f) == n;
            copied += n;
            done += n;
            if (options.progress && (copied & ((8u << 20) - 1)) < n) options.progress(done, total * 2, path);
        }
        std::fclose(in);
        if (hash.hex() != m.blobs[i].sha256 || copied != m.blobs[i].size) {
            std::fclose(f);
            std::filesystem::remove(tmp);
            return fail((dir / path).string(), ": changed while packing; pack again");
        }
    }
    ok = std::fflush(f) == 0 && ok;
    ok = ::fsync(fileno(f)) == 0 && ok;
    ok = std::fclose(f) == 0 && ok;
    std::error_code ec;
    if (ok) std::filesystem::rename(tmp, out, ec);
    if (!ok || ec) {
        std::filesystem::remove(tmp, ec);
        return fail(out.string(), ": write failed");
    }
    if (options.progress) options.progress(total * 2, total * 2, "");
    PackSummary summary;
    summary.package_bytes = std::filesystem::file_size(out);
    summary.manifest = std::move(*signed_manifest);
    return summary;
}

}  // namespace station::content
