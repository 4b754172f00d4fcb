#include <doctest/doctest.h>

#include "kiosk/core/database.h"
#include "temp_dir.h"

using station::Database;
using station::Migration;

TEST_CASE("opening a database uses WAL and applies every migration once") {
    station::test::TempDir dir;
    auto db = Database::open(dir / "station.db", station::station_migrations());
    REQUIRE(db.ok());
    auto lock = (*db)->lock();
    CHECK((*db)->sql().execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK((*db)->schema_version() == station::station_migrations().back().version);
    CHECK((*db)->sql().tableExists("staff"));
    CHECK((*db)->sql().tableExists("audit_log"));
}

TEST_CASE("reopening a migrated database changes nothing") {
    station::test::TempDir dir;
    { REQUIRE(Database::open(dir / "s.db", station::station_migrations()).ok()); }
    auto db = Database::open(dir / "s.db", station::station_migrations());
    REQUIRE(db.ok());
    auto lock = (*db)->lock();
    int rows = (*db)->sql().execAndGet("SELECT COUNT(*) FROM schema_migrations").getInt();
    CHECK(rows == int(station::station_migrations().size()));
}

TEST_CASE("only newer migrations run on an older database") {
    station::test::TempDir dir;
    std::vector<Migration> v1 = {{1, "one", "CREATE TABLE a (x INTEGER);"}};
    std::vector<Migration> v2 = {{1, "one", "CREATE TABLE a (x INTEGER);"},
                                 {2, "two", "CREATE TABLE b (y INTEGER);"}};
    { REQUIRE(Database::open(dir / "s.db", v1).ok()); }
    auto db = Database::open(dir / "s.db", v2);
    REQUIRE(db.ok());
    auto lock = (*db)->lock();
    CHECK((*db)->schema_version() == 2);
    CHECK((*db)->sql().tableExists("b"));
}

TEST_CASE("a failing migration names its version and leaves the schema as it was") {
    station::test::TempDir dir;
    std::vector<Migration> good = {{1, "one", "CREATE TABLE a (x INTEGER);"}};
    std::vector<Migration> bad = {{1, "one", "CREATE TABLE a (x INTEGER);"},
                                  {2, "broken", "CREATE TABLE c (z INTEGER); CREATE TABLE oops ("}};
    { REQUIRE(Database::open(dir / "s.db", good).ok()); }
    auto failed = Database::open(dir / "s.db", bad);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().message.find("migration 2 (broken) failed") != std::string::npos);
    auto db = Database::open(dir / "s.db", good);
    REQUIRE(db.ok());
    auto lock = (*db)->lock();
    CHECK((*db)->schema_version() == 1);
    CHECK_FALSE((*db)->sql().tableExists("c"));
}

TEST_CASE("a database from a newer build is refused, not downgraded") {
    station::test::TempDir dir;
    std::vector<Migration> newer = {{1, "one", "CREATE TABLE a (x INTEGER);"}, {2, "two", "SELECT 1;"}};
    std::vector<Migration> older = {{1, "one", "CREATE TABLE a (x INTEGER);"}};
    { REQUIRE(Database::open(dir / "s.db", newer).ok()); }
    auto db = Database::open(dir / "s.db", older);
    REQUIRE_FALSE(db.ok());
    CHECK(db.error().message.find("schema version 2 is newer") != std::string::npos);
}

TEST_CASE("a database path in a missing folder is an error naming the file") {
    auto db = Database::open("/nonexistent-folder/station.db", station::station_migrations());
    REQUIRE_FALSE(db.ok());
    CHECK(db.error().message.find("/nonexistent-folder/station.db: cannot open database") == 0);
}
