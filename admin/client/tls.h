// TLS for the admin tools' connections to a kiosk: certificate fingerprints and pinning.
//
// A station's kiosk usually serves HTTPS with a self-signed certificate. With a pin (the SHA-256
// of the kiosk's leaf certificate), chain validation is replaced by the pin check: any other
// certificate fails the handshake, before a byte of the request (or its token) is sent. Without a
// pin, https:// gets the system's normal verification (CA chain and host name).
//
// Fingerprints are written as `openssl x509 -fingerprint -sha256` prints them: 32 upper-case hex
// pairs joined by ':'.
#pragma once
#include <optional>
#include <string>

namespace httplib {
class Client;
enum class Error;
}  // namespace httplib

namespace station::admin {

// The canonical form of a SHA-256 fingerprint given with or without colons, in either case, with
// an optional "sha256:" or "SHA256 Fingerprint=" prefix; nullopt when it is not 64 hex digits.
std::optional<std::string> normalize_fingerprint(const std::string& text);

// The SHA-256 fingerprint of the first certificate in a PEM file; on failure, "" and `error` says
// why (unreadable, or no PEM certificate in it).
std::string pem_file_fingerprint(const std::string& path, std::string* error);

// One connection's certificate check. Lives as long as the client that uses it.
struct TlsCheck {
    std::string pinned;  // canonical fingerprint to insist on; "" = normal verification
    std::string seen;    // the leaf certificate the server presented (set during the handshake)
};

// Sets up `client` for `check` when its URL is https://; does nothing for http://. The first
// https client makes the process ignore SIGPIPE (OpenSSL's writes to a closed socket raise it).
void apply_tls_check(httplib::Client& client, TlsCheck& check);

// Words for a failed request to base_url: the transport error with what to do about it (a pin
// mismatch shows both fingerprints; an untrusted certificate suggests --pin-cert with the one seen;
// http:// to an HTTPS kiosk and the reverse say so).
std::string transport_error_words(const std::string& base_url, httplib::Error error, const TlsCheck& check);

}  // namespace station::admin
