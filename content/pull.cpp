#include "content/pull.h"

#include <httplib.h>

namespace station::content {
namespace {

// "/a/b/channel.json" + "pkg.spkg" → "/a/b/pkg.spkg"; an absolute path stays.
std::string resolve(const std::string& channel_path, const std::string& package) {
    if (!package.empty() && package[0] == '/') return package;
    auto slash = channel_path.rfind('/');
    return (slash == std::string::npos ? "/" : channel_path.substr(0, slash + 1)) + package;
}

}  // namespace

PullClient::PullClient(PullOptions options, TrustedKeys trusted)
    : options_(std::move(options)), trusted_(std::move(trusted)) {}

Result<PullResult> PullClient::poll(ContentStore& store) {
    httplib::Client http(options_.origin);
    http.set_connection_timeout(std::chrono::milliseconds(options_.timeout_ms));
    http.set_read_timeout(std::chrono::milliseconds(options_.timeout_ms));
    http.set_keep_alive(true);
    const std::string channel_url = options_.origin + options_.channel_path;

    auto channel = http.Get(options_.channel_path);
    if (!channel) return fail(channel_url, ": cannot fetch: ", httplib::to_string(channel.error()));
    if (channel->status != 200) return fail(channel_url, ": HTTP ", channel->status);
    if (channel->body.size() > 65536) return fail(channel_url, ": channel file larger than 64 KiB");
    auto j = nlohmann::json::parse(channel->body, nullptr, false);
    if (!j.is_object() || !j.contains("version") || !j["version"].is_number_integer() || !j.contains("package") ||
        !j["package"].is_string())
        return fail(channel_url, ": expected {\"version\": N, \"package\": \"FILE.spkg\"}");
    PullResult result;
    result.channel_version = j["version"].get<std::int64_t>();
    std::string package = j["package"].get<std::string>();
    if (package.find("..") != std::string::npos || package.find("://") != std::string::npos || package.empty())
        return fail(channel_url, ": package \"", package, "\" must be a path on the same origin without '..'");
    const std::string package_path = resolve(options_.channel_path, package);
    const std::string package_url = options_.origin + package_path;

    auto current = store.active_version();
    auto report_active = [&]() -> Result<PullResult> {
        if (auto act = store.active()) result.active = act->info;
        return result;
    };
    if (current && result.channel_version <= *current) return report_active();  // nothing newer

    // Fetches [from, from + size) of the package; the receiver gets each chunk.
    auto fetch_range = [&](std::uint64_t from, std::uint64_t size,
                           const std::function<bool(const char*, std::size_t)>& receive) -> Result<Ok> {
        httplib::Headers headers = {httplib::make_range_header({{static_cast<ssize_t>(from),
                                                                  static_cast<ssize_t>(from + size - 1)}})};
        int status = 0;
        bool aborted_by_us = false;
        auto response = http.Get(
            package_path, headers,
            [&](const httplib::Response& r) {
                status = r.status;
                return r.status == 206;
            },
            [&](const char* data, std::size_t length) {
                if (!receive(data, length)) {
                    aborted_by_us = true;
                    return false;
                }
                return true;
            });
        if (aborted_by_us) return fail(package_url, ": stopped");
        if (status != 0 && status != 206)
            return fail(package_url, ": HTTP ", status, " to a Range request (the origin must support Range)");
        if (!response) return fail(package_url, ": ", httplib::to_string(response.error()));
        return Ok{};
    };

    std::string header;
    auto got = fetch_range(0, kPackageHeaderBytes, [&](const char* d, std::size_t n) {
        header.append(d, n);
        return header.size() <= kPackageHeaderBytes;
    });
    if (!got) return got.error();
    auto manifest_size = parse_package_header(header);
    if (!manifest_size) return fail(package_url, ": ", manifest_size.error().message);
    std::string head = header;
    const std::uint64_t rest = *manifest_size + 64ull;
    got = fetch_range(kPackageHeaderBytes, rest, [&](const char* d, std::size_t n) {
        head.append(d, n);
        return head.size() <= kPackageHeaderBytes + rest;
    });
    if (!got) return got.error();
    auto sm = verify_package_head(head, trusted_, {current.value_or(0), false});
    if (!sm) return fail(package_url, ": ", sm.error().message);
    if (sm->manifest.version != result.channel_version)
        return fail(package_url, ": holds version ", sm->manifest.version, " but the channel announces ",
                    result.channel_version);

    auto missing = store.begin_push(*sm);
    if (!missing) return fail(package_url, ": ", missing.error().message);
    for (const auto& blob : *missing) {
        auto upload = store.begin_upload(blob);
        if (!upload) return fail(package_url, ": ", upload.error().message);
        if (upload->offset() < blob.size) {
            if (options_.max_bytes_per_poll > 0 && result.bytes_fetched >= options_.max_bytes_per_poll) {
                result.complete = false;
                return report_active();
            }
            std::size_t index = 0;
            while (sm->manifest.blobs[index].sha256 != blob.sha256) ++index;
            std::uint64_t want = blob.size - upload->offset();
            if (options_.max_bytes_per_poll > 0)
                want = std::min(want, options_.max_bytes_per_poll - result.bytes_fetched);
            Error append_error;
            got = fetch_range(sm->blob_offset(index) + upload->offset(), want, [&](const char* d, std::size_t n) {
                auto appended = upload->append(upload->offset(), std::string_view(d, n));
                if (!appended) {
                    append_error = appended.error();
                    return false;
                }
                result.bytes_fetched += n;
                return true;
            });
            if (!append_error.message.empty()) return fail(package_url, ": ", append_error.message);
            if (!got) return got.error();  // what arrived is kept; the next poll resumes
            if (upload->offset() < blob.size) {
                result.complete = false;
                return report_active();
            }
        }
        auto committed = upload->commit();
        if (!committed) return fail(package_url, ": ", committed.error().message);
        ++result.blobs_fetched;
    }
    auto activated = store.finish_push(true);
    if (!activated) return fail(package_url, ": ", activated.error().message);
    result.updated = true;
    result.active = *activated;
    return result;
}

}  // namespace station::content
