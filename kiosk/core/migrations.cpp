// Schema history. Append new migrations at the end; never edit or renumber a released one.
#include "kiosk/core/database.h"

namespace station {

const std::vector<Migration>& station_migrations() {
    static const std::vector<Migration> migrations = {
        {1, "staff accounts and the audit trail",
         R"sql(
CREATE TABLE staff (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  pin_hash      TEXT NOT NULL,             -- libsodium crypto_pwhash_str (Argon2id)
  role          TEXT NOT NULL CHECK (role IN ('staff', 'editor', 'admin', 'device')),
  demo          INTEGER NOT NULL DEFAULT 0, -- 1: seeded by --demo; removed when not in demo mode
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE audit_log (
  id       INTEGER PRIMARY KEY,
  at_ms    INTEGER NOT NULL,
  actor    TEXT NOT NULL,                  -- staff username, 'resident', 'system'
  action   TEXT NOT NULL,                  -- e.g. 'help.acknowledge'
  subject  TEXT NOT NULL DEFAULT '',       -- what it acted on, e.g. a request id
  detail   TEXT NOT NULL DEFAULT ''        -- JSON; never personal data
);
CREATE INDEX audit_log_at ON audit_log(at_ms);
)sql"},
    };
    return migrations;
}

}  // namespace station
