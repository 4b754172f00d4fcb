#include "kiosk/api/tls_identity.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace station::api {
namespace {

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

Result<Bio> open_pem(const char* key, const std::string& path) {
    errno = 0;
    if (FILE* probe = std::fopen(path.c_str(), "rb")) {
        std::fclose(probe);
    } else {
        return Error{std::string("key '") + key + "': cannot read " + path + ": " + std::strerror(errno)};
    }
    Bio bio(BIO_new_file(path.c_str(), "r"), BIO_free);
    if (!bio) return Error{std::string("key '") + key + "': cannot read " + path};
    return bio;
}

// An encrypted key is refused rather than prompting on the terminal (the kiosk runs unattended).
int no_passphrase(char*, int, int, void*) { return 0; }

std::string fingerprint(X509* certificate) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    X509_digest(certificate, EVP_sha256(), digest, &length);
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        if (i) out += ':';
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xF];
    }
    return out;
}

}  // namespace

Result<std::optional<TlsIdentity>> load_tls_identity(const StationConfig::Api& api) {
    if (api.tls_cert.empty() && api.tls_key.empty()) return std::optional<TlsIdentity>();
    if (api.tls_cert.empty() || api.tls_key.empty())
        return Error{std::string("key '") + (api.tls_cert.empty() ? "api.tls_cert" : "api.tls_key") +
                     "': missing (HTTPS takes both the certificate and its private key, or neither)"};

    auto cert_file = open_pem("api.tls_cert", api.tls_cert);
    if (!cert_file) return cert_file.error();
    std::unique_ptr<X509, decltype(&X509_free)> certificate(
        PEM_read_bio_X509(cert_file->get(), nullptr, nullptr, nullptr), X509_free);
    ERR_clear_error();
    if (!certificate)
        return Error{"key 'api.tls_cert': " + api.tls_cert +
                     ": no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)"};

    auto key_file = open_pem("api.tls_key", api.tls_key);
    if (!key_file) return key_file.error();
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> private_key(
        PEM_read_bio_PrivateKey(key_file->get(), nullptr, no_passphrase, nullptr), EVP_PKEY_free);
    ERR_clear_error();
    if (!private_key)
        return Error{"key 'api.tls_key': " + api.tls_key +
                     ": no unencrypted PEM private key in it (expected -----BEGIN PRIVATE KEY-----)"};
    if (X509_check_private_key(certificate.get(), private_key.get()) != 1) {
        ERR_clear_error();
        return Error{"key 'api.tls_key': " + api.tls_key + " is not the private key of the certificate in api.tls_cert (" +
                     api.tls_cert + ")"};
    }
    return std::optional<TlsIdentity>(TlsIdentity{api.tls_cert, api.tls_key, fingerprint(certificate.get())});
}

}  // namespace station::api
