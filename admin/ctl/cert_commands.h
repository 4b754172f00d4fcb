// `stationctl cert ...`: the kiosk's TLS certificate, for pinning (admin/client/tls.h).
//   cert fingerprint FILE.pem    prints its SHA-256 as `openssl x509 -fingerprint -sha256` does,
//                                the value to give --pin-cert
#pragma once
#include <CLI/CLI.hpp>

#include <string>

namespace station::ctl {

class CertCommands {
public:
    explicit CertCommands(CLI::App& app);  // registers the `cert` subcommand tree on app
    bool parsed() const;                   // true when the command line chose `cert ...`
    int run();                             // exit code 0 ok, 1 the file is unreadable or not PEM

private:
    CLI::App* cert_ = nullptr;
    CLI::App* fingerprint_ = nullptr;
    std::string file_;
};

}  // namespace station::ctl
