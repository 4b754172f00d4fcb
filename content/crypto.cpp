#include "content/crypto.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

namespace station::content {
namespace {

static_assert(sizeof(crypto_hash_sha256_state) <= 128, "Sha256::state_ too small");
static_assert(crypto_sign_PUBLICKEYBYTES == 32 && crypto_sign_SECRETKEYBYTES == 64 &&
              crypto_sign_BYTES == 64);

constexpr std::string_view kPublicTag = "station-ed25519-public";
constexpr std::string_view kSecretTag = "station-ed25519-secret";

void init_sodium() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0) std::abort();  // no usable randomness: nothing safe to do
    });
}

std::string to_base64(const std::uint8_t* bytes, std::size_t size) {
    std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

bool from_base64(std::string_view text, std::uint8_t* out, std::size_t size) {
    std::size_t written = 0;
    if (sodium_base642bin(out, size, text.data(), text.size(), nullptr, &written, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    return written == size;
}

// Splits "TAG BASE64 NAME" (name may be absent).
bool split_key_line(std::string_view text, std::string_view& tag, std::string_view& b64,
                    std::string& name) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.remove_suffix(1);
    auto first = text.find(' ');
    if (first == std::string_view::npos) return false;
    tag = text.substr(0, first);
    auto rest = text.substr(first + 1);
    auto second = rest.find(' ');
    b64 = rest.substr(0, second);
    name = second == std::string_view::npos ? std::string() : std::string(rest.substr(second + 1));
    return true;
}

Result<std::string> read_small_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return fail(file.string(), ": cannot open");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.size() > 4096) return fail(file.string(), ": too large for a key file");
    return text;
}

std::string signing_message(std::string_view message) {
    // Domain separation: a Station package signature can never be replayed as another protocol's.
    std::string out = "station-spkg-signature-v1\n";
    out.append(message);
    return out;
}

}  // namespace

Sha256::Sha256() {
    init_sodium();
    crypto_hash_sha256_init(reinterpret_cast<crypto_hash_sha256_state*>(state_));
}

void Sha256::update(const void* bytes, std::size_t size) {
    crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(state_),
                              static_cast<const unsigned char*>(bytes), size);
}

std::string Sha256::hex() {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(reinterpret_cast<crypto_hash_sha256_state*>(state_), digest);
    return to_hex(digest, sizeof digest);
}

std::string sha256_hex(std::string_view bytes) {
    Sha256 hash;
    hash.update(bytes);
    return hash.hex();
}

Result<std::string> sha256_file(const std::filesystem::path& file) {
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) return fail(file.string(), ": cannot open");
    Sha256 hash;
    std::vector<char> buffer(1 << 16);
    std::size_t n;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0) hash.update(buffer.data(), n);
    bool bad = std::ferror(f);
    std::fclose(f);
    if (bad) return fail(file.string(), ": read error");
    return hash.hex();
}

bool is_sha256_hex(std::string_view text) {
    if (text.size() != 64) return false;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

std::string to_hex(const std::uint8_t* bytes, std::size_t size) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 15];
    }
    return out;
}

std::string PublicKey::id() const {
    return sha256_hex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()))
        .substr(0, 16);
}

PublicKey SecretKey::public_key() const {
    PublicKey pk;
    pk.name = name;
    crypto_sign_ed25519_sk_to_pk(pk.bytes.data(), bytes.data());
    return pk;
}

KeyPair generate_key_pair(const std::string& name) {
    init_sodium();
    KeyPair keys;
    keys.secret.name = name;
    keys.public_key.name = name;
    crypto_sign_keypair(keys.public_key.bytes.data(), keys.secret.bytes.data());
    return keys;
}

Result<std::array<std::filesystem::path, 2>> write_key_files(const KeyPair& keys,
                                                              const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return fail(dir.string(), ": cannot create folder: ", ec.message());
    auto secret_path = dir / (keys.secret.name + ".key");
    auto public_path = dir / (keys.public_key.name + ".pub");
    if (std::filesystem::exists(secret_path))
        return fail(secret_path.string(), ": already exists; not overwriting a secret key");
    // O_EXCL + 0600 from the start: the secret is never readable by others, not even briefly.
    std::FILE* f = nullptr;
    {
        mode_t old = ::umask(077);
        f = std::fopen(secret_path.c_str(), "wx");
        ::umask(old);
    }
    if (!f) return fail(secret_path.string(), ": cannot create");
    std::string secret_line = std::string(kSecretTag) + " " +
                              to_base64(keys.secret.bytes.data(), keys.secret.bytes.size()) + " " +
                              keys.secret.name + "\n";
    bool ok = std::fwrite(secret_line.data(), 1, secret_line.size(), f) == secret_line.size();
    ok = std::fclose(f) == 0 && ok;
    ::chmod(secret_path.c_str(), 0600);
    if (!ok) return fail(secret_path.string(), ": write failed");
    std::ofstream pub(public_path, std::ios::binary | std::ios::trunc);
    pub << kPublicTag << ' ' << to_base64(keys.public_key.bytes.data(), keys.public_key.bytes.size())
        << ' ' << keys.public_key.name << '\n';
    if (!pub.flush()) return fail(public_path.string(), ": write failed");
    return std::array<std::filesystem::path, 2>{secret_path, public_path};
}

Result<PublicKey> parse_public_key(std::string_view text, const std::string& where) {
    std::string_view tag, b64;
    PublicKey key;
    if (!split_key_line(text, tag, b64, key.name) || tag != kPublicTag)
        return fail(where, ": not a Station public key (expected a line starting '", kPublicTag,
                    "')");
    if (!from_base64(b64, key.bytes.data(), key.bytes.size()))
        return fail(where, ": public key is not 32 bytes of base64");
    return key;
}

Result<PublicKey> read_public_key(const std::filesystem::path& file) {
    auto text = read_small_file(file);
    if (!text) return text.error();
    if (text->rfind(kSecretTag, 0) == 0)
        return fail(file.string(), ": this is a secret key; pass the .pub file");
    return parse_public_key(*text, file.string());
}

Result<SecretKey> read_secret_key(const std::filesystem::path& file) {
    auto text = read_small_file(file);
    if (!text) return text.error();
    std::string_view tag, b64;
    SecretKey key;
    if (!split_key_line(*text, tag, b64, key.name) || tag != kSecretTag)
        return fail(file.string(), ": not a Station secret key (expected a line starting '",
                    kSecretTag, "')");
    if (!from_base64(b64, key.bytes.data(), key.bytes.size()))
        return fail(file.string(), ": secret key is not 64 bytes of base64");
    sodium_memzero(text->data(), text->size());
    return key;
}

SignatureBytes sign(const SecretKey& key, std::string_view message) {
    init_sodium();
    SignatureBytes sig{};
    std::string signed_bytes = signing_message(message);
    crypto_sign_detached(sig.data(), nullptr,
                         reinterpret_cast<const unsigned char*>(signed_bytes.data()),
                         signed_bytes.size(), key.bytes.data());
    return sig;
}

bool signature_valid(const PublicKey& key, std::string_view message, const SignatureBytes& sig) {
    init_sodium();
    std::string signed_bytes = signing_message(message);
    return crypto_sign_verify_detached(sig.data(),
                                       reinterpret_cast<const unsigned char*>(signed_bytes.data()),
                                       signed_bytes.size(), key.bytes.data()) == 0;
}

}  // namespace station::content
