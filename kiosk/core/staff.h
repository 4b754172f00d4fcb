// Staff accounts: username, display name, PIN (stored only as an Argon2id hash), role.
// No default account exists outside demo mode: --demo seeds `demo` / PIN 2468, and a start
// without --demo removes it again, so a demo run on a real station leaves no open door.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/database.h"

namespace station {

struct StaffMember {
    int64_t id = 0;
    std::string username;       // login name, [a-z0-9_.-]
    std::string display_name;   // shown to residents: "王老师"
    std::string role;           // "staff", "editor", "admin" or "device"
    bool demo = false;          // seeded by --demo
};

inline constexpr const char* kDemoUsername = "demo";
inline constexpr const char* kDemoPin = "2468";

class StaffDirectory {
public:
    StaffDirectory(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

    // Adds an account. Errors name the field: bad username, PIN not 4-12 digits, bad role, taken.
    Result<StaffMember> add(const std::string& username, const std::string& display_name,
                            const std::string& pin, const std::string& role, bool demo = false);
    // Replaces the PIN of an existing account. Errors name the field: PIN not 4-12 digits, no such user.
    Result<Ok> set_pin(const std::string& username, const std::string& pin);
    // The member when username and PIN match; nullopt otherwise (constant-time PIN check).
    std::optional<StaffMember> verify(const std::string& username, const std::string& pin);
    std::optional<StaffMember> find(const std::string& username);
    std::vector<StaffMember> list();

    bool seed_demo_account();    // creates demo/2468 when missing; true when it created it
    int remove_demo_accounts();  // deletes accounts seeded by --demo; returns how many

private:
    Database& db_;
    const Clock& clock_;
};

}  // namespace station
