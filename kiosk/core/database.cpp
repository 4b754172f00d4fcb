#include "kiosk/core/database.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace station {

Database::Database(std::filesystem::path file, std::unique_ptr<SQLite::Database> db)
    : file_(std::move(file)), db_(std::move(db)) {}

int Database::schema_version() {
    return db_->execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt();
}

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& file,
                                                 const std::vector<Migration>& migrations) {
    std::unique_ptr<SQLite::Database> db;
    try {
        db = std::make_unique<SQLite::Database>(
            file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
        db->setBusyTimeout(5000);
        std::string mode = db->execAndGet("PRAGMA journal_mode=WAL").getString();
        if (mode != "wal") return Error{file.string() + ": cannot switch to WAL mode (got " + mode + ")"};
        db->exec("PRAGMA synchronous=NORMAL");
        db->exec("PRAGMA foreign_keys=ON");
        db->exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)");
    } catch (const std::exception& e) {
        return Error{file.string() + ": cannot open database: " + e.what()};
    }

    std::unique_ptr<Database> database(new Database(file, std::move(db)));
    SQLite::Database& sql = database->sql();
    int current = database->schema_version();
    int newest = migrations.empty() ? 0 : migrations.back().version;
    if (current > newest)
        return Error{file.string() + ": database schema version " + std::to_string(current) +
                     " is newer than this station-kiosk knows (" + std::to_string(newest) +
                     "); run a newer build"};
    for (const Migration& m : migrations) {
        if (m.version <= current) continue;
        try {
            SQLite::Transaction transaction(sql);
            sql.exec(m.sql);
            SQLite::Statement record(sql, "INSERT INTO schema_migrations VALUES (?, ?, ?)");
            record.bind(1, m.version);
            record.bind(2, m.description);
            record.bind(3, static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                    std::chrono::system_clock::now().time_since_epoch())
                                                    .count()));
            record.exec();
            transaction.commit();
            spdlog::info("database: applied migration {} ({})", m.version, m.description);
        } catch (const std::exception& e) {
            return Error{file.string() + ": migration " + std::to_string(m.version) + " (" + m.description +
                         ") failed: " + e.what()};
        }
    }
    return database;
}

DurableTransaction::DurableTransaction(SQLite::Database& sql) : sql_(sql) {
    sql_.exec("PRAGMA synchronous=FULL");
    sql_.exec("BEGIN IMMEDIATE");
}

void DurableTransaction::commit() {
    sql_.exec("COMMIT");
    committed_ = true;
}

DurableTransaction::~DurableTransaction() {
    try {
        if (!committed_) sql_.exec("ROLLBACK");
        sql_.exec("PRAGMA synchronous=NORMAL");
    } catch (const std::exception& e) {
        spdlog::error("database: cannot end a durable transaction: {}", e.what());
    }
}

}  // namespace station
