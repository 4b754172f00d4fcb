#include "admin/ctl/credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace station::ctl {
namespace {

nlohmann::json read_tokens() {
    std::ifstream in(token_file());
    if (!in) return nlohmann::json::object();
    std::stringstream text;
    text << in.rdbuf();
    auto tokens = nlohmann::json::parse(text.str(), nullptr, false);
    return tokens.is_object() ? tokens : nlohmann::json::object();
}

// Written to a temporary file created 0600, then renamed: the token is never readable by others.
bool write_tokens(const nlohmann::json& tokens, std::string* error) {
    std::filesystem::path path = token_file();
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
        *error = path.parent_path().string() + ": " + ec.message();
        return false;
    }
    std::string temporary = path.string() + ".tmp";
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = temporary + ": cannot create";
        return false;
    }
    ::fchmod(fd, 0600);
    std::string text = tokens.dump(2) + "\n";
    bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    written = ::fsync(fd) == 0 && written;
    ::close(fd);
    if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
        *error = path.string() + ": cannot write";
        return false;
    }
    return true;
}

std::string pin_cert_option;  // --pin-cert, set once by main() before any command runs

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

std::filesystem::path token_file() {
    const char* config_home = std::getenv("XDG_CONFIG_HOME");
    std::filesystem::path base;
    if (config_home && *config_home)
        base = config_home;
    else if (const char* home = std::getenv("HOME"))
        base = std::filesystem::path(home) / ".config";
    else
        base = ".config";
    return base / "station" / "stationctl-tokens.json";
}

void set_pin_cert_option(std::string fingerprint) { pin_cert_option = std::move(fingerprint); }

void apply_pin_cert_option(admin::ApiClient& client) { client.set_pinned_certificate(pin_cert_option); }

void add_credential_options(CLI::App* command, Credentials& credentials) {
    command->add_option("--user", credentials.user,
                        "Staff username (default: the token saved by `stationctl login`)");
    command->add_option("--pin", credentials.pin, "PIN (default: $STATION_PIN)");
}

KioskLogin login_to(const std::string& server, Credentials credentials) {
    KioskLogin out;
    auto refuse = [&out](int code, std::string why) {
        out.code = code;
        out.error = std::move(why);
        return out;
    };
    if (credentials.user.empty()) {
        nlohmann::json saved = read_tokens();
        if (!saved.contains(server) || !saved[server].is_object() || !saved[server]["token"].is_string())
            return refuse(2, "--user: required (or run `stationctl login --server " + server + " --user NAME` first)");
        if (saved[server].value("expires_at", int64_t(0)) <= now_ms())
            return refuse(1, "the saved login for " + server + " has expired; run `stationctl login` again");
        std::string saved_pin = saved[server].value("pin_cert", "");
        if (!saved_pin.empty() && !pin_cert_option.empty() && saved_pin != pin_cert_option)
            return refuse(1, "--pin-cert " + pin_cert_option + ": the saved login for " + server + " is pinned to " +
                                 saved_pin + "; to trust the new certificate, run `stationctl login --server " + server +
                                 " --pin-cert " + pin_cert_option + " --user NAME` again");
        out.pinned = saved_pin.empty() ? pin_cert_option : saved_pin;
        out.token = saved[server]["token"].get<std::string>();
        return out;
    }
    out.pinned = pin_cert_option;
    if (credentials.pin.empty())
        if (const char* env = std::getenv("STATION_PIN")) credentials.pin = env;
    if (credentials.pin.empty()) return refuse(2, "--pin: required (or set STATION_PIN)");
    admin::ApiClient client(server);
    client.set_pinned_certificate(out.pinned);
    auto login = client.post("/api/v1/login", {{"user", credentials.user}, {"pin", credentials.pin}});
    if (!login.ok()) return refuse(1, "login: " + login.error);
    out.token = login.body.value("token", "");
    return out;
}

int authenticate(admin::ApiClient& client, Credentials credentials) {
    KioskLogin login = login_to(client.base_url(), std::move(credentials));
    if (login.code) {
        std::fprintf(stderr, "stationctl: %s\n", login.error.c_str());
        return login.code;
    }
    client.set_pinned_certificate(login.pinned);
    client.set_token(login.token);
    return 0;
}

LoginCommands::LoginCommands(CLI::App& app) {
    login_ = app.add_subcommand("login", "Log in once and save the token (0600) for later commands");
    login_->fallthrough();
    login_->add_option("--user", credentials_.user, "Staff username")->required();
    login_->add_option("--pin", credentials_.pin, "PIN (default: $STATION_PIN)");
    logout_ = app.add_subcommand("logout", "Forget the token saved for --server");
    logout_->fallthrough();
}

bool LoginCommands::parsed() const {
    return login_->parsed() || logout_->parsed();
}

int LoginCommands::run(const std::string& server) {
    nlohmann::json saved = read_tokens();
    std::string error;
    if (logout_->parsed()) {
        saved.erase(server);
        if (!write_tokens(saved, &error)) {
            std::fprintf(stderr, "stationctl: %s\n", error.c_str());
            return 1;
        }
        std::printf("logged out of %s\n", server.c_str());
        return 0;
    }
    admin::ApiClient client(server);
    // --pin-cert, else the pin saved by the previous login: a changed certificate needs a new --pin-cert.
    std::string previous_pin = saved.contains(server) && saved[server].is_object()
                                   ? saved[server].value("pin_cert", "")
                                   : "";
    client.set_pinned_certificate(pin_cert_option.empty() ? previous_pin : pin_cert_option);
    if (credentials_.pin.empty())
        if (const char* env = std::getenv("STATION_PIN")) credentials_.pin = env;
    if (credentials_.pin.empty()) {
        std::fprintf(stderr, "stationctl: --pin: required (or set STATION_PIN)\n");
        return 2;
    }
    auto login = client.post("/api/v1/login", {{"user", credentials_.user}, {"pin", credentials_.pin}});
    if (!login.ok()) {
        std::fprintf(stderr, "stationctl: login: %s\n", login.error.c_str());
        return 1;
    }
    saved[server] = {{"user", credentials_.user},
                     {"role", login.body.value("role", "")},
                     {"token", login.body.value("token", "")},
                     {"expires_at", login.body.value("expires_at", int64_t(0))}};
    if (!client.seen_certificate().empty()) saved[server]["pin_cert"] = client.seen_certificate();
    if (!write_tokens(saved, &error)) {
        std::fprintf(stderr, "stationctl: %s\n", error.c_str());
        return 1;
    }
    std::printf("logged in to %s as %s (%s); token saved in %s\n", server.c_str(), credentials_.user.c_str(),
                login.body.value("role", "").c_str(), token_file().c_str());
    if (!client.seen_certificate().empty())
        std::printf("certificate SHA-256 %s pinned for %s\n", client.seen_certificate().c_str(), server.c_str());
    return 0;
}

}  // namespace station::ctl
