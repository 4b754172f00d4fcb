#include "kiosk/core/staff.h"

#include <sqlite3.h>

#include <regex>
#include <sodium.h>

namespace station {
namespace {

StaffMember row_to_member(SQLite::Statement& row) {
    return StaffMember{row.getColumn("id").getInt64(), row.getColumn("username").getString(),
                       row.getColumn("display_name").getString(), row.getColumn("role").getString(),
                       row.getColumn("demo").getInt() != 0};
}

}  // namespace

Result<StaffMember> StaffDirectory::add(const std::string& username, const std::string& display_name,
                                        const std::string& pin, const std::string& role, bool demo) {
    static const std::regex username_pattern("^[a-z0-9_.-]{2,32}$");
    static const std::regex pin_pattern("^[0-9]{4,12}$");
    if (!std::regex_match(username, username_pattern))
        return Error{"username: expected 2-32 of a-z 0-9 _ . - (got \"" + username + "\")"};
    if (!std::regex_match(pin, pin_pattern)) return Error{"pin: expected 4-12 digits"};
    if (role != "staff" && role != "editor" && role != "admin" && role != "device")
        return Error{"role: expected staff, editor, admin or device (got \"" + role + "\")"};
    if (display_name.empty() || display_name.size() > 64)
        return Error{"display_name: expected 1-64 bytes"};

    if (sodium_init() < 0) return Error{"libsodium failed to initialise"};
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, pin.c_str(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return Error{"pin: hashing ran out of memory"};

    auto lock = db_.lock();
    try {
        SQLite::Statement insert(db_.sql(),
                                 "INSERT INTO staff (username, display_name, pin_hash, role, demo, "
                                 "created_at_ms) VALUES (?, ?, ?, ?, ?, ?)");
        insert.bind(1, username);
        insert.bind(2, display_name);
        insert.bind(3, std::string(hash));
        insert.bind(4, role);
        insert.bind(5, demo ? 1 : 0);
        insert.bind(6, clock_.now_ms());
        insert.exec();
    } catch (const SQLite::Exception& e) {
        if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE)
            return Error{"username: \"" + username + "\" is already taken"};
        return Error{std::string("staff: cannot save account: ") + e.what()};
    }
    return StaffMember{db_.sql().getLastInsertRowid(), username, display_name, role, demo};
}

Result<Ok> StaffDirectory::set_pin(const std::string& username, const std::string& pin) {
    static const std::regex pin_pattern("^[0-9]{4,12}$");
    if (!std::regex_match(pin, pin_pattern)) return Error{"pin: expected 4-12 digits"};
    if (sodium_init() < 0) return Error{"libsodium failed to initialise"};
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, pin.c_str(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return Error{"pin: hashing ran out of memory"};
    auto lock = db_.lock();
    SQLite::Statement update(db_.sql(), "UPDATE staff SET pin_hash = ? WHERE username = ?");
    update.bind(1, std::string(hash));
    update.bind(2, username);
    if (update.exec() == 0) return Error{"user: no account named \"" + username + "\""};
    return Ok{};
}

std::optional<StaffMember> StaffDirectory::verify(const std::string& username, const std::string& pin) {
    std::string hash;
    std::optional<StaffMember> member;
    {
        auto lock = db_.lock();
        SQLite::Statement query(db_.sql(), "SELECT * FROM staff WHERE username = ?");
        query.bind(1, username);
        if (query.executeStep()) {
            member = row_to_member(query);
            hash = query.getColumn("pin_hash").getString();
        }
    }
    if (sodium_init() < 0) return std::nullopt;
    if (!member) {
        // Spend the same time on unknown users so timing does not reveal which names exist.
        static const std::string dummy = [] {
            char h[crypto_pwhash_STRBYTES];
            if (crypto_pwhash_str(h, "0000", 4, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                  crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
                return std::string();
            return std::string(h);
        }();
        [[maybe_unused]] int ignored = crypto_pwhash_str_verify(dummy.c_str(), pin.c_str(), pin.size());
        return std::nullopt;
    }
    if (crypto_pwhash_str_verify(hash.c_str(), pin.c_str(), pin.size()) != 0) return std::nullopt;
    return member;
}

std::optional<StaffMember> StaffDirectory::find(const std::string& username) {
    auto lock = db_.lock();
    SQLite::Statement query(db_.sql(), "SELECT * FROM staff WHERE username = ?");
    query.bind(1, username);
    if (!query.executeStep()) return std::nullopt;
    return row_to_member(query);
}

std::vector<StaffMember> StaffDirectory::list() {
    auto lock = db_.lock();
    SQLite::Statement query(db_.sql(), "SELECT * FROM staff ORDER BY username");
    std::vector<StaffMember> members;
    while (query.executeStep()) members.push_back(row_to_member(query));
    return members;
}

bool StaffDirectory::seed_demo_account() {
    if (find(kDemoUsername)) return false;
    return add(kDemoUsername, "演示工作人员", kDemoPin, "admin", true).ok();
}

int StaffDirectory::remove_demo_accounts() {
    auto lock = db_.lock();
    return db_.sql().exec("DELETE FROM staff WHERE demo = 1");
}

}  // namespace station
