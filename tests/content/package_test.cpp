// .spkg: signing, verification, and every way a package can be wrong.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include "content/crypto.h"
#include "content/package.h"
#include "content_fixture.h"
#include "temp_dir.h"

using namespace station::content;
using namespace station::content::test;
using station::test::TempDir;

namespace {

struct Packed {
    TempDir dir;
    KeyPair keys = generate_key_pair("editor");
    TrustedKeys trusted{{keys.public_key}};
    SignedManifest manifest;
    std::string bytes;
    Packed() {
        write_folder(dir / "c", 5, {{"a.png", pattern_bytes(1000, 1)}, {"b.png", pattern_bytes(3000, 2)}});
        manifest = pack_unprobed(dir / "c", keys.secret, dir / "p.spkg");
        bytes = read_all(dir / "p.spkg");
    }
    // Verifies `bytes` written to a file; returns the error message, or "" when it passes.
    std::string verify_bytes(const std::string& b, const VersionPolicy& policy = {}) {
        write_all(dir / "x.spkg", b);
        auto r = verify_package(dir / "x.spkg", trusted, policy);
        return r ? "" : r.error().message;
    }
    // Re-signs an edited manifest with `key` and rebuilds the package with the same blobs.
    std::string resigned(const std::string& manifest_json, const SecretKey& key) {
        SignedManifest sm;
        sm.bytes = manifest_json;
        sm.signature = sign(key, manifest_json);
        return sm.head() + bytes.substr(manifest.blob_offset(0));
    }
};

}  // namespace

TEST_CASE("a packed folder verifies, with blobs in manifest order after the signature") {
    Packed p;
    CHECK(p.verify_bytes(p.bytes) == "");
    const auto& m = p.manifest.manifest;
    CHECK(m.version == 5);
    CHECK(m.author_key_id == p.keys.public_key.id());
    CHECK(m.files.size() == 2);
    CHECK(m.blobs.size() == 2);
    CHECK(p.bytes.compare(0, 8, "STNSPKG1") == 0);
    CHECK(p.bytes.size() == p.manifest.blob_offset(2));
    CHECK(sha256_hex(std::string_view(p.bytes).substr(p.manifest.blob_offset(1), m.blobs[1].size)) == m.blobs[1].sha256);
}

TEST_CASE("identical files share one blob") {
    TempDir dir;
    auto keys = generate_key_pair("editor");
    write_folder(dir / "c", 1, {{"a.png", "same bytes"}, {"b.png", "same bytes"}});
    auto sm = pack_unprobed(dir / "c", keys.secret, dir / "p.spkg");
    CHECK(sm.manifest.files.size() == 2);
    CHECK(sm.manifest.blobs.size() == 1);
}

TEST_CASE("tampering, truncation and strangers are refused with a message naming what") {
    Packed p;
    auto other = generate_key_pair("stranger");
    std::string json = p.manifest.bytes;
    auto flip = [](std::string s, std::size_t at) {
        s[at] = static_cast<char>(s[at] ^ 0x01);
        return s;
    };
    auto replace = [&](std::string from, std::string to) {
        auto s = json;
        auto at = s.find(from);
        REQUIRE_MESSAGE(at != std::string::npos, from);
        s.replace(at, from.size(), to);
        return s;
    };
    struct Case {
        const char* name;
        std::string bytes;
        const char* expect;
    } cases[] = {
        {"bit flipped in a blob", flip(p.bytes, p.manifest.blob_offset(1) + 100), "SHA-256 does not match"},
        {"bit flipped in the manifest", flip(p.bytes, 40), ""},
        {"bit flipped in the signature", flip(p.bytes, 16 + p.manifest.bytes.size() + 3), "signature: does not match"},
        {"signed by an untrusted key",
         p.resigned(replace(p.keys.public_key.id(), other.public_key.id()), other.secret),
         "which this station does not trust"},
        {"signed by a stranger claiming a trusted key id", p.resigned(json, other.secret),
         "signature: does not match"},
        {"truncated in the last blob", p.bytes.substr(0, p.bytes.size() - 10), "ends 10 bytes before"},
        {"truncated in the header", p.bytes.substr(0, 10), "shorter than its 16-byte header"},
        {"truncated in the manifest", p.bytes.substr(0, 100), "truncated inside the manifest"},
        {"trailing bytes", p.bytes + "x", "unexpected bytes after the last blob"},
        {"bad magic", "STNSPKG9" + p.bytes.substr(8), "bad magic"},
        {"not a package at all", "hello", "shorter than its 16-byte header"},
        {"blob size lie (re-signed)",
         p.resigned(replace("\"size\":1000}", "\"size\":999}"), p.keys.secret), ""},
        {"path traversal in files (re-signed)",
         p.resigned(replace("\"path\":\"media/a.png\"", "\"path\":\"../../etc/cron.d/x\""), p.keys.secret),
         "'..' in path"},
        {"absolute path (re-signed)",
         p.resigned(replace("\"path\":\"media/a.png\"", "\"path\":\"/etc/passwd\""), p.keys.secret), "absolute path"},
        {"content names a file not in files (re-signed)",
         p.resigned(replace("\"file\":\"media/a.png\"", "\"file\":\"media/zzz.png\""), p.keys.secret),
         "content names \"media/zzz.png\", which is not in files"},
        {"unknown manifest field (re-signed)", p.resigned(replace("{\"author\"", "{\"evil\":1,\"author\""), p.keys.secret),
         "evil: unknown field"},
        {"future format (re-signed)", p.resigned(replace("\"format\":1", "\"format\":2"), p.keys.secret),
         "format 2 is not supported"},
    };
    for (const auto& c : cases) {
        std::string name = c.name;
        CAPTURE(name);
        std::string error = p.verify_bytes(c.bytes);
        CHECK_MESSAGE(!error.empty(), c.name);
        CHECK_MESSAGE(error.find(c.expect) != std::string::npos, error);
    }
}

TEST_CASE("an oversized manifest is refused before it is read") {
    Packed p;
    std::string header = "STNSPKG1";
    std::uint32_t huge = kMaxManifestBytes + 1;
    for (int i = 0; i < 4; ++i) header += static_cast<char>((huge >> (8 * i)) & 0xFF);
    header += std::string("\x40\0\0\0", 4);
    std::string error = p.verify_bytes(header + "{}");
    CHECK_MESSAGE(error.find("over the 4194304 byte limit; refused unread") != std::string::npos, error);
    CHECK(!parse_manifest(std::string(kMaxManifestBytes + 1, ' ')));
}

TEST_CASE("a version older than the active one is a replay unless it is a rollback") {
    Packed p;  // version 5
    std::string error = p.verify_bytes(p.bytes, {6, false});
    CHECK_MESSAGE(error.find("older than the active version 6") != std::string::npos, error);
    CHECK(p.verify_bytes(p.bytes, {6, true}) == "");
    CHECK(p.verify_bytes(p.bytes, {5, false}) == "");
    CHECK(p.verify_bytes(p.bytes, {4, false}) == "");
}

TEST_CASE("key files: secret 0600 and never overwritten, public readable, ids match") {
    TempDir dir;
    auto keys = generate_key_pair("office-7");
    auto written = write_key_files(keys, dir.path());
    REQUIRE(written);
    struct stat st {};
    REQUIRE(::stat((*written)[0].c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto secret = read_secret_key((*written)[0]);
    auto pub = read_public_key((*written)[1]);
    REQUIRE(secret);
    REQUIRE(pub);
    CHECK(secret->public_key().id() == pub->id());
    CHECK(pub->name == "office-7");
    CHECK(!write_key_files(keys, dir.path()));
    auto wrong = read_public_key((*written)[0]);
    REQUIRE(!wrong);
    CHECK(wrong.error().message.find("this is a secret key") != std::string::npos);
    auto sig = sign(*secret, "hello");
    CHECK(signature_valid(*pub, "hello", sig));
    CHECK(!signature_valid(*pub, "hellO", sig));
}

TEST_CASE("packing names the file that is missing or not a regular file") {
    TempDir dir;
    auto keys = generate_key_pair("editor");
    write_folder(dir / "c", 1, {{"a.png", "x"}});
    std::filesystem::remove(dir / "c" / "media" / "a.png");
    PackOptions options;
    options.probe_media = false;
    auto r = pack_folder(dir / "c", keys.secret, dir / "p.spkg", options);
    REQUIRE(!r);
    CHECK_MESSAGE(r.error().message.find("items[0] (item0): media/a.png: file not found") != std::string::npos,
                  r.error().message);
    std::filesystem::create_symlink("/etc/passwd", dir / "c" / "media" / "a.png");
    r = pack_folder(dir / "c", keys.secret, dir / "p.spkg", options);
    REQUIRE(!r);
    CHECK(r.error().message.find("not a regular file") != std::string::npos);
    CHECK(!std::filesystem::exists(dir / "p.spkg"));
}
