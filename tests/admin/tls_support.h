// Test support for tests/admin: self-signed certificates made at test time with the openssl
// command (package openssl), which also gives the reference fingerprint the tools must agree with,
// and a kiosk config that serves HTTPS with one.
#pragma once
#include <doctest/doctest.h>

#include <string>

#include "process.h"
#include "temp_dir.h"

namespace station::test {

struct Certificate {
    std::string cert, key;  // PEM files
    std::string sha256;     // as openssl prints it: AB:CD:...
};

// A self-signed P-256 certificate for 127.0.0.1, as a station would make for its kiosk.
inline Certificate make_certificate(const TempDir& dir, const std::string& name) {
    Certificate c{(dir / (name + ".crt")).string(), (dir / (name + ".key")).string(), ""};
    auto made = run_process({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                             "-nodes", "-days", "2", "-subj", "/CN=station-kiosk-" + name, "-addext",
                             "subjectAltName=IP:127.0.0.1", "-keyout", c.key, "-out", c.cert});
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    auto printed = run_process({"openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", c.cert});
    REQUIRE(printed.exit_code == 0);
    auto equals = printed.out.find('=');
    REQUIRE(equals != std::string::npos);
    c.sha256 = printed.out.substr(equals + 1);
    while (!c.sha256.empty() && (c.sha256.back() == '\n' || c.sha256.back() == '\r')) c.sha256.pop_back();
    REQUIRE(c.sha256.size() == 95);
    return c;
}

// A kiosk config file (DIR/name) whose [api] serves HTTPS with `c`; its path.
inline std::string tls_config(const TempDir& dir, const Certificate& c, const std::string& name = "kiosk.toml") {
    dir.write(name, "[api]\ntls_cert = \"" + c.cert + "\"\ntls_key = \"" + c.key + "\"\n");
    return (dir / name).string();
}

}  // namespace station::test
