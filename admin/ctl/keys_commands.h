// `stationctl keys ...`: Ed25519 signing keys for content packages (content/crypto.h).
//   keys gen NAME --dir DIR    writes DIR/NAME.key (secret, 0600) and DIR/NAME.pub
#pragma once
#include <CLI/CLI.hpp>

#include <string>

namespace station::ctl {

class KeysCommands {
public:
    explicit KeysCommands(CLI::App& app);   // registers the `keys` subcommand tree on app
    bool parsed() const;                    // true when the command line chose `keys ...`
    int run();                              // runs it; exit code 0 ok, 1 failed

private:
    CLI::App* keys_ = nullptr;
    CLI::App* gen_ = nullptr;
    std::string name_;
    std::string dir_ = ".";
};

}  // namespace station::ctl
