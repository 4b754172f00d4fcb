#include "kiosk/core/content_service.h"

#include <glob.h>

#include <algorithm>
#include <chrono>
#include <system_error>

#include <spdlog/spdlog.h>

#include "content/pull.h"

namespace station {

namespace fs = std::filesystem;

nlohmann::json UsbPackage::to_json() const {
    return {{"file", file},
            {"version", version},
            {"author", {{"key_id", author_key_id}, {"name", author_name}}},
            {"trusted", trusted},
            {"bytes", bytes},
            {"error", error}};
}

ContentService::ContentService(ContentServiceOptions options, EventBus& events, Clock& clock)
    : options_(std::move(options)), events_(events), clock_(clock) {}

ContentService::~ContentService() {
    stop();
}

Result<std::unique_ptr<ContentService>> ContentService::open(ContentServiceOptions options, EventBus& events,
                                                             Clock& clock) {
    std::unique_ptr<ContentService> service(new ContentService(std::move(options), events, clock));
    for (const auto& file : service->options_.trusted_key_files) {
        auto key = content::read_public_key(file);
        if (!key) return Error{"trusted key " + file.string() + ": " + key.error().message};
        bool known = std::any_of(service->trusted_.keys.begin(), service->trusted_.keys.end(),
                                 [&](const content::PublicKey& k) { return k.id() == key->id(); });
        if (!known) service->trusted_.keys.push_back(*key);
    }
    auto store = content::ContentStore::open(service->options_.root, service->options_.store);
    if (!store)
        return Error{"content store " + service->options_.root.string() + ": " + store.error().message};
    service->store_ = std::make_unique<content::ContentStore>(std::move(*store));
    service->receiver_ = std::make_unique<content::PushReceiver>(*service->store_, service->trusted_);
    return service;
}

void ContentService::announce(const content::VersionInfo& info, const std::string& source,
                              std::optional<std::int64_t> previous) {
    nlohmann::json data = {{"version", info.version},
                           {"source", source},
                           {"manifest_sha256", info.manifest_sha256},
                           {"author", info.author_name}};
    data["previous"] = previous ? nlohmann::json(*previous) : nlohmann::json(nullptr);
    spdlog::info("content: version {} active ({})", info.version, source);
    events_.publish({"content.activated", data, clock_.now_ms()});
}

content::PushReply ContentService::announce_reply(content::PushReply reply, const std::string& source,
                                                  std::optional<std::int64_t> previous) {
    if (reply.status != 200 || !reply.body.contains("active")) return reply;
    const auto& active = reply.body["active"];
    content::VersionInfo info;
    info.version = active.value("version", std::int64_t{0});
    info.manifest_sha256 = active.value("manifest_sha256", std::string());
    if (active.contains("author") && active["author"].is_object())
        info.author_name = active["author"].value("name", std::string());
    else if (active.contains("author") && active["author"].is_string())
        info.author_name = active["author"].get<std::string>();
    announce(info, source, previous);
    return reply;
}

content::PushReply ContentService::offer(std::string_view head, bool allow_rollback) {
    return receiver_->offer(head, allow_rollback);
}

content::PushReply ContentService::blob_status(const std::string& sha256) {
    return receiver_->blob_status(sha256);
}

content::PushReply ContentService::put_blob(const std::string& sha256, std::uint64_t offset,
                                            const content::BodyReader& body) {
    return receiver_->put_blob(sha256, offset, body);
}

content::PushReply ContentService::activate() {
    std::lock_guard lock(activation_mutex_);
    auto previous = store_->active_version();
    return announce_reply(receiver_->activate(), "push", previous);
}

content::PushReply ContentService::rollback() {
    std::lock_guard lock(activation_mutex_);
    auto previous = store_->active_version();
    return announce_reply(receiver_->rollback(), "rollback", previous);
}

content::PushReply ContentService::status() {
    return receiver_->status();
}

// ---- USB ----

namespace {

std::vector<fs::path> mount_points(const std::vector<std::string>& patterns) {
    std::vector<fs::path> out;
    for (const auto& pattern : patterns) {
        glob_t found{};
        if (::glob(pattern.c_str(), GLOB_ONLYDIR | GLOB_NOSORT, nullptr, &found) == 0) {
            for (size_t i = 0; i < found.gl_pathc; ++i) {
                std::error_code ec;
                fs::path dir = fs::weakly_canonical(found.gl_pathv[i], ec);
                if (!ec && fs::is_directory(dir, ec) && std::find(out.begin(), out.end(), dir) == out.end())
                    out.push_back(dir);
            }
        }
        ::globfree(&found);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// .spkg files in `dir` and its subfolders, at most `depth` levels down; hidden entries skipped.
void find_packages(const fs::path& dir, int depth, std::vector<fs::path>& out) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        if (p.filename().string().starts_with(".")) continue;
        std::error_code type_ec;
        if (it->is_symlink(type_ec)) continue;  // a stick's links could point anywhere
        if (it->is_directory(type_ec)) {
            if (depth > 0) find_packages(p, depth - 1, out);
        } else if (it->is_regular_file(type_ec) && p.extension() == ".spkg") {
            out.push_back(p);
        }
        if (out.size() >= 200) return;  // a stick full of packages: the first 200 are plenty
    }
}

}  // namespace

std::vector<UsbPackage> ContentService::usb_packages() const {
    std::vector<fs::path> files;
    for (const auto& mount : mount_points(options_.usb_mounts)) find_packages(mount, 2, files);
    std::sort(files.begin(), files.end());
    std::vector<UsbPackage> out;
    for (const auto& file : files) {
        UsbPackage pkg;
        pkg.file = file.string();
        std::error_code ec;
        pkg.bytes = fs::file_size(file, ec);
        // The manifest as written, then the same check an import does (signature, trust).
        std::FILE* f = std::fopen(file.c_str(), "rb");
        if (f) {
            std::string header(content::kPackageHeaderBytes, '\0');
            header.resize(std::fread(header.data(), 1, header.size(), f));
            auto size = content::parse_package_header(header);
            if (size) {
                std::string bytes(*size, '\0');
                if (std::fread(bytes.data(), 1, bytes.size(), f) == bytes.size()) {
                    if (auto m = content::parse_manifest(bytes)) {
                        pkg.version = m->version;
                        pkg.author_key_id = m->author_key_id;
                        pkg.author_name = m->author_name;
                    }
                }
            }
            std::fclose(f);
        }
        auto checked = content::read_package_head(file, trusted_);
        pkg.trusted = checked.ok();
        if (!checked) pkg.error = checked.error().message;
        out.push_back(std::move(pkg));
    }
    return out;
}

content::PushReply ContentService::import_usb(const std::string& file, bool allow_rollback) {
    auto error = [](int status, const std::string& message) {
        return content::PushReply{status, {{"error", message}}};
    };
    std::error_code ec;
    fs::path wanted = file.empty() ? fs::path() : fs::weakly_canonical(file, ec);
    bool listed = false;
    if (!ec && !wanted.empty())
        for (const auto& pkg : usb_packages())
            if (fs::path(pkg.file) == wanted) listed = true;
    if (!listed) return error(404, "usb: " + file + ": not a package on a mounted USB stick");
    std::lock_guard lock(activation_mutex_);
    auto previous = store_->active_version();
    auto head = content::read_package_head(wanted, trusted_);
    if (!head) return error(400, "usb: " + head.error().message);
    if (previous && head->manifest.version < *previous && !allow_rollback)
        return error(409, "usb: " + wanted.string() + ": version " + std::to_string(head->manifest.version) +
                              " is older than the active version " + std::to_string(*previous) +
                              "; refused unless it is an explicit rollback");
    if (auto space = store_->check_space(head->manifest); !space)
        return error(507, "usb: " + wanted.string() + ": " + space.error().message);
    auto info =
        store_->import_package(wanted, trusted_, {.allow_rollback = allow_rollback, .activate = true});
    if (!info) return error(400, "usb: " + wanted.string() + ": " + info.error().message);
    if (!previous || *previous != info->version) announce(*info, "usb", previous);
    return {200, {{"active", info->to_json()}}};
}

// ---- pull ----

void ContentService::start() {
    if (options_.channel_url.empty() || pull_thread_.joinable()) return;
    {
        std::lock_guard lock(pull_mutex_);
        stopping_ = false;
    }
    pull_thread_ = std::thread([this] { pull_loop(); });
}

void ContentService::stop() {
    {
        std::lock_guard lock(pull_mutex_);
        stopping_ = true;
    }
    pull_changed_.notify_all();
    if (pull_thread_.joinable()) pull_thread_.join();
}

void ContentService::poll_now() {
    {
        std::lock_guard lock(pull_mutex_);
        wake_ = true;
    }
    pull_changed_.notify_all();
}

ContentService::PullState ContentService::pull_state() const {
    std::lock_guard lock(pull_mutex_);
    return pull_state_;
}

void ContentService::pull_loop() {
    // "http://host:port/path/channel.json" -> origin + path (validated by the config schema).
    const std::string& url = options_.channel_url;
    size_t scheme = url.find("://");
    size_t slash = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
    content::PullOptions pull_options;
    pull_options.origin = url.substr(0, slash);
    pull_options.channel_path = slash == std::string::npos ? "/" : url.substr(slash);
    content::PullClient client(pull_options, trusted_);
    while (true) {
        auto before = store_->active_version();
        auto polled = [&] {
            std::lock_guard lock(activation_mutex_);
            return client.poll(*store_);
        }();
        {
            std::lock_guard lock(pull_mutex_);
            pull_state_.last_poll_ms = clock_.now_ms();
            if (polled) {
                pull_state_.last_error.clear();
                pull_state_.channel_version = polled->channel_version;
                pull_state_.bytes_fetched = polled->bytes_fetched;
            } else {
                pull_state_.last_error = polled.error().message;
            }
        }
        if (!polled)
            spdlog::warn("content pull: {}", polled.error().message);
        else if (polled->updated)
            announce(polled->active, "pull", before);
        std::unique_lock lock(pull_mutex_);
        pull_changed_.wait_for(lock, std::chrono::seconds(options_.poll_interval_s),
                               [this] { return stopping_ || wake_; });
        if (stopping_) return;
        wake_ = false;
    }
}

}  // namespace station
