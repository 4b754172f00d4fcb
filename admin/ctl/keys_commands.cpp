#include "admin/ctl/keys_commands.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "content/crypto.h"

namespace station::ctl {

KeysCommands::KeysCommands(CLI::App& app) {
    keys_ = app.add_subcommand("keys", "Signing keys for content packages");
    keys_->require_subcommand(1);
    gen_ = keys_->add_subcommand("gen", "Make an Ed25519 key pair: DIR/NAME.key (secret) and DIR/NAME.pub");
    gen_->add_option("NAME", name_, "Key name, e.g. the editor's office (letters, digits, - and _)")->required();
    gen_->add_option("--dir", dir_, "Folder for the two files (default: .)");
}

bool KeysCommands::parsed() const { return keys_->parsed(); }

int KeysCommands::run() {
    bool valid = !name_.empty() && name_.size() <= 64 && std::all_of(name_.begin(), name_.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    if (!valid) {
        std::fprintf(stderr, "stationctl: keys gen: name \"%s\" must be 1-64 letters, digits, - or _\n", name_.c_str());
        return 2;
    }
    auto pair = content::generate_key_pair(name_);
    auto written = content::write_key_files(pair, dir_);
    if (!written) {
        std::fprintf(stderr, "stationctl: keys gen: %s\n", written.error().message.c_str());
        return 1;
    }
    std::cout << "secret key: " << (*written)[0].string() << "  (keep it private; mode 0600)\n"
              << "public key: " << (*written)[1].string() << "  (give it to the stations: --trust-key)\n"
              << "key id:     " << pair.public_key.id() << "\n";
    return 0;
}

}  // namespace station::ctl
