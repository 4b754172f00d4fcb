// ContentService: the kiosk's side of content packages (issue 6). Owns the content store at
// DATA/content, the keys it trusts, the push protocol (content/push.h) the API routes speak, the
// pull worker that follows a channel, and USB import. After every activation or rollback,
// whatever caused it (push, pull, USB, API), it publishes the event
//   content.activated {"version", "previous", "source": "push"|"rollback"|"pull"|"usb"}
// so the player switches at its next safe point (ContentStore::active()).
// Every call blocks on disk or network: API workers and its own worker only, never the UI thread.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "content/push.h"
#include "content/store.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/events.h"
#include "kiosk/core/result.h"

namespace station {

struct ContentServiceOptions {
    std::filesystem::path root;                            // DATA/content
    content::StoreOptions store;                           // keep_versions, quota
    std::vector<std::filesystem::path> trusted_key_files;  // config's keys, then --trust-key
    std::string channel_url;              // pull: "http://host[:port]/path/channel.json"; "" = none
    int poll_interval_s = 300;            // pull: seconds between polls
    std::vector<std::string> usb_mounts;  // glob patterns of mount points ("/media/*/")
};

// A package found on a mounted stick.
struct UsbPackage {
    std::string file;           // absolute path of the .spkg
    std::int64_t version = 0;   // from its manifest (0 when unreadable)
    std::string author_key_id;  // signer's key id
    std::string author_name;    // signer's key name
    bool trusted = false;       // signed by a key this kiosk trusts
    std::uint64_t bytes = 0;    // file size
    std::string error;          // why it cannot be imported ("" when it can)
    nlohmann::json to_json()
        const;  // {"file", "version", "author": {"key_id", "name"}, "trusted", "bytes", "error"}
};

class ContentService {
public:
    // Reads every trusted key (an unreadable one is an error naming the file), opens the store
    // (cleaning crash leftovers). Starts nothing.
    static Result<std::unique_ptr<ContentService>> open(ContentServiceOptions options, EventBus& events,
                                                        Clock& clock);
    ~ContentService();

    content::ContentStore& store() { return *store_; }
    const content::TrustedKeys& trusted() const { return trusted_; }
    const ContentServiceOptions& options() const { return options_; }

    // Push protocol (content/push.h), each answer exactly as the protocol says; activate() and
    // rollback() publish content.activated when they succeed.
    content::PushReply offer(std::string_view head, bool allow_rollback);
    content::PushReply blob_status(const std::string& sha256);
    content::PushReply put_blob(const std::string& sha256, std::uint64_t offset,
                                const content::BodyReader& body);
    content::PushReply activate();
    content::PushReply rollback();
    content::PushReply status();

    // USB: .spkg files directly inside the mount points that match the configured patterns.
    std::vector<UsbPackage> usb_packages() const;
    // Imports one of them (the file must be one usb_packages() lists), verifying it wholly, and
    // activates it: 200 {"active": {...}}; 404 not a package on a stick; 400 untrusted, tampered or
    // unreadable; 409 older than the active version without allow_rollback; 507 would not fit.
    content::PushReply import_usb(const std::string& file, bool allow_rollback);

    // Pull worker (when a channel is configured): polls now, then every poll_interval_s.
    void start();
    void stop();
    void poll_now();  // wakes the worker for an immediate poll
    struct PullState {
        int64_t last_poll_ms = 0;  // 0: never polled
        std::string last_error;    // "" when the last poll succeeded
        std::int64_t channel_version = 0;
        std::uint64_t bytes_fetched = 0;  // in the last poll
    };
    PullState pull_state() const;

    // Publishes content.activated for `info` (also used by tests and the pull worker).
    void announce(const content::VersionInfo& info, const std::string& source,
                  std::optional<std::int64_t> previous);

private:
    ContentService(ContentServiceOptions options, EventBus& events, Clock& clock);
    void pull_loop();
    content::PushReply announce_reply(content::PushReply reply, const std::string& source,
                                      std::optional<std::int64_t> previous);

    ContentServiceOptions options_;
    EventBus& events_;
    Clock& clock_;
    content::TrustedKeys trusted_;
    std::unique_ptr<content::ContentStore> store_;
    std::unique_ptr<content::PushReceiver> receiver_;
    std::mutex activation_mutex_;  // orders activations so "previous" is exact

    mutable std::mutex pull_mutex_;  // guards pull_state_, wake_, stopping_
    std::condition_variable pull_changed_;
    PullState pull_state_;
    bool wake_ = false;
    bool stopping_ = false;
    std::thread pull_thread_;
};

}  // namespace station
