// station-admin's configuration file (TOML), for a desk PC that always watches the same kiosks:
//
//   kiosks = ["http://192.168.1.21:8600", "http://192.168.1.22:8600"]   # each as for --connect
//   user = "wang"                                                        # the login form's default
//   pin_cert = "AB:CD:..."      # https kiosks: accept only this certificate (SHA-256), as --pin-cert
//   [pin_certs]                 # or one per kiosk, by address (overrides pin_cert for that kiosk)
//   "https://192.168.1.22:8600" = "12:34:..."
//
// Every key is optional; an unknown key or a bad value is an error naming the file, the line when
// known, and the key. --connect adds kiosks to the file's; --user replaces its user.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "kiosk/core/result.h"

namespace station::console {

struct ConsoleConfig {
    std::vector<std::string> kiosks;
    std::string user;
    std::string pin_cert;                          // canonical SHA-256 (admin/client/tls.h); "" = none
    std::map<std::string, std::string> pin_certs;  // by kiosk address, canonical
    // The pin for one kiosk: its own, else pin_cert.
    std::string pin_for(const std::string& url) const {
        auto own = pin_certs.find(url);
        return own != pin_certs.end() ? own->second : pin_cert;
    }
};

Result<ConsoleConfig> parse_console_config(const std::string& text, const std::string& file_name);
Result<ConsoleConfig> load_console_config(const std::string& file);

}  // namespace station::console
