#include "kiosk/core/activities.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include "kiosk/core/database.h"
#include "kiosk/core/station.h"

namespace station {

namespace {

constexpr size_t kTitleMax = 100, kTextMax = 2000, kPlaceMax = 200;
constexpr int kCapacityMax = 10000;

Activity read_activity(SQLite::Statement& row) {
    Activity a;
    a.id = row.getColumn("id").getInt64();
    a.title = row.getColumn("title").getString();
    a.description = row.getColumn("description").getString();
    a.place = row.getColumn("place").getString();
    a.starts_at_ms = row.getColumn("starts_at_ms").getInt64();
    a.ends_at_ms = row.getColumn("ends_at_ms").getInt64();
    a.capacity = row.getColumn("capacity").getInt();
    a.min_signups = row.getColumn("min_signups").getInt();
    a.created_at_ms = row.getColumn("created_at_ms").getInt64();
    a.cancelled = row.getColumn("cancelled").getInt() != 0;
    a.signups = row.getColumn("signups").getInt();
    return a;
}

constexpr const char* kSelect =
    "SELECT a.*, (SELECT COUNT(*) FROM activity_signups s WHERE s.activity_id = a.id) AS signups "
    "FROM activities a ";

std::optional<Activity> get_locked(SQLite::Database& sql, int64_t id) {
    SQLite::Statement query(sql, std::string(kSelect) + "WHERE a.id = ?");
    query.bind(1, id);
    if (!query.executeStep()) return std::nullopt;
    return read_activity(query);
}

bool valid_utf8_line(const std::string& s) {
    for (unsigned char c : s)
        if (c < 0x20 && c != '\n') return false;
    return true;
}

}  // namespace

// ---- Resident keys ----------------------------------------------------------------------------

std::string resident_id_salt(Database& db) {
    auto lock = db.lock();
    SQLite::Statement query(db.sql(), "SELECT value FROM station_secrets WHERE name = 'resident_id_salt'");
    if (query.executeStep()) {
        auto column = query.getColumn(0);
        return std::string(static_cast<const char*>(column.getBlob()),
                           static_cast<size_t>(column.getBytes()));
    }
    unsigned char salt[crypto_generichash_KEYBYTES];
    randombytes_buf(salt, sizeof salt);
    SQLite::Statement insert(db.sql(),
                             "INSERT INTO station_secrets (name, value) VALUES ('resident_id_salt', ?)");
    insert.bind(1, salt, sizeof salt);
    insert.exec();
    return std::string(reinterpret_cast<const char*>(salt), sizeof salt);
}

std::string mask_resident_id(const std::string& number) {
    if (number.size() >= 12)
        return number.substr(0, 4) + std::string(number.size() - 8, '*') + number.substr(number.size() - 4);
    if (number.size() <= 2) return std::string(number.size(), '*');
    return std::string(number.size() - 2, '*') + number.substr(number.size() - 2);
}

std::string hash_resident_id(const std::string& salt, const std::string& number) {
    unsigned char out[32];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(number.data()), number.size(),
                       reinterpret_cast<const unsigned char*>(salt.data()), salt.size());
    char hex[sizeof out * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    return hex;
}

ResidentKey resident_key(const std::string& salt, const std::string& number) {
    return {mask_resident_id(number), hash_resident_id(salt, number)};
}

Result<std::string> resident_number_from_qr(const std::string& payload) {
    std::string code = payload;
    // Scanners may add a trailing space or line end; nothing else is forgiven.
    while (!code.empty() && (code.back() == ' ' || code.back() == '\r' || code.back() == '\n'))
        code.pop_back();
    if (code.size() < 6 || code.size() > 64)
        return Error{"qr: 不是居民码 not a resident code (length " + std::to_string(code.size()) +
                     ", expected 6 to 64 characters)"};
    for (char c : code) {
        bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-';
        if (!ok)
            return Error{"qr: 不是居民码 not a resident code (only letters, digits and '-' are accepted)"};
    }
    // ID numbers end in X or x; the same person must give the same key whichever they used.
    if (code.size() == 18 && code.back() == 'x') code.back() = 'X';
    return code;
}

// ---- Values -----------------------------------------------------------------------------------

nlohmann::json Activity::to_json() const {
    return {{"id", id},
            {"title", title},
            {"description", description},
            {"place", place},
            {"starts_at", starts_at_ms},
            {"ends_at", ends_at_ms},
            {"capacity", capacity},
            {"min_signups", min_signups},
            {"signups", signups},
            {"cancelled", cancelled},
            {"goes_ahead", goes_ahead()}};
}

nlohmann::json Signup::to_json() const {
    return {{"masked_id", masked_id}, {"via", via}, {"at", at_ms}};
}

Result<NewActivity> NewActivity::from_json(const nlohmann::json& body) {
    if (!body.is_object()) return Error{"body: must be a JSON object"};
    NewActivity a;
    auto text = [&](const char* field, bool required, size_t max, std::string& out) -> std::optional<Error> {
        auto it = body.find(field);
        if (it == body.end() || it->is_null()) {
            if (required) return Error{std::string(field) + ": required"};
            return std::nullopt;
        }
        if (!it->is_string()) return Error{std::string(field) + ": must be a string"};
        out = it->get<std::string>();
        if (required && out.empty()) return Error{std::string(field) + ": must not be empty"};
        if (out.size() > max)
            return Error{std::string(field) + ": at most " + std::to_string(max) + " bytes (got " +
                         std::to_string(out.size()) + ")"};
        if (!valid_utf8_line(out)) return Error{std::string(field) + ": control characters are not allowed"};
        return std::nullopt;
    };
    auto integer = [&](const char* field, bool required, int64_t min, int64_t max,
                       int64_t& out) -> std::optional<Error> {
        auto it = body.find(field);
        if (it == body.end() || it->is_null()) {
            if (required) return Error{std::string(field) + ": required"};
            return std::nullopt;
        }
        if (!it->is_number_integer()) return Error{std::string(field) + ": must be an integer"};
        int64_t v = it->get<int64_t>();
        if (v < min || v > max)
            return Error{std::string(field) + ": must be between " + std::to_string(min) + " and " +
                         std::to_string(max) + " (got " + std::to_string(v) + ")"};
        out = v;
        return std::nullopt;
    };
    if (auto e = text("title", true, kTitleMax, a.title)) return *e;
    if (auto e = text("description", false, kTextMax, a.description)) return *e;
    if (auto e = text("place", true, kPlaceMax, a.place)) return *e;
    constexpr int64_t kMaxMs = int64_t(253402300799000);  // 9999-12-31
    if (auto e = integer("starts_at", true, 1, kMaxMs, a.starts_at_ms)) return *e;
    if (auto e = integer("ends_at", true, 1, kMaxMs, a.ends_at_ms)) return *e;
    if (a.ends_at_ms <= a.starts_at_ms) return Error{"ends_at: must be after starts_at"};
    int64_t capacity = 0, min_signups = 0;
    if (auto e = integer("capacity", true, 1, kCapacityMax, capacity)) return *e;
    if (auto e = integer("min_signups", false, 0, kCapacityMax, min_signups)) return *e;
    if (min_signups > capacity)
        return Error{"min_signups: must not exceed capacity (" + std::to_string(min_signups) + " > " +
                     std::to_string(capacity) + ")"};
    a.capacity = int(capacity);
    a.min_signups = int(min_signups);
    return a;
}

// ---- Operations -------------------------------------------------------------------------------

Activities::Activities(Station& station) : station_(station) {}

ActivityResult<Activity> Activities::create(const NewActivity& in, const std::string& actor) {
    using R = ActivityResult<Activity>;
    nlohmann::json check = {{"title", in.title},
                            {"description", in.description},
                            {"place", in.place},
                            {"starts_at", in.starts_at_ms},
                            {"ends_at", in.ends_at_ms},
                            {"capacity", in.capacity},
                            {"min_signups", in.min_signups}};
    auto valid = NewActivity::from_json(check);
    if (!valid) return R::failure(ActivityErrorKind::bad_input, valid.error().message);
    const int64_t now = station_.clock().now_ms();
    Activity created;
    try {
        Database& db = station_.db();
        auto lock = db.lock();
        DurableTransaction tx(db.sql());
        SQLite::Statement insert(
            db.sql(),
            "INSERT INTO activities (title, description, place, starts_at_ms, ends_at_ms, "
            "capacity, min_signups, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, in.title);
        insert.bind(2, in.description);
        insert.bind(3, in.place);
        insert.bind(4, in.starts_at_ms);
        insert.bind(5, in.ends_at_ms);
        insert.bind(6, in.capacity);
        insert.bind(7, in.min_signups);
        insert.bind(8, now);
        insert.exec();
        int64_t id = db.sql().getLastInsertRowid();
        Station::write_audit(db.sql(), now, actor, "activity.create", std::to_string(id),
                             {{"capacity", in.capacity}, {"min_signups", in.min_signups}});
        tx.commit();
        created = *get_locked(db.sql(), id);
    } catch (const std::exception& e) {
        spdlog::error("activities: cannot create: {}", e.what());
        return R::failure(ActivityErrorKind::storage,
                          std::string("storage: 无法保存活动 cannot save the activity: ") + e.what());
    }
    station_.events().publish({"activity.created", {{"activity", created.to_json()}}, now});
    R r;
    r.value = created;
    return r;
}

ActivityResult<SignupOutcome> Activities::sign_up(int64_t activity_id, const ResidentKey& who,
                                                  const std::string& via) {
    using R = ActivityResult<SignupOutcome>;
    if (via != "idcard" && via != "qr" && via != "staff")
        return R::failure(ActivityErrorKind::bad_input,
                          "via: must be idcard, qr or staff (got '" + via + "')");
    if (who.hash.size() != 64 || who.masked.empty())
        return R::failure(ActivityErrorKind::bad_input, "resident: 未能识别身份 no identity was read");
    const int64_t now = station_.clock().now_ms();
    SignupOutcome outcome;
    try {
        Database& db = station_.db();
        auto lock = db.lock();
        DurableTransaction tx(db.sql());
        auto activity = get_locked(db.sql(), activity_id);
        if (!activity)
            return R::failure(ActivityErrorKind::not_found,
                              "activity: 没有这个活动 no activity " + std::to_string(activity_id));
        if (activity->cancelled)
            return R::failure(ActivityErrorKind::closed, "activity: 活动已取消 the activity is cancelled");
        if (activity->starts_at_ms <= now)
            return R::failure(ActivityErrorKind::closed,
                              "activity: 活动已开始，报名已截止 sign-up closed (it has started)");
        SQLite::Statement existing(
            db.sql(), "SELECT 1 FROM activity_signups WHERE activity_id = ? AND resident_hash = ?");
        existing.bind(1, activity_id);
        existing.bind(2, who.hash);
        if (existing.executeStep())
            return R::failure(ActivityErrorKind::already_signed_up,
                              "signup: 您已报名此活动，无需重复报名 already signed up for this activity");
        if (activity->full())
            return R::failure(ActivityErrorKind::full, "signup: 名额已满 the activity is full (" +
                                                           std::to_string(activity->capacity) + " places)");
        SQLite::Statement insert(
            db.sql(),
            "INSERT INTO activity_signups (activity_id, resident_hash, masked_id, via, at_ms) "
            "VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, activity_id);
        insert.bind(2, who.hash);
        insert.bind(3, who.masked);
        insert.bind(4, via);
        insert.bind(5, now);
        insert.exec();
        outcome.signup = {db.sql().getLastInsertRowid(), activity_id, who.masked, via, now};
        activity->signups += 1;
        outcome.activity = *activity;
        Station::write_audit(db.sql(), now, via == "staff" ? "staff" : "resident", "activity.sign_up",
                             std::to_string(activity_id), {{"via", via}, {"signups", activity->signups}});
        tx.commit();
    } catch (const std::exception& e) {
        spdlog::error("activities: cannot sign up for {}: {}", activity_id, e.what());
        return R::failure(ActivityErrorKind::storage,
                          "storage: 报名未能保存，请联系工作人员 the sign-up could not be saved");
    }
    const Activity& a = outcome.activity;
    station_.events().publish({"activity.signed_up",
                               {{"activity_id", a.id},
                                {"signup_id", outcome.signup.id},
                                {"via", via},
                                {"signups", a.signups},
                                {"capacity", a.capacity},
                                {"min_signups", a.min_signups},
                                {"goes_ahead", a.goes_ahead()}},
                               now});
    R r;
    r.value = std::move(outcome);
    return r;
}

std::vector<Activity> Activities::list(bool include_past) {
    std::vector<Activity> out;
    Database& db = station_.db();
    auto lock = db.lock();
    std::string sql = std::string(kSelect);
    if (!include_past) sql += "WHERE a.cancelled = 0 AND a.ends_at_ms > ? ";
    sql += "ORDER BY a.starts_at_ms, a.id";
    SQLite::Statement query(db.sql(), sql);
    if (!include_past) query.bind(1, station_.clock().now_ms());
    while (query.executeStep()) out.push_back(read_activity(query));
    return out;
}

std::optional<Activity> Activities::get(int64_t id) {
    Database& db = station_.db();
    auto lock = db.lock();
    return get_locked(db.sql(), id);
}

std::vector<Signup> Activities::signups(int64_t activity_id) {
    std::vector<Signup> out;
    Database& db = station_.db();
    auto lock = db.lock();
    SQLite::Statement query(
        db.sql(), "SELECT id, masked_id, via, at_ms FROM activity_signups WHERE activity_id = ? ORDER BY id");
    query.bind(1, activity_id);
    while (query.executeStep())
        out.push_back({query.getColumn(0).getInt64(), activity_id, query.getColumn(1).getString(),
                       query.getColumn(2).getString(), query.getColumn(3).getInt64()});
    return out;
}

int Activities::seed_demo() {
    {
        Database& db = station_.db();
        auto lock = db.lock();
        if (db.sql().execAndGet("SELECT COUNT(*) FROM activities").getInt() > 0) return 0;
    }
    // Days from today at a local hour: the demo always shows activities in the coming week.
    const int64_t now = station_.clock().now_ms();
    auto at = [&](int days, int hour, int minute) {
        std::time_t t = std::time_t(now / 1000);
        std::tm local{};
        localtime_r(&t, &local);
        local.tm_mday += days;
        local.tm_hour = hour;
        local.tm_min = minute;
        local.tm_sec = 0;
        local.tm_isdst = -1;
        return int64_t(std::mktime(&local)) * 1000;
    };
    const std::vector<NewActivity> demo = {
        {"太极拳晨练", "社区太极拳队带练二十四式太极拳，初学者欢迎，请穿平底鞋。", "居委会门前小广场",
         at(1, 7, 0), at(1, 8, 0), 30, 0},
        {"智能手机课堂", "志愿者手把手教用微信视频、扫码挂号和随申码，请带上自己的手机。",
         "党群服务站二楼活动室", at(2, 9, 30), at(2, 11, 0), 20, 5},
        {"社区义诊", "社区卫生服务中心医生测血压、血糖，解答用药问题，请带上医保卡和常用药。",
         "党群服务站一楼大厅", at(3, 9, 0), at(3, 11, 30), 60, 0},
        {"沪剧兴趣小组", "沪剧达人带大家学唱《芦荡火种》选段，满八人开班。", "党群服务站二楼活动室",
         at(4, 14, 0), at(4, 15, 30), 15, 8},
    };
    int added = 0;
    for (const NewActivity& a : demo)
        if (create(a, "system")) ++added;
    return added;
}

}  // namespace station
