// The kiosk API's HTTPS identity: the certificate and private key named by [api] tls_cert and
// tls_key (kiosk/core/config.h), checked before the kiosk starts.
#pragma once
#include <optional>
#include <string>

#include "kiosk/core/config.h"
#include "kiosk/core/result.h"

namespace station::api {

struct TlsIdentity {
    std::string cert_path;           // PEM certificate (chain), leaf first
    std::string key_path;            // PEM private key
    std::string fingerprint_sha256;  // of the leaf, "AB:CD:..." as `openssl x509 -fingerprint -sha256`
};

// nullopt when neither key is set (plain HTTP). Otherwise both files must be readable PEM, the
// key must belong to the certificate; the error names the key ('api.tls_cert' / 'api.tls_key'),
// the file and the problem.
Result<std::optional<TlsIdentity>> load_tls_identity(const StationConfig::Api& api);

}  // namespace station::api
