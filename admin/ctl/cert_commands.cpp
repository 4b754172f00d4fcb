#include "admin/ctl/cert_commands.h"

#include <cstdio>

#include "admin/client/tls.h"

namespace station::ctl {

CertCommands::CertCommands(CLI::App& app) {
    cert_ = app.add_subcommand("cert", "The kiosk's TLS certificate, for --pin-cert");
    cert_->require_subcommand(1);
    fingerprint_ = cert_->add_subcommand(
        "fingerprint", "Print a PEM certificate's SHA-256 fingerprint (the value for --pin-cert)");
    fingerprint_->add_option("FILE", file_, "The certificate, e.g. the kiosk's [api] tls_cert")->required();
}

bool CertCommands::parsed() const { return cert_->parsed(); }

int CertCommands::run() {
    std::string error;
    std::string fingerprint = admin::pem_file_fingerprint(file_, &error);
    if (fingerprint.empty()) {
        std::fprintf(stderr, "stationctl: cert fingerprint: %s\n", error.c_str());
        return 1;
    }
    std::printf("%s\n", fingerprint.c_str());
    return 0;
}

}  // namespace station::ctl
