// Hashes and signatures for content packages (libsodium): SHA-256 for content addressing,
// Ed25519 for the manifest signature, and the key files `stationctl keys gen` writes.
//
// Key files are one line of text, like OpenSSH's:
//   NAME.pub   "station-ed25519-public <base64 32-byte key> <name>\n"
//   NAME.key   "station-ed25519-secret <base64 64-byte libsodium secret key> <name>\n"  (mode 0600)
// A key's id is the first 16 hex digits of SHA-256 over its 32 public-key bytes.
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "content/result.h"

namespace station::content {

using PublicKeyBytes = std::array<std::uint8_t, 32>;  // Ed25519 public key
using SignatureBytes = std::array<std::uint8_t, 64>;  // Ed25519 detached signature

// Incremental SHA-256; hex() ends it. Not thread-safe; one per stream.
class Sha256 {
public:
    Sha256();                                             // starts an empty hash
    void update(const void* bytes, std::size_t size);     // feeds bytes
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    std::string hex();                                    // finishes: 64 lowercase hex digits

private:
    alignas(64) unsigned char state_[128];                // crypto_hash_sha256_state, opaque here
};

std::string sha256_hex(std::string_view bytes);                        // SHA-256 of bytes, hex
Result<std::string> sha256_file(const std::filesystem::path& file);    // SHA-256 of a file, hex
bool is_sha256_hex(std::string_view text);                             // 64 lowercase hex digits

struct PublicKey {
    std::string name;                                     // the name given at `keys gen`
    PublicKeyBytes bytes{};                               // raw key
    std::string id() const;                               // 16 hex digits, see above
};

struct SecretKey {
    std::string name;                                     // the name given at `keys gen`
    std::array<std::uint8_t, 64> bytes{};                 // libsodium secret key (seed + public)
    PublicKey public_key() const;                         // its public half
};

struct KeyPair {
    SecretKey secret;
    PublicKey public_key;
};

KeyPair generate_key_pair(const std::string& name);                    // fresh random Ed25519 pair
// Writes DIR/NAME.key (0600, refuses to overwrite) and DIR/NAME.pub; returns the two paths.
Result<std::array<std::filesystem::path, 2>> write_key_files(const KeyPair& keys,
                                                              const std::filesystem::path& dir);
Result<PublicKey> read_public_key(const std::filesystem::path& file);   // parses a .pub file
Result<SecretKey> read_secret_key(const std::filesystem::path& file);   // parses a .key file
Result<PublicKey> parse_public_key(std::string_view text, const std::string& where);  // .pub text

// Domain-separated Ed25519 signature over message (see package.h for what is signed).
SignatureBytes sign(const SecretKey& key, std::string_view message);
bool signature_valid(const PublicKey& key, std::string_view message, const SignatureBytes& sig);

std::string to_hex(const std::uint8_t* bytes, std::size_t size);     // lowercase hex

}  // namespace station::content
