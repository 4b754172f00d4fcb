#include "admin/ctl/content_commands.h"

#include <httplib.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "admin/client/api_client.h"
#include "admin/client/tls.h"
#include "admin/ctl/credentials.h"

#include "content/authoring.h"
#include "content/package.h"
#include "content/push.h"
#include "content/schedule.h"
#include "content/store.h"

namespace station::ctl {
namespace {

namespace sc = station::content;

int report(const char* command, const sc::Error& error) {
    std::fprintf(stderr, "stationctl: content %s: %s\n", command, error.message.c_str());
    return 1;
}

sc::Result<sc::TrustedKeys> load_trust(const std::vector<std::string>& files) {
    sc::TrustedKeys trusted;
    for (const auto& file : files) {
        auto key = sc::read_public_key(file);
        if (!key) return key.error();
        trusted.keys.push_back(*key);
    }
    return trusted;
}

// A one-line progress bar on stderr, redrawn in place; only on a terminal.
class ProgressBar {
public:
    explicit ProgressBar(bool enabled) : enabled_(enabled) {}
    ~ProgressBar() {
        if (drawn_) std::fputc('\n', stderr);
    }
    void update(std::uint64_t done, std::uint64_t total, const std::string& file) {
        if (!enabled_ || total == 0) return;
        int percent = static_cast<int>(done * 100 / total);
        if (percent == last_percent_ && file == last_file_) return;
        last_percent_ = percent;
        last_file_ = file;
        constexpr int width = 30;
        std::string bar(static_cast<std::size_t>(percent * width / 100), '#');
        bar.resize(width, '.');
        std::string name = file.size() > 40 ? "..." + file.substr(file.size() - 37) : file;
        std::fprintf(stderr, "\r[%s] %3d%% %6.1f/%.1f MB %-40s", bar.c_str(), percent, done / 2 / 1e6, total / 2 / 1e6,
                     name.c_str());
        drawn_ = true;
    }

private:
    bool enabled_;
    bool drawn_ = false;
    int last_percent_ = -1;
    std::string last_file_;
};

void print_version(const char* label, const std::optional<sc::VersionInfo>& v) {
    if (!v) {
        std::cout << label << "-\n";
        return;
    }
    std::cout << label << v->version << "  created " << v->created << "  by " << v->author_name << " ("
              << v->author_key_id << ")  " << v->blob_bytes << " bytes\n";
}

}  // namespace

ContentCommands::ContentCommands(CLI::App& app) {
    content_ = app.add_subcommand("content", "Content packages: init, pack, verify, schedule, push; status and rollback");
    content_->require_subcommand(1);
    content_->fallthrough();  // the common --pin-cert may come after the subcommand

    init_ = content_->add_subcommand("init", "Create a starter content folder (content.toml and media) to edit");
    init_->add_option("DIR", dir_, "Folder to create (empty or absent)")->required();

    pack_ = content_->add_subcommand("pack", "Check, probe, hash and sign a content folder into a .spkg package");
    pack_->add_option("DIR", dir_, "Content folder (with content.toml)")->required();
    pack_->add_option("--key", key_, "Secret key file (stationctl keys gen)")->required();
    pack_->add_option("-o,--output", output_, "Package file to write")->required();
    pack_->add_option("--version", version_, "Content version (default: content.toml's [package] version)");
    pack_->add_flag("--no-probe", no_probe_, "Skip libvlc media probing (not for real content)");
    pack_->add_flag("--json", json_, "Print {\"version\", \"blobs\", \"bytes\", \"manifest_sha256\"}");

    verify_ = content_->add_subcommand("verify", "Check a package as a kiosk would: signature, hashes, sizes, names");
    verify_->add_option("FILE", file_, "Package (.spkg)")->required();
    verify_->add_option("--trust", trust_, "Trusted public key file (repeatable)")->required();
    verify_->add_flag("--json", json_, "Print the manifest as JSON");

    schedule_ = content_->add_subcommand("schedule", "Show what plays in each zone at a given time");
    schedule_->add_option("SOURCE", file_, "Content folder or package (.spkg)")->required();
    schedule_->add_option("--at", at_, "Local time, e.g. 2026-11-28T09:30")->required();
    schedule_->add_option("--trust", trust_, "Trusted public key (for a package; default: read unverified)");
    schedule_->add_flag("--json", json_, "Print the plan as JSON");

    import_ = content_->add_subcommand("import", "Import a package into a local content store (USB, offline)");
    import_->add_option("FILE", file_, "Package (.spkg)")->required();
    import_->add_option("--store", store_, "Store folder (the kiosk's var/content)")->required();
    import_->add_option("--trust", trust_, "Trusted public key file (repeatable)")->required();
    import_->add_flag("--rollback", allow_rollback_, "Accept a version older than the active one");

    push_ = content_->add_subcommand("push", "Send a package to kiosks (only what each lacks) and switch them to it");
    push_->add_option("FILE", file_, "Package (.spkg)")->required();
    push_->add_option("--to", to_, "Kiosk API addresses, comma-separated (http://HOST:PORT)")
        ->required()
        ->delimiter(',');
    push_->add_option("--user", user_,
                      "Staff user with the editor role (default: the token saved by `stationctl login --server URL` "
                      "for each kiosk)");
    push_->add_option("--pin", pin_, "That user's PIN (default: $STATION_PIN)");
    push_->add_flag("--rollback", allow_rollback_, "Accept a version older than the active one");
    push_->add_flag("--json", json_, "Print {\"version\", \"blobs_sent\", \"bytes_sent\"} (a list for several kiosks)");
    push_->fallthrough();

    for (auto** sub : {&status_, &rollback_}) {
        bool is_status = sub == &status_;
        *sub = content_->add_subcommand(is_status ? "status" : "rollback",
                                        is_status ? "Content versions on a kiosk or in a local store"
                                                  : "Switch a kiosk or a local store back to the previous version");
        auto* store = (*sub)->add_option("--store", store_, "Local store folder (the kiosk's var/content)");
        auto* to = (*sub)->add_option("--to", to_, "Kiosk API address (http://HOST:PORT)")->delimiter(',');
        store->excludes(to);
        (*sub)->add_option("--user", user_, "Staff user (with --to; default: the token saved by `stationctl login`)");
        (*sub)->add_option("--pin", pin_, "That user's PIN (with --to; default: $STATION_PIN)");
        (*sub)->add_flag("--json", json_, "Print JSON");
        (*sub)->fallthrough();
    }
}

bool ContentCommands::parsed() const { return content_->parsed(); }

int ContentCommands::run() {
    if (init_->parsed()) return init();
    if (pack_->parsed()) return pack();
    if (verify_->parsed()) return verify();
    if (schedule_->parsed()) return schedule();
    if (import_->parsed()) return import_package();
    if (push_->parsed()) return push();
    if (status_->parsed()) return status();
    if (rollback_->parsed()) return rollback();
    return 2;
}

int ContentCommands::init() {
    auto made = sc::init_content_folder(dir_);
    if (!made) return report("init", made.error());
    std::cout << "created " << dir_ << "/content.toml and media/; edit, then:\n"
              << "  stationctl content pack " << dir_ << " --key KEY.key -o content.spkg\n";
    return 0;
}

int ContentCommands::pack() {
    auto key = sc::read_secret_key(key_);
    if (!key) return report("pack", key.error());
    sc::PackOptions options;
    if (version_ > 0) options.version = version_;
    options.probe_media = !no_probe_;
    // A bar only on a terminal and only for folders big enough to wait for.
    ProgressBar bar(::isatty(2) && !json_);
    options.progress = [&](std::uint64_t done, std::uint64_t total, const std::string& file) {
        if (total >= 2 * (16u << 20)) bar.update(done, total, file);
    };
    auto summary = sc::pack_folder(dir_, *key, output_, options);
    if (!summary) return report("pack", summary.error());
    const auto& m = summary->manifest.manifest;
    if (json_) {
        std::cout << nlohmann::json{{"version", m.version},
                                    {"blobs", m.blobs.size()},
                                    {"bytes", summary->package_bytes},
                                    {"manifest_sha256", summary->manifest.digest()}}
                         .dump()
                  << "\n";
    } else {
        std::cout << "packed " << output_ << ": version " << m.version << ", " << m.content.items.size() << " items, "
                  << m.blobs.size() << " blobs, " << summary->package_bytes << " bytes, signed by " << key->name
                  << " (" << m.author_key_id << ")\n";
    }
    return 0;
}

int ContentCommands::verify() {
    auto trusted = load_trust(trust_);
    if (!trusted) return report("verify", trusted.error());
    auto checked = sc::verify_package(file_, *trusted);
    if (!checked) return report("verify", checked.error());
    const auto& m = checked->manifest;
    if (json_) {
        std::cout << m.to_json().dump(2) << "\n";
        return 0;
    }
    std::cout << "OK " << file_ << ": version " << m.version << ", created " << m.created << ", signed by "
              << m.author_name << " (" << m.author_key_id << "), " << m.content.items.size() << " items, "
              << m.blobs.size() << " blobs, " << m.blob_bytes() << " bytes\n";
    return 0;
}

int ContentCommands::schedule() {
    auto when = sc::parse_local_date_time(at_);
    if (!when) {
        std::fprintf(stderr, "stationctl: content schedule: --at: %s\n", when.error().message.c_str());
        return 2;
    }
    sc::ContentModel model;
    std::error_code ec;
    if (std::filesystem::is_directory(file_, ec)) {
        auto loaded = sc::load_content_folder(file_);
        if (!loaded) return report("schedule", loaded.error());
        model = std::move(*loaded);
    } else {
        sc::Result<sc::SignedManifest> head = sc::Error{};
        if (trust_.empty()) {
            // An editor's own package, read without a trust check (the kiosk always checks).
            std::FILE* f = std::fopen(file_.c_str(), "rb");
            if (!f) return report("schedule", sc::fail(file_, ": cannot open"));
            std::string header(sc::kPackageHeaderBytes, '\0');
            header.resize(std::fread(header.data(), 1, header.size(), f));
            auto size = sc::parse_package_header(header);
            if (!size) {
                std::fclose(f);
                return report("schedule", sc::fail(file_, ": ", size.error().message));
            }
            std::string manifest(*size, '\0');
            manifest.resize(std::fread(manifest.data(), 1, manifest.size(), f));
            std::fclose(f);
            auto parsed = sc::parse_manifest(manifest);
            if (!parsed) return report("schedule", sc::fail(file_, ": ", parsed.error().message));
            model = std::move(parsed->content);
        } else {
            auto trusted = load_trust(trust_);
            if (!trusted) return report("schedule", trusted.error());
            head = sc::read_package_head(file_, *trusted);
            if (!head) return report("schedule", head.error());
            model = std::move(head->manifest.content);
        }
    }
    auto plan = sc::plan_at(model, *when);
    if (json_) {
        nlohmann::json j = nullptr;
        if (plan) {
            j = {{"schedule", plan->schedule}, {"layout", plan->layout}, {"zones", nlohmann::json::array()}};
            for (const auto& z : plan->zones)
                j["zones"].push_back({{"zone", z.zone}, {"kind", sc::to_string(z.kind)}, {"playlist", z.playlist},
                                      {"items", z.items}});
        }
        std::cout << nlohmann::json{{"at", at_}, {"plan", j}}.dump() << "\n";
        return 0;
    }
    static const char* weekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    std::cout << at_ << " (" << weekdays[when->weekday()] << "): ";
    if (!plan) {
        std::cout << "no schedule applies; the kiosk shows its home content\n";
        return 0;
    }
    std::cout << "schedule \"" << plan->schedule << "\", layout \"" << plan->layout << "\"\n";
    for (const auto& z : plan->zones) {
        std::cout << "  " << z.zone << " (" << sc::to_string(z.kind) << "): ";
        if (z.kind == sc::ZoneKind::clock || z.kind == sc::ZoneKind::queue)
            std::cout << "[" << sc::to_string(z.kind) << "]";
        else if (z.playlist.empty())
            std::cout << "(empty)";
        else {
            std::cout << "playlist " << z.playlist << ":";
            for (const auto& item : z.items) std::cout << " " << item;
        }
        std::cout << "\n";
    }
    return 0;
}

int ContentCommands::import_package() {
    auto trusted = load_trust(trust_);
    if (!trusted) return report("import", trusted.error());
    auto store = sc::ContentStore::open(store_);
    if (!store) return report("import", store.error());
    sc::ImportOptions options;
    options.allow_rollback = allow_rollback_;
    auto info = store->import_package(file_, *trusted, options);
    if (!info) return report("import", info.error());
    std::cout << "active: version " << info->version << " (" << info->manifest_sha256.substr(0, 16) << ")\n";
    return 0;
}

int ContentCommands::push() {
    for (const auto& url : to_)
        if (auto problem = station::admin::ApiClient::url_problem(url)) {
            std::fprintf(stderr, "stationctl: content push: --to %s: %s\n", url.c_str(), problem->c_str());
            return 2;
        }
    struct Kiosk {
        std::string url;
        sc::Result<sc::PushOutcome> outcome = sc::Error{"not started"};
        std::uint64_t sent = 0, total = 0;
        bool usage = false;  // nothing to log in with (exit 2)
    };
    std::vector<Kiosk> kiosks;
    for (const auto& url : to_) kiosks.push_back({url});
    std::mutex progress_mutex;  // guards every Kiosk's sent/total and the bar
    ProgressBar bar(::isatty(2) && !json_);
    std::vector<std::thread> workers;
    for (auto& kiosk : kiosks)
        workers.emplace_back([&, k = &kiosk] {
            // The same login and certificate pin as every other command: --user/--pin (or the
            // token saved by `stationctl login`), --pin-cert or the saved login's pin.
            KioskLogin session = login_to(k->url, {user_, pin_});
            if (session.code) {
                k->outcome = sc::fail(k->url, ": ", session.error);
                k->usage = session.code == 2;
                return;
            }
            admin::TlsCheck check{session.pinned, ""};
            sc::PushOptions options;
            options.token = session.token;
            options.prepare_client = [&check](httplib::Client& client) { admin::apply_tls_check(client, check); };
            options.transport_error = [&check, url = k->url](httplib::Error error) {
                return admin::transport_error_words(url, error, check);
            };
            options.allow_rollback = allow_rollback_;
            options.progress = [&](std::uint64_t sent, std::uint64_t total) {
                std::lock_guard lock(progress_mutex);
                k->sent = sent;
                k->total = total;
                std::uint64_t all_sent = 0, all_total = 0;
                for (const auto& other : kiosks) {
                    all_sent += other.sent;
                    all_total += other.total;
                }
                // ProgressBar shows done/2 and total/2 (it was made for pack's two passes).
                bar.update(all_sent * 2, all_total * 2, std::to_string(kiosks.size()) + " kiosk(s)");
            };
            k->outcome = sc::push_package(file_, k->url, options);
        });
    for (auto& w : workers) w.join();
    int failures = 0;
    bool usage = false;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& k : kiosks) {
        if (!k.outcome) {
            ++failures;
            usage = usage || k.usage;
            std::fprintf(stderr, "stationctl: content push: %s\n", k.outcome.error().message.c_str());
            list.push_back({{"kiosk", k.url}, {"error", k.outcome.error().message}});
            continue;
        }
        auto j = k.outcome->to_json();
        j["kiosk"] = k.url;
        list.push_back(j);
        if (!json_)
            std::cout << k.url << ": version " << k.outcome->version << " active; sent " << k.outcome->blobs_sent
                      << " blobs, " << k.outcome->bytes_sent << " bytes\n";
    }
    if (json_) {
        if (list.size() == 1 && !list[0].contains("error")) list[0].erase("kiosk");
        std::cout << (list.size() == 1 ? list[0] : list).dump() << "\n";
    }
    return usage ? 2 : failures ? 1 : 0;
}

// status / rollback against a kiosk's API.
int ContentCommands::remote(const char* command) {
    if (to_.size() != 1) {
        std::fprintf(stderr, "stationctl: content %s: give one kiosk with --to, or --store DIR\n", command);
        return 2;
    }
    if (auto problem = station::admin::ApiClient::url_problem(to_[0])) {
        std::fprintf(stderr, "stationctl: content %s: --to: %s\n", command, problem->c_str());
        return 2;
    }
    station::admin::ApiClient client(to_[0]);
    if (int code = authenticate(client, {user_, pin_})) return code;
    bool is_status = std::string(command) == "status";
    auto reply = is_status ? client.get("/api/v1/content") : client.post("/api/v1/content/rollback", nlohmann::json::object());
    if (!reply.ok()) return report(command, sc::fail(to_[0], ": ", reply.error.empty() ? "HTTP " + std::to_string(reply.status) : reply.error));
    if (json_ || is_status) {
        std::cout << reply.body.dump(json_ ? -1 : 2) << "\n";
    } else {
        std::cout << "active: version " << reply.body.value("/active/version"_json_pointer, 0) << " (rolled back)\n";
    }
    return 0;
}

int ContentCommands::status() {
    if (!to_.empty()) return remote("status");
    if (store_.empty()) {
        std::fprintf(stderr, "stationctl: content status: give --to URL or --store DIR\n");
        return 2;
    }
    auto store = sc::ContentStore::open(store_);
    if (!store) return report("status", store.error());
    auto st = store->status();
    if (json_) {
        std::cout << st.to_json().dump() << "\n";
        return 0;
    }
    print_version("active:   ", st.active);
    print_version("previous: ", st.previous);
    print_version("pending:  ", st.pending);
    std::cout << "kept:     ";
    for (const auto& v : st.versions) std::cout << v.version << " ";
    std::cout << "\nblobs:    " << st.blob_bytes << " bytes\n";
    return 0;
}

int ContentCommands::rollback() {
    if (!to_.empty()) return remote("rollback");
    if (store_.empty()) {
        std::fprintf(stderr, "stationctl: content rollback: give --to URL or --store DIR\n");
        return 2;
    }
    auto store = sc::ContentStore::open(store_);
    if (!store) return report("rollback", store.error());
    auto info = store->rollback();
    if (!info) return report("rollback", info.error());
    std::cout << "active: version " << info->version << " (rolled back)\n";
    return 0;
}

}  // namespace station::ctl
