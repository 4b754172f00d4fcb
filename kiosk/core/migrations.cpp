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
        {2, "help requests, their event journal and the resident-id salt",
         R"sql(
CREATE TABLE help_requests (
  id                   INTEGER PRIMARY KEY,
  ticket               TEXT NOT NULL,             -- said aloud: 'A012'
  service_day          TEXT NOT NULL,             -- local day the ticket belongs to, 'YYYY-MM-DD'
  day_seq              INTEGER NOT NULL,          -- 1, 2, ... within service_day
  request_key          TEXT UNIQUE,               -- client's idempotency key; a retry returns the same row
  category             TEXT NOT NULL DEFAULT '',  -- '' until chosen; medical, meal, repair, errand, consult, other
  source               TEXT NOT NULL,             -- screen, button, staff
  state                TEXT NOT NULL CHECK (state IN ('called', 'acknowledged', 'arrived', 'resolved', 'cancelled')),
  escalation_level     INTEGER NOT NULL DEFAULT 0,
  realert_count        INTEGER NOT NULL DEFAULT 0,
  last_realert_at_ms   INTEGER,
  created_at_ms        INTEGER NOT NULL,
  created_by           TEXT NOT NULL,             -- 'resident' or a staff/device username
  acknowledged_at_ms   INTEGER,
  acknowledged_by      TEXT,                      -- staff username
  acknowledged_by_name TEXT,                      -- staff display name, said to the resident
  arrived_at_ms        INTEGER,
  arrived_by           TEXT,
  arrived_by_name      TEXT,
  closed_at_ms         INTEGER,                   -- resolved or cancelled
  closed_by            TEXT,
  cancel_reason        TEXT,                      -- personal: purged by retention
  note                 TEXT,                      -- personal: purged by retention
  resident_id_masked   TEXT,                      -- personal: '3101**********1234'
  resident_id_hash     TEXT,                      -- personal: keyed BLAKE2b of the number, station salt
  rating               INTEGER,                   -- 1..3 faces after resolution
  purged_at_ms         INTEGER,                   -- when retention removed the personal fields
  UNIQUE (service_day, day_seq)
);
CREATE INDEX help_requests_open ON help_requests(state) WHERE state IN ('called', 'acknowledged', 'arrived');
CREATE INDEX help_requests_closed_at ON help_requests(closed_at_ms);

-- Every change, in commit order: the API's event stream replays from here (Last-Event-ID).
CREATE TABLE help_events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms      INTEGER NOT NULL,
  type       TEXT NOT NULL,
  request_id INTEGER NOT NULL,
  data       TEXT NOT NULL                        -- JSON; never personal data
);

CREATE TABLE station_secrets (
  name  TEXT PRIMARY KEY,                         -- 'resident_id_salt'
  value BLOB NOT NULL
);
)sql"},
        {3, "API tokens and the notification outbox",
         R"sql(
CREATE TABLE api_tokens (
  token_hash    TEXT PRIMARY KEY,                 -- BLAKE2b of the bearer token; the token itself is never stored
  username      TEXT NOT NULL,
  role          TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
);
CREATE INDEX api_tokens_expiry ON api_tokens(expires_at_ms);

CREATE TABLE notify_outbox (
  id                 INTEGER PRIMARY KEY,
  created_at_ms      INTEGER NOT NULL,
  kind               TEXT NOT NULL CHECK (kind IN ('wecom', 'dingtalk', 'json')),
  url                TEXT NOT NULL,
  body               TEXT NOT NULL,               -- JSON to POST (DingTalk is signed at delivery)
  attempts           INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_ms INTEGER NOT NULL,
  delivered_at_ms    INTEGER,
  last_error         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notify_outbox_due ON notify_outbox(next_attempt_at_ms) WHERE delivered_at_ms IS NULL;
)sql"},
    };
    return migrations;
}

}  // namespace station
