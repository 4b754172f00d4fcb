#include "admin/client/tls.h"

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <csignal>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>

namespace station::admin {
namespace {

std::string certificate_fingerprint(X509* certificate) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!certificate || X509_digest(certificate, EVP_sha256(), digest, &length) != 1) return "";
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        if (i) out += ':';
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xF];
    }
    return out;
}

// OpenSSL's certificate check for the connection (SSL_CTX_set_cert_verify_callback): it notes the
// leaf certificate's fingerprint, then either compares it with the pin or runs the normal chain
// verification.
int check_certificate(X509_STORE_CTX* store, void* arg) {
    auto* check = static_cast<TlsCheck*>(arg);
    check->seen = certificate_fingerprint(X509_STORE_CTX_get0_cert(store));
    if (check->pinned.empty()) return X509_verify_cert(store);
    if (!check->seen.empty() && check->seen == check->pinned) {
        X509_STORE_CTX_set_error(store, X509_V_OK);
        return 1;
    }
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
}

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

std::optional<std::string> normalize_fingerprint(const std::string& text) {
    std::string rest = text;
    for (const char* prefix : {"sha256 fingerprint=", "sha256:", "sha256="}) {
        std::string lower;
        for (char c : rest.substr(0, std::strlen(prefix)))
            lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == prefix) {
            rest = rest.substr(std::strlen(prefix));
            break;
        }
    }
    std::string digits;
    for (char c : rest) {
        if (c == ':') continue;
        if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
        digits += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (digits.size() != 64) return std::nullopt;
    std::string out;
    for (size_t i = 0; i < digits.size(); i += 2) {
        if (i) out += ':';
        out += digits.substr(i, 2);
    }
    return out;
}

std::string pem_file_fingerprint(const std::string& path, std::string* error) {
    std::unique_ptr<BIO, decltype(&BIO_free)> file(BIO_new_file(path.c_str(), "r"), BIO_free);
    if (!file) {
        *error = path + ": cannot read: " + std::strerror(errno ? errno : ENOENT);
        ERR_clear_error();
        return "";
    }
    std::unique_ptr<X509, decltype(&X509_free)> certificate(
        PEM_read_bio_X509(file.get(), nullptr, nullptr, nullptr), X509_free);
    ERR_clear_error();
    if (!certificate) {
        *error = path + ": no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)";
        return "";
    }
    return certificate_fingerprint(certificate.get());
}

void apply_tls_check(httplib::Client& client, TlsCheck& check) {
    SSL_CTX* context = client.ssl_context();
    if (!context) return;  // http://
    // OpenSSL writes to the socket with write(), not send(MSG_NOSIGNAL) as httplib does for plain
    // HTTP: a kiosk that drops the connection would kill the process with SIGPIPE. The write
    // fails with EPIPE instead, which httplib reports as a broken connection.
    static const bool sigpipe_ignored = std::signal(SIGPIPE, SIG_IGN) != SIG_ERR;
    (void)sigpipe_ignored;
    if (!check.pinned.empty()) {
        // The pin replaces chain and host-name validation: httplib's own check is off, and
        // OpenSSL aborts the handshake when check_certificate says no.
        client.enable_server_certificate_verification(false);
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
    }
    SSL_CTX_set_cert_verify_callback(context, check_certificate, &check);
}

std::string transport_error_words(const std::string& base_url, httplib::Error error, const TlsCheck& check) {
    bool https = starts_with(base_url, "https://");
    std::string prefix = "cannot reach " + base_url + ": ";
    if (https && !check.pinned.empty() && !check.seen.empty() && check.seen != check.pinned)
        return base_url + ": certificate mismatch: the server presented SHA-256 " + check.seen +
               " but the pinned certificate is " + check.pinned +
               "; refused before sending anything. If the kiosk's certificate was replaced on "
               "purpose, check the new one (the kiosk logs it at start) and use --pin-cert with it";
    if (https && error == httplib::Error::SSLServerVerification)
        return prefix + "its certificate" + (check.seen.empty() ? "" : " (SHA-256 " + check.seen + ")") +
               " is not trusted by this computer. A station's own (self-signed) certificate needs "
               "--pin-cert SHA256: compare the fingerprint with the one the kiosk logs at start, or "
               "`stationctl cert fingerprint CERT.pem` on the kiosk";
    if (https && error == httplib::Error::SSLConnection)
        return prefix + "TLS handshake failed (does the kiosk serve HTTPS? for a plain-HTTP kiosk use http://)";
    std::string words = prefix + httplib::to_string(error);
    if (!https && (error == httplib::Error::Read || error == httplib::Error::Write))
        words += " (if the kiosk serves HTTPS, use an https:// address)";
    return words;
}

}  // namespace station::admin
