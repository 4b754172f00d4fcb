// Activities (活动报名): neighbourhood activities residents sign up for at the kiosk, by ID card
// or QR code, or staff on their behalf. An activity can need a minimum number of sign-ups
// before it goes ahead (as the neighbourhood 达人 groups do) and holds at most `capacity`.
//
//   ResidentKey     who signed up, as the station may keep it: a masked number and a keyed hash
//                   (BLAKE2b with the station's resident_id_salt, shared with the help desk);
//                   never the raw number, never in events, audit rows or logs
//   Activities      named operations; each commits (with its audit row) before it publishes
//
// Events on station.events(), after the commit, never with personal data:
//   activity.created    {"activity": <to_json>}
//   activity.signed_up  {"activity_id", "signup_id", "via", "signups", "capacity", "min_signups",
//                        "goes_ahead"}
//
// Threads: every method is thread-safe (the database lock is held while writing, never while
// publishing).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/result.h"

namespace station {

class Database;
class Station;

struct ResidentKey {
    std::string masked;  // "3101**********1234"; short codes keep their last two characters
    std::string hash;    // hex keyed BLAKE2b of the number with the station's resident_id_salt
};

// The station's resident-id salt (station_secrets 'resident_id_salt'), created when missing.
std::string resident_id_salt(Database& db);
// The masked form the station shows and keeps: "310101199001011234" -> "3101**********1234".
std::string mask_resident_id(const std::string& number);
// The hash the help desk and sign-ups keep: the same person always gives the same value.
std::string hash_resident_id(const std::string& salt, const std::string& number);
ResidentKey resident_key(const std::string& salt, const std::string& number);

// A QR code presented to sign up: a resident ID number or a resident code of 6..64 letters,
// digits and '-'. The error says what was wrong with it, never the payload itself.
Result<std::string> resident_number_from_qr(const std::string& payload);

struct Activity {
    int64_t id = 0;
    std::string title, description, place;
    int64_t starts_at_ms = 0, ends_at_ms = 0;
    int capacity = 0;
    int min_signups = 0;  // 0: goes ahead whatever the number
    int64_t created_at_ms = 0;
    bool cancelled = false;
    int signups = 0;
    bool full() const { return signups >= capacity; }
    bool goes_ahead() const { return signups >= min_signups; }
    int still_needed() const { return signups >= min_signups ? 0 : min_signups - signups; }
    // The API's form: id, title, description, place, starts_at, ends_at (ms), capacity,
    // min_signups, signups, cancelled, goes_ahead.
    nlohmann::json to_json() const;
};

struct NewActivity {
    std::string title, description, place;
    int64_t starts_at_ms = 0, ends_at_ms = 0;
    int capacity = 0;
    int min_signups = 0;
    // From an API body: title, place, starts_at, ends_at, capacity required; description and
    // min_signups optional. The error names the field and what is wrong with it.
    static Result<NewActivity> from_json(const nlohmann::json& body);
};

struct Signup {
    int64_t id = 0;
    int64_t activity_id = 0;
    std::string masked_id;  // personal: shown to staff only
    std::string via;        // idcard, qr, staff
    int64_t at_ms = 0;
    nlohmann::json to_json() const;  // masked_id, via, at
};

enum class ActivityErrorKind { bad_input, not_found, already_signed_up, full, closed, storage };

template <typename T>
struct ActivityResult {
    std::optional<T> value;
    ActivityErrorKind kind = ActivityErrorKind::bad_input;
    std::string error;  // names the field or the reason, in Chinese then English
    bool ok() const { return value.has_value(); }
    explicit operator bool() const { return ok(); }
    static ActivityResult failure(ActivityErrorKind kind, std::string message) {
        ActivityResult r;
        r.kind = kind;
        r.error = std::move(message);
        return r;
    }
};

// One sign-up's outcome: the sign-up and the activity as it stands after it.
struct SignupOutcome {
    Signup signup;
    Activity activity;
};

class Activities {
public:
    explicit Activities(Station& station);

    // --- Named operations (commit, audit, then publish).
    ActivityResult<Activity> create(const NewActivity& activity, const std::string& actor);
    // `via` is idcard, qr or staff. A second sign-up by the same person is refused
    // (already_signed_up), a full activity refuses (full), a past or cancelled one too (closed).
    ActivityResult<SignupOutcome> sign_up(int64_t activity_id, const ResidentKey& who,
                                          const std::string& via);

    // --- Reading.
    // Activities not cancelled that have not ended, soonest first; with include_past, every one.
    std::vector<Activity> list(bool include_past = false);
    std::optional<Activity> get(int64_t id);
    std::vector<Signup> signups(int64_t activity_id);  // oldest first

    // Demo data for a Shanghai neighbourhood station (--demo): a few activities in the coming
    // days, when the station has none yet. Returns how many it added.
    int seed_demo();

    Station& station() { return station_; }

private:
    Station& station_;
};

}  // namespace station
