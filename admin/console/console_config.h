// station-admin's configuration file (TOML), for a desk PC that always watches the same kiosks:
//
//   kiosks = ["http://192.168.1.21:8600", "http://192.168.1.22:8600"]   # each as for --connect
//   user = "wang"                                                        # the login form's default
//
// Every key is optional; an unknown key or a bad value is an error naming the file, the line when
// known, and the key. --connect adds kiosks to the file's; --user replaces its user.
#pragma once
#include <string>
#include <vector>

#include "kiosk/core/result.h"

namespace station::console {

struct ConsoleConfig {
    std::vector<std::string> kiosks;
    std::string user;
};

Result<ConsoleConfig> parse_console_config(const std::string& text, const std::string& file_name);
Result<ConsoleConfig> load_console_config(const std::string& file);

}  // namespace station::console
