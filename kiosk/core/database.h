// The station's SQLite database (var/station.db): WAL mode, versioned migrations applied at open.
//
// Threads: one connection shared by the station's services; every use holds `lock()`. Writes
// that must survive a power cut (help requests, sign-ups) run in a DurableTransaction.
#pragma once
#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kiosk/core/result.h"

namespace station {

struct Migration {
    int version;              // strictly increasing, starting at 1; never renumbered
    const char* description;  // what it adds, for the schema_migrations table and logs
    const char* sql;          // statements run in one transaction
};

// The migrations this build knows, oldest first (kiosk/core/migrations.cpp).
const std::vector<Migration>& station_migrations();

class Database {
public:
    // Opens (creating if missing) and migrates. Errors name the file and the failing migration.
    static Result<std::unique_ptr<Database>> open(const std::filesystem::path& file,
                                                  const std::vector<Migration>& migrations);

    std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>(mutex_); }
    SQLite::Database& sql() { return *db_; }  // caller holds lock()
    int schema_version();                     // highest applied migration; caller holds lock()
    const std::filesystem::path& file() const { return file_; }

private:
    Database(std::filesystem::path file, std::unique_ptr<SQLite::Database> db);
    std::filesystem::path file_;
    std::mutex mutex_;  // guards db_ and every statement on it
    std::unique_ptr<SQLite::Database> db_;
};

// synchronous=FULL for the duration of one transaction (DESIGN.md rule 2): the commit is on disk
// before the caller tells anyone. Restores the connection's NORMAL afterwards; rolls back unless
// commit() was called. The caller holds Database::lock().
class DurableTransaction {
public:
    explicit DurableTransaction(SQLite::Database& sql);
    void commit();
    ~DurableTransaction();
    DurableTransaction(const DurableTransaction&) = delete;
    DurableTransaction& operator=(const DurableTransaction&) = delete;

private:
    SQLite::Database& sql_;
    bool committed_ = false;
};

}  // namespace station
